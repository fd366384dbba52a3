"""Small neutral-topic test documents in every common format, with exact and near copies among them."""

from __future__ import annotations

import random
from pathlib import Path

TOPICS = {
    "gardening": ["tomato", "basil", "compost", "trellis", "seedling", "mulch", "watering can", "raised bed"],
    "baking": ["sourdough", "flour", "oven", "crust", "yeast", "dough", "baking tray", "rye loaf"],
    "cycling": ["bicycle", "chain", "saddle", "helmet", "gear", "tyre", "handlebar", "route"],
    "birds": ["sparrow", "heron", "feeder", "nest", "migration", "wetland", "binoculars", "robin"],
    "weather": ["cloud", "drizzle", "forecast", "breeze", "barometer", "frost", "humidity", "rainbow"],
}
VERBS = ["needs", "changes", "improves", "shapes", "supports", "follows", "reveals", "protects"]
ADJ = ["careful", "gentle", "steady", "patient", "regular", "modest", "thorough", "quiet"]
PLACES = ["in the morning", "after a long week", "near the river", "by the old wall", "in early spring"]
TAILS = [
    "and most people notice the difference within a few days",
    "which is why experienced hands keep a small notebook of what worked",
    "although the results depend on the season and on local conditions",
    "so a little planning at the start saves a lot of effort later on",
    "because small habits repeated over months matter more than any single effort",
]


def paragraph(topic: str, seed: int, sentences: int = 6) -> str:
    """A paragraph of plain English sentences about ``topic`` (deterministic for a seed)."""
    rng = random.Random(f"{topic}-{seed}")
    words = TOPICS[topic]
    out = []
    for _ in range(sentences):
        a, b = rng.sample(words, 2)
        out.append(
            f"The {rng.choice(ADJ)} {a} {rng.choice(VERBS)} the {b} {rng.choice(PLACES)}, {rng.choice(TAILS)}."
        )
    return " ".join(out)


def near_copy(text: str, seed: int = 1) -> str:
    """``text`` with a few words changed (a near duplicate of it)."""
    rng = random.Random(seed)
    words = text.split(" ")
    for j in rng.sample(range(len(words)), max(1, len(words) // 40)):
        words[j] = rng.choice(ADJ)
    return " ".join(words)


def pdf(path: Path, pages: list[list[str]]) -> None:
    """A text-layer PDF, one list of paragraphs per page."""
    import pymupdf

    doc = pymupdf.open()
    for paras in pages:
        page = doc.new_page()
        page.insert_textbox(pymupdf.Rect(50, 50, 545, 800), "\n\n".join(paras), fontsize=10)
    doc.save(path)
    doc.close()


def scan_pdf(path: Path, pages: list[list[str]], dpi: int = 110) -> None:
    """An image-only PDF: each text page rasterised (as a scanner would give it; needs OCR to read)."""
    import pymupdf

    src = pymupdf.open()
    for paras in pages:
        page = src.new_page()
        page.insert_textbox(pymupdf.Rect(50, 50, 545, 800), "\n\n".join(paras), fontsize=11)
    out = pymupdf.open()
    for page in src:
        new = out.new_page(width=page.rect.width, height=page.rect.height)
        new.insert_image(new.rect, stream=page.get_pixmap(dpi=dpi, colorspace="gray").tobytes("png"))
    out.save(path)
    out.close()
    src.close()


def docx(path: Path, title: str, paras: list[str]) -> None:
    """A DOCX with a heading and paragraphs."""
    import docx as python_docx

    d = python_docx.Document()
    d.add_heading(title, level=1)
    for p in paras:
        d.add_paragraph(p)
    d.save(str(path))


def write_docs(folder: Path, n_unique: int = 10, scans: int = 0) -> list[Path]:
    """``n_unique`` distinct documents in txt/md/html/docx/pdf, plus an exact copy, a near copy of a
    whole document, a document sharing paragraphs with others, a file that cannot be read and ``scans``
    one-page image-only PDFs."""
    folder.mkdir(parents=True, exist_ok=True)
    topics = list(TOPICS)
    made: list[Path] = []
    for i in range(n_unique):
        topic = topics[i % len(topics)]
        paras = [paragraph(topic, 100 * i + k) for k in range(4)]
        title = f"Notes on {topic} {i}"
        kind = ["txt", "md", "html", "docx", "pdf"][i % 5]
        p = folder / f"{topic}_{i:02d}.{kind}"
        if kind == "txt":
            p.write_text("\n\n".join(paras) + "\n", encoding="utf-8")
        elif kind == "md":
            p.write_text(f"# {title}\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")
        elif kind == "html":
            body = "".join(f"<p>{x}</p>" for x in paras)
            p.write_text(
                f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}"
                "</article></body></html>",
                encoding="utf-8",
            )
        elif kind == "docx":
            docx(p, title, paras)
        else:
            pdf(p, [paras[:2], paras[2:]])
        made.append(p)
    copies = folder / "copies"
    copies.mkdir(exist_ok=True)
    exact = copies / "exact_copy.txt"
    exact.write_bytes(made[0].read_bytes())
    near = copies / "near_copy.txt"
    first = made[0].read_text(encoding="utf-8").strip().split("\n\n")
    near.write_text("\n\n".join(near_copy(x, k) for k, x in enumerate(first)) + "\n", encoding="utf-8")
    mixed = copies / "mixed.md"
    own = [paragraph("weather", 9000 + k) for k in range(2)]
    borrowed = [paragraph("gardening", 100 * 5 + 1), near_copy(paragraph("baking", 100 * 1 + 2), 7)]
    mixed.write_text("# Mixed notes\n\n" + "\n\n".join(own + borrowed) + "\n", encoding="utf-8")
    bad = copies / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4\n% not really a pdf\n")
    for k in range(scans):
        scan = copies / f"scan_{k}.pdf"
        scan_pdf(scan, [[paragraph("birds", 7000 + k, 4)]])
        made.append(scan)
    return [*made, exact, near, mixed, bad]


TABLES = ("files", "documents", "pages", "chunks", "corpus_drops", "corpus_duplicates")


def store_rows(db: Path) -> dict[str, list[tuple]]:
    """The rows of the ingest and corpus tables, without times and row ids (files and documents sorted by
    key; the dedup records in the order they were written)."""
    import sqlite3

    conn = sqlite3.connect(db)
    out: dict[str, list[tuple]] = {}
    for table in TABLES:
        cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
        keep = [c for c in cols if c != "id" and not c.endswith("_at")]
        order = "id" if "id" in cols else ", ".join(keep)
        sel = ", ".join(f'"{c}"' for c in keep)
        out[table] = conn.execute(f"SELECT {sel} FROM {table} ORDER BY {order}").fetchall()
    conn.close()
    return out
