"""Gold-text fidelity of PDF ingest (``python bench/ingest.py --fidelity``); see bench/ingest.py.

Every time is CPU seconds (``time.process_time`` plus the CPU of finished child processes, which is
where Tesseract runs), so figures from a shared, loaded machine stay comparable. OCR renders at 150 dpi.
"""

from __future__ import annotations

import collections
import os
import re
import resource
import statistics
import sys
import tempfile
import time
from functools import cache
from pathlib import Path
from typing import Any

NO_TOUNICODE = [  # one-page Chinese fixtures with a good text layer, their ToUnicode maps stripped
    "zh_unstructured_simplified_chinese.pdf",
    "zh_pymupdf_annual-report-tables_chinese-tables.pdf",
    "zh_pymupdf_academic-article_test_4182.pdf",
]
SCANS = [  # the same pages (and one more) rasterised into image-only PDFs
    "zh_unstructured_simplified_chinese.pdf",
    "zh_mineru_ship-rules_2list_1table.pdf",
    "zh_pymupdf_annual-report-tables_chinese-tables.pdf",
]
CHEMISTRY = "zh_mineru_chemistry-intro.pdf"
NOT_TEXT = ("scanned", "broken-font", "encrypted")  # fixtures left out of the text-page timing
OCR_DPI = 150
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


def cpu() -> float:
    """CPU seconds of this process (all threads) and of its finished children (tesseract)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


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

    doc = pymupdf.open(path)
    if doc.needs_pass:
        doc.authenticate("foo")
    return "\n".join(p.get_text() for p in doc)


def llm4(path: Path) -> str:
    import pymupdf4llm

    return str(pymupdf4llm.to_markdown(str(path), show_progress=False))


def ours(path: Path, engine: str = "auto", ocr: bool = True) -> str:
    from corpusforge.ingest.config import IngestConfig
    from corpusforge.ingest.pdf import read

    cfg = IngestConfig(ocr=ocr, ocr_engine=engine, ocr_dpi=OCR_DPI, pdf_passwords=["foo"])  # type: ignore[arg-type]
    return "\n".join(p.text for p in read(path.read_bytes(), path, cfg).pages)


@cache
def _timed(fn: Any, *args: Any) -> tuple[str, float]:
    """(output, CPU seconds); cached so the scans' OCR runs once for both tables."""
    t0 = cpu()
    out = fn(*args)
    return out, cpu() - t0


def _row(out: Any, name: str, gold: str, path: Path, pages: int, cpu_of: dict[str, list[float]]) -> None:
    cells = []
    for fn in (ours, raw, llm4):
        text, dt = _timed(fn, path)
        cells.append(f"{f1(text, gold):6.3f} {dt / pages:7.2f}")
        cpu_of.setdefault(fn.__name__, []).append(dt / pages)
    out.write(f"| {name:44} | " + " | ".join(cells) + " |\n")
    out.flush()


def text_page_ratio(
    pdf_dir: Path, rounds: int = 5, tables: str = "layout"
) -> tuple[dict[str, list[float]], list[str]]:
    """CPU seconds of ours (OCR off, ``ingest.pdf_tables`` = ``tables``, every other feature at its
    default) vs raw ``page.get_text()``, page by page, side by side (best of ``rounds``, after one warm-up;
    one round for pages that pass the table pre-check while tables are on: they cost ~1 s each), on the
    text-layer fixtures and the gold article. Pages are classed ``table`` (they pass the table pre-check),
    ``big image`` (an image OCR would read with OCR on) or ``plain``. Returns ({class: [raw s, ours s,
    pages]}, per-fixture lines).
    """

    from corpusforge.ingest.config import IngestConfig
    from corpusforge.ingest.image_text import big_images
    from corpusforge.ingest.pdf import _read_page, open_pdf
    from corpusforge.ingest.tables import draws_rules

    cfg = IngestConfig(ocr=False, pdf_passwords=["foo"], pdf_tables=tables)  # type: ignore[arg-type]
    files = [f for f in sorted(pdf_dir.glob("*.pdf")) if not any(k in f.name for k in NOT_TEXT)]
    files += sorted((pdf_dir.parent / "pdf-gold").glob("*.pdf"))
    classes: dict[str, list[float]] = {}
    lines = []
    for f in files:
        doc = open_pdf(f.read_bytes(), cfg)
        per: dict[str, list[float]] = {}
        for n in range(doc.page_count):
            page = doc.load_page(n)
            kind = "table" if draws_rules(page) else "big image" if big_images(page, 0.04, 100) else "plain"
            raw_t, our_t = [], []
            for _ in range(1 + (1 if kind == "table" and tables != "off" else rounds)):
                t0 = cpu()
                doc.load_page(n).get_text()
                t1 = cpu()
                _read_page(doc, n + 1, cfg, collections.defaultdict(int), [])
                raw_t.append(t1 - t0)
                our_t.append(cpu() - t1)
            for acc in (per.setdefault(kind, [0.0, 0.0, 0]), classes.setdefault(kind, [0.0, 0.0, 0])):
                acc[0] += min(raw_t[1:])
                acc[1] += min(our_t[1:])
                acc[2] += 1
        doc.close()
        cells = "  ".join(f"{k} {v[2]}p {v[1] / v[0]:.2f}x" for k, v in sorted(per.items()))
        lines.append(f"  {f.name[:44]:44} {cells}")
    return classes, lines


def fidelity(pdf_dir: Path, chemistry: bool = False) -> None:
    """Print the F1 / CPU-seconds-per-page tables (Markdown) to stdout."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    out = sys.stdout
    gold_dir = pdf_dir.parent / "pdf-gold"
    for tables in ("layout", "off"):
        classes, lines = text_page_ratio(pdf_dir, tables=tables)
        out.write(
            f"text-layer pages, OCR off, ingest.pdf_tables={tables}, CPU ours / raw get_text() page by "
            "page, best of 5 after a warm-up (table pages with tables on: 1), goal <= 1.3x\n"
        )
        for kind, (raw_s, our_s, n) in sorted(classes.items()):
            out.write(f"  {kind:10} {int(n):3} pages  raw {raw_s / n:.4f} s/page  ours {our_s / n:.4f}  ")
            out.write(f"ratio {our_s / raw_s:.2f}x\n")
        out.write("per fixture:\n" + "\n".join(lines) + "\n\n")
        out.flush()
    out.write("| document | ours F1 CPU-s/page | raw PyMuPDF F1 CPU-s/page | pymupdf4llm F1 CPU-s/page |\n")
    out.write("|---|---|---|---|\n")
    text_cpu: dict[str, list[float]] = {}
    ocr_cpu: dict[str, list[float]] = {}
    for gold_md in sorted(gold_dir.glob("*.gold.md")):
        pdf = gold_md.with_name(gold_md.name.replace(".gold.md", ".pdf"))
        _row(out, f"text layer, MinerU gold: {pdf.name[:18]}", gold_md.read_text(), pdf, 11, text_cpu)
    with tempfile.TemporaryDirectory() as tmp:
        scans: list[tuple[Path, str]] = []
        for name in [*NO_TOUNICODE, *([CHEMISTRY] if chemistry else [])]:
            bad = Path(tmp) / f"notounicode_{name}"
            strip_tounicode(pdf_dir / name, bad)
            _row(out, f"no ToUnicode: {name[:30]}", raw(pdf_dir / name), bad, 1, ocr_cpu)
        for name in SCANS:
            scan = Path(tmp) / f"scan_{name}"
            rasterise(pdf_dir / name, scan)
            scans.append((scan, raw(pdf_dir / name)))
            _row(out, f"scan 150 dpi: {name[:30]}", scans[-1][1], scan, 1, ocr_cpu)
        for label, cpu_of in (("text-layer pages", text_cpu), ("OCR pages", ocr_cpu)):
            means = "  ".join(f"{k} {statistics.mean(v):.2f}" for k, v in cpu_of.items())
            out.write(f"\nCPU s/page, {label} (mean of rows): {means}\n")
        out.write(
            "\n| round-trip scan (150 dpi, OCR at 150 dpi) | RapidOCR F1 CPU-s | Tesseract F1 CPU-s |\n"
        )
        out.write("|---|---|---|\n")
        for scan, gold in scans:
            cells = []
            for engine in ("rapidocr", "tesseract"):
                text, dt = _timed(ours, scan, engine) if engine != "rapidocr" else _timed(ours, scan)
                cells.append(f"{f1(text, gold):6.3f} {dt:7.2f}")
            out.write(f"| {scan.name[5:45]} | " + " | ".join(cells) + " |\n")
            out.flush()
    if chemistry:
        _chemistry(pdf_dir, out)


def _chemistry(pdf_dir: Path, out: Any) -> None:
    import pymupdf

    from corpusforge.ingest.ocr import _render, ocr_rapid

    page = pymupdf.open(pdf_dir / CHEMISTRY)[0]
    gold = page.get_text()
    out.write(f"\nchemistry page {page.rect.width:.0f}x{page.rect.height:.0f} pt, RapidOCR at 200 dpi:\n")
    for label, strip in (("strips of 1600 px (ours)", -1), ("whole page, 2000 px limit", None)):
        t0 = cpu()
        text = ocr_rapid(_render(page, 200), strip)
        out.write(f"  {label:28} F1 {f1(text, gold):.3f}  {cpu() - t0:.1f} CPU-s\n")
    out.flush()
