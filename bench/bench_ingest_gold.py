"""Gold-text fidelity of PDF ingest (``python bench/ingest.py --fidelity``); see bench/ingest.py."""

from __future__ import annotations

import collections
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ZH_PAGES = [  # one-page Chinese fixtures with a good text layer
    "zh_pymupdf_academic-article_test_4182.pdf",
    "zh_unstructured_simplified_chinese.pdf",
    "zh_mineru_ship-rules_2list_1table.pdf",
    "zh_pymupdf_annual-report-tables_chinese-tables.pdf",
]
CHEMISTRY = "zh_mineru_chemistry-intro.pdf"
_MARKUP = re.compile(r"[\s#*|_`>]|-{3,}|<br>")


def bigrams(text: str) -> collections.Counter[str]:
    t = _MARKUP.sub("", text)
    return collections.Counter(t[i : i + 2] for i in range(len(t) - 1))


def f1(pred: str, gold: str) -> float:
    """Character-bigram F1 (whitespace and Markdown markup ignored, order insensitive)."""
    p, g = bigrams(pred), bigrams(gold)
    hit = sum((p & g).values())
    if not hit:
        return 0.0
    precision, recall = hit / sum(p.values()), hit / sum(g.values())
    return 2 * precision * recall / (precision + recall)


def strip_tounicode(src: Path, dst: Path) -> None:
    """Copy ``src`` with every font's ``/ToUnicode`` map removed (the mojibake class)."""
    import pymupdf

    doc = pymupdf.open(src)
    for xref in range(1, doc.xref_length()):
        if doc.xref_get_key(xref, "ToUnicode")[0] != "null":
            doc.xref_set_key(xref, "ToUnicode", "null")
    doc.save(dst)


def rasterise(src: Path, dst: Path, dpi: int = 150) -> None:
    """Image-only copy of ``src`` (a scan whose text is known)."""
    import pymupdf

    doc, out = pymupdf.open(src), pymupdf.open()
    for page in doc:
        pix = page.get_pixmap(dpi=dpi, colorspace="gray")
        new = out.new_page(width=page.rect.width, height=page.rect.height)
        new.insert_image(new.rect, stream=pix.tobytes("png"))
    out.save(dst)


def raw(path: Path) -> str:
    import pymupdf

    return "\n".join(p.get_text() for p in pymupdf.open(path))


def llm4(path: Path) -> str:
    import pymupdf4llm

    return str(pymupdf4llm.to_markdown(str(path), show_progress=False))


def ours(path: Path, engine: str = "auto") -> str:
    from corpusforge.ingest.config import IngestConfig
    from corpusforge.ingest.pdf import read

    cfg = IngestConfig(ocr=True, ocr_engine=engine)  # type: ignore[arg-type]
    return "\n".join(p.text for p in read(path.read_bytes(), path, cfg).pages)


def _timed(fn: Any, *args: Any) -> tuple[str, float]:
    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0


def _row(out: Any, name: str, gold: str, path: Path, pages: int) -> None:
    cells = []
    for fn in (ours, raw, llm4):
        text, dt = _timed(fn, path)
        cells.append(f"{f1(text, gold):6.3f} {dt / pages:6.2f}")
    out.write(f"| {name:44} | " + " | ".join(cells) + " |\n")


def fidelity(pdf_dir: Path) -> None:
    """Print the F1 / seconds-per-page tables (Markdown) to stdout."""
    import pymupdf

    out = sys.stdout
    gold_dir = pdf_dir.parent / "pdf-gold"
    out.write("| document | ours F1 s/page | raw PyMuPDF F1 s/page | pymupdf4llm F1 s/page |\n")
    out.write("|---|---|---|---|\n")
    for gold_md in sorted(gold_dir.glob("*.gold.md")):
        pdf = gold_md.with_name(gold_md.name.replace(".gold.md", ".pdf"))
        _row(out, f"text layer, MinerU gold: {pdf.name[:18]}", gold_md.read_text(), pdf, 11)
    with tempfile.TemporaryDirectory() as tmp:
        scans: list[tuple[Path, str]] = []
        for name in [*ZH_PAGES, CHEMISTRY]:
            src = pdf_dir / name
            gold = raw(src)
            bad, scan = Path(tmp) / f"notounicode_{name}", Path(tmp) / f"scan_{name}"
            strip_tounicode(src, bad)
            _row(out, f"no ToUnicode: {name[:30]}", gold, bad, 1)
            if name != CHEMISTRY:
                rasterise(src, scan)
                _row(out, f"scan 150 dpi: {name[:30]}", gold, scan, 1)
                scans.append((scan, gold))
        out.write("\n| scan | RapidOCR F1 s/page | Tesseract F1 s/page |\n|---|---|---|\n")
        for scan, gold in scans:
            cells = []
            for engine in ("rapidocr", "tesseract"):
                text, dt = _timed(ours, scan, engine)
                cells.append(f"{f1(text, gold):6.3f} {dt:6.2f}")
            out.write(f"| {scan.name[5:40]} | " + " | ".join(cells) + " |\n")
    from corpusforge.ingest.ocr import _render, ocr_rapid

    page = pymupdf.open(pdf_dir / CHEMISTRY)[0]
    gold = page.get_text()
    out.write(f"\nchemistry page {page.rect.width:.0f}x{page.rect.height:.0f} pt, RapidOCR at 200 dpi:\n")
    for label, strip in (("strips of 1600 px (ours)", -1), ("whole page, 2000 px limit", None)):
        text, dt = _timed(lambda s=strip: ocr_rapid(_render(page, 200), s))
        out.write(f"  {label:28} F1 {f1(text, gold):.3f}  {dt:.1f} s\n")
    out.flush()
