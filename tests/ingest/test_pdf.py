"""PDF reader over the real fixture PDFs: reading order, bad text layers, OCR, encryption."""

from __future__ import annotations

import re

import pytest

from corpusforge.cli.progress import RichProgress
from corpusforge.ingest.config import IngestConfig
from corpusforge.ingest.ocr import tesseract_available
from corpusforge.ingest.pdf import read
from corpusforge.ingest.pipeline import ingest_paths
from corpusforge.ingest.quality import check_text

BAD_FONTS = "zh_pymupdf_broken-font-mapping_has-bad-fonts.pdf"
SCANNED = "zh_mineru_scanned-book_scanned_2p.pdf"
ENCRYPTED = "en_pdfminer_encrypted-aes128-password-foo.pdf"


def _read(path, **cfg):
    return read(path.read_bytes(), path, IngestConfig(**{"ocr": False, **cfg}))


def test_every_fixture_pdf_is_ingested(make_ws, fixtures_dir):
    ws = make_ws()
    summary = ingest_paths(ws, [fixtures_dir / "pdf"], progress=RichProgress())
    failed = dict(summary.failed)
    # without OCR only the scan, the garbled page and the locked file fail, each with its reason
    assert {k.rsplit("/", 1)[-1]: v.split(":")[0] for k, v in failed.items()} == {
        SCANNED: "empty",
        BAD_FONTS: "empty",
        ENCRYPTED: "encrypted PDF",
    }
    assert "broken font mapping" in next(v for k, v in failed.items() if k.endswith(BAD_FONTS))
    assert summary.read == 13
    docs = {d.source: d for d in ws.store.iter_documents()}
    assert docs["en_pymupdf_qwen2-tech-report_test_4751.pdf"].n_pages == 26
    assert {d.lang for s, d in docs.items() if s.startswith("zh_")} == {"zh"}
    assert docs["fr_unstructured_fr_olap.pdf"].lang == "fr"
    assert docs["ko_unstructured_korean-text-with-tables.pdf"].lang == "ko"


def test_good_text_layers_are_not_flagged(fixtures_dir):
    import pymupdf

    for path in sorted((fixtures_dir / "pdf").glob("*.pdf")):
        if path.name in (BAD_FONTS, SCANNED, ENCRYPTED):
            continue
        for page in pymupdf.open(path):
            assert check_text(page.get_text()).quality == "ok", (path.name, page.number)


def test_multi_column_paper_is_read_column_by_column(fixtures_dir):
    result = _read(fixtures_dir / "pdf" / "en_unstructured_multi-column-2p.pdf")
    text = result.pages[0].text
    assert result.pages[0].metadata["columns"] >= 2
    left = text.index("Open-domain question answering relies on ef-")  # abstract, left column
    right = text.index("Retrieval in open-domain QA is usually imple-")  # introduction, right column
    intro = text.index("Introduction")  # left column, below the abstract
    assert left < intro < right
    assert result.metadata["pages_multi_column"] >= 1


def test_garbage_text_layer_is_detected_and_left_out_without_ocr(fixtures_dir):
    result = _read(fixtures_dir / "pdf" / BAD_FONTS)
    meta = result.pages[0].metadata
    assert meta["quality"] == "garbage" and "broken font mapping" in meta["reason"]
    assert result.pages[0].text == "" and meta["method"] == "none"
    assert result.warnings and "ingest.ocr is off" in result.warnings[0]


def test_no_text_layer_is_detected(fixtures_dir):
    result = _read(fixtures_dir / "pdf" / SCANNED)
    assert [p.metadata["quality"] for p in result.pages] == ["empty", "empty"]
    assert result.n_chars == 0


@pytest.mark.skipif(not tesseract_available(), reason="tesseract is not installed")
def test_garbage_page_is_reread_by_ocr(fixtures_dir):
    result = _read(fixtures_dir / "pdf" / BAD_FONTS, ocr=True)
    page = result.pages[0]
    assert page.metadata["method"] == "ocr" and result.metadata["pages_ocr"] == 1
    assert "TORONTO" in page.text and "20150.00" in page.text
    assert "佛佛" not in page.text


@pytest.mark.slow
@pytest.mark.skipif(not tesseract_available(), reason="tesseract is not installed")
def test_scanned_pages_are_ocred_into_chinese_text(make_ws, fixtures_dir, tmp_path):
    import pymupdf

    one = pymupdf.open()
    one.insert_pdf(pymupdf.open(fixtures_dir / "pdf" / SCANNED), to_page=0)  # one page keeps it cheap
    one.save(tmp_path / "scan1.pdf")
    ws = make_ws(ocr=True, ocr_languages="chi_sim", ocr_dpi=150)
    summary = ingest_paths(ws, [tmp_path / "scan1.pdf"])
    assert summary.read == 1 and summary.pages_ocr == 1
    pages = list(ws.store.iter_pages())
    assert [p.page for p in pages] == [1]
    for p in pages:
        assert p.metadata["method"] == "ocr"
        assert len(re.findall(r"[\u4e00-\u9fff]", p.text)) > 200  # a page of Chinese prose
    assert "使用价值" in pages[0].text  # the book's first pages are about use value


def test_encrypted_fixture_opens_with_configured_password(fixtures_dir):
    result = _read(fixtures_dir / "pdf" / ENCRYPTED, pdf_passwords=["foo"])
    assert result.pages[0].text.strip() == "Secret!"
    assert result.metadata["encrypted"] is True


def test_ligatures_are_expanded(fixtures_dir):
    text = _read(fixtures_dir / "pdf" / "en_unstructured_multi-column-2p.pdf").pages[0].text
    assert "\ufb01" not in text and "ficient passage retrieval" in text


@pytest.mark.skipif(not tesseract_available(), reason="tesseract is not installed")
def test_ocr_failure_on_a_page_is_a_warning_not_a_lost_document(fixtures_dir):
    result = _read(fixtures_dir / "pdf" / BAD_FONTS, ocr=True, ocr_languages="xx_no_such_lang")
    assert result.pages[0].metadata["method"] == "none"
    assert "OCR failed: tesseract failed (xx_no_such_lang)" in result.warnings[0]


def test_control_characters_are_removed(fixtures_dir):
    text = _read(fixtures_dir / "pdf" / "ko_unstructured_korean-text-with-tables.pdf").pages[0].text
    assert "\x07" not in text and "적립 제외 대상" in text


def test_page_progress_callback(fixtures_dir):
    calls = []
    path = fixtures_dir / "pdf" / "en_unstructured_fake-memo-with-duplicate-page.pdf"
    read(path.read_bytes(), path, IngestConfig(ocr=False), on_page=lambda i, n: calls.append((i, n)))
    assert calls == [(1, 2), (2, 2)]
