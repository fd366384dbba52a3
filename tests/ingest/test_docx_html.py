"""DOCX fixtures (tables, headers/footers) and the trafilatura evaluation pages."""

from __future__ import annotations

import gzip
import json
import sys

from corpusforge.ingest.config import IngestConfig
from corpusforge.ingest.docx import read as read_docx
from corpusforge.ingest.html import extract_main_text


def _docx(path):
    return read_docx(path.read_bytes(), path, IngestConfig(ocr=False))


def test_docx_headers_and_footers_stay_out_of_the_body(fixtures_dir):
    result = _docx(fixtures_dir / "docx" / "en_unstructured_docx-hdrftr.docx")
    assert result.pages[0].text == "Main document"
    assert result.metadata["headers"] == ["First header para\nLast header para"]
    assert result.metadata["footers"] == ["para1\npara2"]
    sections = _docx(fixtures_dir / "docx" / "zh_mineru_sections.docx")
    assert "页眉" not in sections.pages[0].text
    assert len(sections.metadata["headers"]) == 4


def test_docx_tables_become_rows(fixtures_dir):
    result = _docx(fixtures_dir / "docx" / "en_unstructured_docx-tables.docx")
    lines = result.pages[0].text.splitlines()
    assert "Header Col 1 | Header Col 2" in lines
    assert "Lorem ipsum | A link example" in lines
    assert result.metadata["tables"] == 3


def test_docx_chinese_contract(fixtures_dir):
    result = _docx(fixtures_dir / "docx" / "zh_mineru_contract-template_test.docx")
    assert result.title == "这是标题"
    assert "本合同双方应加盖骑缝章" in result.pages[0].text


def _shares(pages, extract):
    found = kept_out = n_with = n_without = 0
    for html, item in pages:
        text = extract(html) or ""
        found += sum(s in text for s in item["with"])
        kept_out += sum(s not in text for s in item["without"])
        n_with += len(item["with"])
        n_without += len(item["without"])
    return found / n_with, kept_out / n_without


def test_html_extraction_no_worse_than_plain_trafilatura(fixtures_dir, capsys):
    import trafilatura

    base = fixtures_dir / "html" / "trafilatura-eval-subset"
    evaldata = json.loads((base / "evaldata_subset.json").read_text(encoding="utf-8"))
    pages = [
        (gzip.decompress((base / "html" / item["file"]).read_bytes()), item) for item in evaldata.values()
    ]
    assert len(pages) == 60
    ours = _shares(pages, lambda html: extract_main_text(html)[1])
    plain = _shares(pages, lambda html: trafilatura.extract(html))
    with capsys.disabled():  # reported in every run, not only on failure
        sys.stderr.write(
            f"\ntrafilatura eval, {len(pages)} pages: `with` snippets found {ours[0]:.3f} (plain "
            f"extract() {plain[0]:.3f}); `without` left out {ours[1]:.3f} (plain {plain[1]:.3f})\n"
        )
    assert ours[0] >= plain[0] and ours[1] >= plain[1]
    assert ours[0] > 0.9  # most main-text snippets are found
