"""Pages per second of ``corpusforge ingest`` over the fixture PDFs vs raw PyMuPDF ``page.get_text()``.

Both run in this process over the same files, alternating, after one warm-up each; the median of
``--rounds`` timings is compared. OCR is OFF for the comparison (the scanned and garbled pages are only
detected, as raw PyMuPDF cannot read them either), so the ratio measures our overhead: hashing, reading
order, text-layer checks, language guess and the SQLite writes. Goal: overhead under 15%.

Run: ``python bench/ingest.py [--pdf-dir ../shared/fixtures/pdf] [--rounds 7]``

``--fidelity`` instead scores text against gold (character-bigram F1, order insensitive), side by side on
the same files in one run, with CPU seconds per page: first the text-page time of ours (OCR off) over raw
``get_text()`` on the text-layer fixtures (goal <= 1.3x); then ours (OCR on, 150 dpi) vs raw ``get_text()``
vs ``pymupdf4llm.to_markdown`` on the MinerU gold article, on Chinese pages whose fonts lost their
``/ToUnicode`` maps (gold: the intact text layer) and on image-only round-trip scans of text-layer pages
(gold: the text layer); then RapidOCR vs Tesseract on the same scans. ``--chemistry`` adds the chemistry
page, stripped and with and without strip-wise detection (see ``ingest/rapid_ocr.py``; slow).
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
PASSWORDS = ["foo"]  # the encrypted fixture's password, given to both sides


def raw_pymupdf(files: list[Path]) -> int:
    """Open every file and call ``page.get_text()`` on every page; return the page count."""
    import pymupdf

    pages = 0
    for f in files:
        doc = pymupdf.open(f)
        if doc.needs_pass:
            any(doc.authenticate(pw) for pw in PASSWORDS)
        for page in doc:
            page.get_text()
            pages += 1
        doc.close()
    return pages


def fresh_workspace(workdir: Path):  # type: ignore[no-untyped-def]
    """An empty workspace (made outside the timed part: ``init`` is not ``ingest``), OCR off."""
    from corpusforge.workspace import init_workspace

    ws = init_workspace(workdir)
    ws.config.ingest.ocr = False
    ws.config.ingest.pdf_passwords = PASSWORDS
    return ws


def ours(files: list[Path], ws) -> int:  # type: ignore[no-untyped-def]
    """Ingest the files into the workspace; return the pages handled."""
    from corpusforge.ingest.pipeline import ingest_paths

    summary = ingest_paths(ws, files)
    if summary.read + len(summary.failed) != len(files):
        raise RuntimeError(f"unexpected summary: {summary}")
    # pages written plus the pages of the files rejected for having no usable text layer
    return summary.pages + sum(1 for _, reason in summary.failed if reason.startswith("empty"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pdf-dir", type=Path, default=ROOT.parent / "shared" / "fixtures" / "pdf")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--fidelity", action="store_true", help="gold F1 instead of speed")
    ap.add_argument("--chemistry", action="store_true", help="with --fidelity: add the big chemistry page")
    args = ap.parse_args()
    if args.fidelity:
        from bench_ingest_gold import fidelity  # type: ignore[import-not-found]

        fidelity(args.pdf_dir, args.chemistry)
        return
    logging.basicConfig(level=logging.ERROR)  # the two expected "no usable text layer" lines per round
    files = sorted(args.pdf_dir.glob("*.pdf"))
    if not files:
        sys.exit(f"no PDFs in {args.pdf_dir}")
    raw_times, our_times = [], []
    with tempfile.TemporaryDirectory() as tmp:
        raw_pages = raw_pymupdf(files)  # warm-up: imports, file cache
        workspaces = [fresh_workspace(Path(tmp) / f"ws{i}") for i in range(args.rounds + 1)]
        ours(files, workspaces[-1])
        for ws in workspaces[:-1]:
            t0 = time.perf_counter()
            raw_pymupdf(files)
            raw_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            our_pages = ours(files, ws)
            our_times.append(time.perf_counter() - t0)
        from corpusforge.ingest.pipeline import ingest_paths

        t0 = time.perf_counter()
        again = ingest_paths(workspaces[0], files)
        rerun = time.perf_counter() - t0
        for ws in workspaces:
            ws.close()
    raw_t, our_t = statistics.median(raw_times), statistics.median(our_times)
    out = sys.stdout
    out.write(f"{len(files)} PDFs, {raw_pages} pages, OCR off, median of {args.rounds} rounds\n")
    out.write(f"{'':28}{'seconds':>10}{'pages/s':>10}\n")
    out.write(f"{'raw PyMuPDF get_text()':28}{raw_t:10.3f}{raw_pages / raw_t:10.1f}\n")
    out.write(f"{'corpusforge ingest':28}{our_t:10.3f}{our_pages / our_t:10.1f}\n")
    out.write(
        f"{'rerun, unchanged files':28}{rerun:10.3f}   ({again.unchanged} unchanged, {again.read} read)\n"
    )
    ratio = our_t / raw_t
    out.write(f"ratio ours/raw = {ratio:.3f}  (overhead {100 * (ratio - 1):+.1f}%, goal < +15%)\n")


if __name__ == "__main__":
    main()
