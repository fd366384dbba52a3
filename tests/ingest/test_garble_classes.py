"""Garbled classes made by the test itself: stripped ToUnicode (pikepdf), a page swapped for glyph codes
that only its neighbours give away, text no language fits; and no false alarm on the clean fixtures."""

from __future__ import annotations

import io
import random
import string
from pathlib import Path

import pikepdf
import pymupdf
import pytest

from corpusforge.ingest import docx, html
from corpusforge.ingest.config import IngestConfig
from corpusforge.ingest.garble import neighbour_outliers
from corpusforge.ingest.lang import unplaced_reason
from corpusforge.ingest.pdf import read
from corpusforge.ingest.quality import check_text

SENTENCES = [
    "组合收益率的变化与投资者情绪密切相关。", "本文研究了二零二三年的市场数据，发现波动显著。",
    "央行在第三季度下调了存款准备金率，市场流动性明显改善。", "制造业采购经理指数连续两个月回升，需求逐步恢复。",
    "我们认为消费板块的估值仍处于历史较低水平。", "新能源汽车的渗透率继续上升，产业链利润向上游集中。",
    "出口增速放缓，但贸易顺差依然维持高位。", "房地产投资下滑拖累了固定资产投资的整体表现。",
    "债券收益率曲线趋于平坦，长端利率下行较快。", "风险提示：宏观经济波动超预期，政策落地不及预期。",
    "公司营业收入同比增长百分之十二，净利润率小幅提升。", "研究团队对样本期内的行业轮动规律进行了统计检验。",
]  # fmt: skip
BOX = pymupdf.Rect(20, 20, 280, 400)
ENGLISH = "The results show that the model is robust to noise, and that it scales with the data. " * 6


def _zh(seed: int) -> str:
    return "".join(random.Random(seed).sample(SENTENCES, 10))


def _glyph_codes(text: str) -> str:
    """Codes handed out in order of first use (a, b, c ...), as a font without ToUnicode map shows them."""
    seen: dict[str, int] = {}
    return "".join(
        string.ascii_lowercase[seen.setdefault(c, len(seen)) % 26] if "\u4e00" <= c <= "\u9fff" else " "
        for c in text
    )


def _swapped_doc(bad: int = 4) -> tuple[bytes, list[str]]:
    """9 Chinese pages; page ``bad`` shows its Chinese as an image over an invisible glyph-code layer."""
    doc, texts = pymupdf.open(), [_zh(i) for i in range(9)]
    for i, text in enumerate(texts):
        page = doc.new_page(width=300, height=420)
        if i != bad:
            page.insert_textbox(BOX, text, fontname="china-s", fontsize=11)
            continue
        tmp = pymupdf.open()
        tmp.new_page(width=300, height=420).insert_textbox(BOX, text, fontname="china-s", fontsize=11)
        page.insert_image(page.rect, stream=tmp[0].get_pixmap(dpi=150, colorspace="gray").tobytes("png"))
        page.insert_textbox(BOX, _glyph_codes(text), fontsize=11, render_mode=3)
    return doc.tobytes(), texts


def test_tounicode_stripped_with_pikepdf_is_garbage():
    doc = pymupdf.open()
    page = doc.new_page(width=300, height=420)
    page.insert_font(fontname="F0", fontbuffer=pymupdf.Font("cjk").buffer)
    page.insert_textbox(BOX, _zh(1), fontname="F0", fontsize=11)
    assert check_text(pymupdf.open(stream=doc.tobytes())[0].get_text()).quality == "ok"
    pdf = pikepdf.open(io.BytesIO(doc.tobytes()))
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and "/ToUnicode" in obj:
            del obj["/ToUnicode"]
    buf = io.BytesIO()
    pdf.save(buf)
    meta = read(buf.getvalue(), Path("x.pdf"), IngestConfig(ocr=False)).pages[0].metadata
    assert meta["quality"] == "garbage" and "font mapping" in meta["reason"]


def test_page_swapped_for_glyph_codes_is_found_by_its_neighbours():
    data, _ = _swapped_doc()
    assert check_text(pymupdf.open(stream=data)[4].get_text()).quality == "ok"  # alone it passes
    result = read(data, Path("x.pdf"), IngestConfig(ocr=False))
    flagged = [i for i, p in enumerate(result.pages) if p.metadata.get("quality") == "garbage"]
    assert flagged == [4] and result.metadata["pages_garbage"] == 1
    meta = result.pages[4].metadata
    assert "neighbouring pages" in meta["reason"] and meta["text_source"] == "none"


def test_real_english_page_among_chinese_ones_is_not_an_outlier():
    texts = [_zh(i) for i in range(9)]
    assert neighbour_outliers(texts[:4] + [ENGLISH] + texts[5:]) == {}
    assert neighbour_outliers(texts[:4] + [_glyph_codes(texts[4])] + texts[5:]).keys() == {4}


@pytest.mark.slow
def test_outlier_page_is_ocred_and_says_why():
    data, texts = _swapped_doc()
    result = read(data, Path("x.pdf"), IngestConfig(ocr=True, ocr_engine="rapidocr", ocr_dpi=150))
    meta = result.pages[4].metadata
    assert meta["text_source"] == "ocr" and "neighbouring pages" in meta["reason"]
    assert sum(c in texts[4] for c in result.pages[4].text) > 0.8 * len("".join(texts[4].split()))


def test_text_no_language_fits_is_garbage():
    codes = " ".join(_glyph_codes(_zh(i)).replace(" ", "")[:6].capitalize() + "Q3x" for i in range(60))
    assert "no language fits" in check_text(codes).reason
    for text in (ENGLISH, "Les résultats de la méthode sont stables et le modèle est simple. " * 6,
                 "def read(path):\n    return open(path).read() if path else None\n" * 8,
                 "Revenue 2023 1,234.5 12.3% Net profit 456.7 8.9% EBITDA 789.0 " * 8):  # fmt: skip
        assert unplaced_reason(text) == "", text[:30]


def test_no_false_alarm_on_clean_fixtures(fixtures_dir):
    bad = []
    for path in sorted((fixtures_dir / "pdf").glob("*.pdf")) + sorted(
        (fixtures_dir / "pdf-gold").glob("*.pdf")
    ):
        if "broken-font" in path.name:
            continue
        # Tables off: the table finder costs ~1.4 s a page and is not what this test checks.
        cfg = IngestConfig(ocr=False, pdf_tables="off", pdf_passwords=["foo"])
        result = read(path.read_bytes(), path, cfg)
        bad += [
            f"{path.name} p{i}"
            for i, p in enumerate(result.pages, 1)
            if p.metadata.get("quality") == "garbage"
        ]
    for reader, paths in ((docx, (fixtures_dir / "docx").glob("*.docx")),
                          (html, (fixtures_dir / "html").rglob("*.html.gz"))):  # fmt: skip
        for path in sorted(paths):
            pages = reader.read(path.read_bytes(), path, IngestConfig(ocr=False)).pages
            texts = [p.text for p in pages]
            bad += [path.name for t in texts if check_text(t).quality == "garbage"]
            bad += [path.name for _ in neighbour_outliers(texts)]
    assert bad == []
