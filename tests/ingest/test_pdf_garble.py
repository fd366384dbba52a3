"""Garbled text layers, every class: synthetic strings, real fixtures with their ToUnicode maps stripped."""

from __future__ import annotations

import pymupdf
import pytest

from corpusforge.ingest.config import IngestConfig
from corpusforge.ingest.garble import soup_reason
from corpusforge.ingest.pdf import read
from corpusforge.ingest.quality import check_text

CLEAN = "组合收益率的变化与投资者情绪密切相关。本文研究了二零二三年的市场数据，发现波动显著。"


def _strip_tounicode(src, dst):
    doc = pymupdf.open(src)
    for xref in range(1, doc.xref_length()):
        if doc.xref_get_key(xref, "ToUnicode")[0] != "null":
            doc.xref_set_key(xref, "ToUnicode", "null")
    doc.save(dst)
    return dst


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        (
            '  !"\n !"#$%&&\'()\'*+,\n! "#\n-./\n$ %# !"#$%&\'(\n012\n324\n356\n789\n:;<\n=>?@ AB#',
            "punctuation",
        ),
        (
            "þ\x17\x17T\x14用»pJb\nQR+#\n方ib\n又aþ\x17T6b8þ\x17T6方ib\x89\x1c用þ\x17b\x84UZ xSåP\x14",
            "Latin-1",
        ),
        ("ᮦᆍӚӈᰬԙθᮦᆍᤕӰ\u0af7ޭҼᤕӰӝ\u0af7ӈࣞᙝȽᮦᆍӝ\u0af7ᮦᆍᢶᵥ\u07bbṮԛ\u0a00ᕅᡆ", "scripts"),
    ],
)
def test_each_soup_class_is_named(text, sign):
    assert sign in soup_reason(text)
    assert check_text(text).quality == "garbage"


@pytest.mark.parametrize(
    "text",
    [
        CLEAN * 3,
        "Contents\n2.1 Tokenizer . . . . . . . . . . . . . . . . . . . . 3\n" * 5,
        "Les résultats montrent que l'élève a été très impliqué dans l'étude. Ça marche!",
        "Формула E = mc², где m — масса, а c — скорость света; α + β ≤ γ. " + CLEAN,
        "적립 제외 대상은 다음과 같습니다. 한국어 문장입니다. 테이블 값 12.5%",
    ],
)
def test_real_text_is_not_soup(text):
    assert soup_reason(text) == ""


def test_clean_fixture_pages_raise_no_alarm(fixtures_dir):
    from corpusforge.ingest.pdf import page_text

    flagged = []
    for path in sorted((fixtures_dir / "pdf").glob("*.pdf")):
        if "broken-font" in path.name or "encrypted" in path.name:
            continue
        for i, page in enumerate(pymupdf.open(path)):
            if soup_reason(page_text(page)[0]):
                flagged.append(f"{path.name} p{i + 1}")
    assert flagged == []


@pytest.mark.parametrize(
    "name",
    [
        "zh_unstructured_simplified_chinese.pdf",  # ASCII punctuation soup
        "zh_mineru_chemistry-intro.pdf",  # Latin-1 symbols and control characters
        "zh_pymupdf_academic-article_test_4182.pdf",  # scattered scripts / rare CJK
        "zh_pymupdf_annual-report-tables_chinese-tables.pdf",
    ],
)
def test_stripped_tounicode_pages_are_garbage_and_say_why(fixtures_dir, tmp_path, name):
    bad = _strip_tounicode(fixtures_dir / "pdf" / name, tmp_path / name)
    result = read(bad.read_bytes(), bad, IngestConfig(ocr=False))
    meta = result.pages[0].metadata
    assert meta["quality"] == "garbage" and meta["reason"]
    assert meta["text_source"] == "none" and result.pages[0].text == ""
    intact = read((fixtures_dir / "pdf" / name).read_bytes(), bad, IngestConfig(ocr=False))
    assert intact.pages[0].metadata["text_source"] == "text"
