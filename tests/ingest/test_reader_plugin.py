"""A new reader is one new module plus one registry line: a made-up kind, ingested end to end."""

from __future__ import annotations

import sys
import textwrap

import pytest

from corpusforge.ingest.detect import detect_kind
from corpusforge.ingest.pipeline import ingest_paths
from corpusforge.ingest.registry import READERS

# A "field note" file: a magic first line, then pages separated by form feeds.
READER_MODULE = '''
"""Field notes: ``CFNOTE 1`` on the first line, then pages separated by form feeds."""

from corpusforge.ingest.base import PageText, ReadError, Reader, ReadResult

MAGIC = b"CFNOTE 1\\n"


def read(data, path, cfg, on_page=None):
    if not data.startswith(MAGIC):
        raise ReadError("not a field note (no CFNOTE header)")
    pages = data[len(MAGIC):].decode("utf-8").split("\\f")
    out = []
    for i, text in enumerate(pages, 1):
        if on_page:
            on_page(i, len(pages))
        out.append(PageText(text.strip(), {"method": "fieldnote"}))
    title = out[0].text.splitlines()[0] if out and out[0].text else ""
    return ReadResult(pages=out, title=title, metadata={"format": "fieldnote"})


READER = Reader(read, suffixes=(".cfnote",), magic=(MAGIC,), label="field note")
'''

PAGES = [
    "Pump station inspection, March",
    "Valve 12 leaks at the flange; replace the gasket.",
    "Chlorine residual measured at 0.4 mg/L at the outlet.",
]


@pytest.fixture
def fieldnote_reader(tmp_path, monkeypatch):
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "fieldnote_reader.py").write_text(textwrap.dedent(READER_MODULE), encoding="utf-8")
    monkeypatch.syspath_prepend(str(plugins))
    READERS.register("fieldnote", "fieldnote_reader:READER")  # the one registry line
    yield
    READERS.unregister("fieldnote")
    sys.modules.pop("fieldnote_reader", None)


def test_a_registered_reader_ingests_its_kind_with_provenance(fieldnote_reader, make_ws, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "inspection.cfnote").write_bytes(b"CFNOTE 1\n" + "\f".join(PAGES).encode("utf-8"))
    (docs / "plain.txt").write_text("A plain text file is still read by the text reader.", encoding="utf-8")
    ws = make_ws()

    summary = ingest_paths(ws, [docs])

    assert summary.read == 2 and not summary.failed and summary.pages == 4
    doc = next(d for d in ws.store.iter_documents() if d.source == "inspection.cfnote")
    assert (doc.kind, doc.title, doc.n_pages) == ("fieldnote", PAGES[0], 3)
    assert doc.metadata["detected"] == "field note" and doc.metadata["format"] == "fieldnote"
    pages = list(ws.store.iter_pages(doc.doc_id))
    assert [(p.source, p.page, p.text) for p in pages] == [
        ("inspection.cfnote", i, t) for i, t in enumerate(PAGES, 1)
    ]
    assert all(p.metadata["method"] == "fieldnote" for p in pages)
    other = next(d for d in ws.store.iter_documents() if d.source == "plain.txt")
    assert other.kind == "text"


def test_detection_asks_registered_readers_first(fieldnote_reader):
    assert detect_kind(b"CFNOTE 1\nhello", ".txt") == ("fieldnote", "field note")  # by its magic bytes
    assert detect_kind(b"hello", ".cfnote") == ("fieldnote", "field note")  # by its extension
    assert detect_kind(b"hello", ".txt") == ("text", "text file")


def test_unregistered_kind_is_not_detected():
    assert "fieldnote" not in READERS
    assert detect_kind(b"CFNOTE 1\nhello", ".cfnote") == ("text", "text file")
