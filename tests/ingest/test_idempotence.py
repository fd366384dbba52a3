"""Re-ingesting does no work; changed files are re-read and their old version marked stale; Ctrl-C is safe."""

from __future__ import annotations

import os

import pytest

from corpusforge.ingest.pipeline import IngestInterrupted, ingest_paths
from corpusforge.records import Chunk


def _table_count(ws, table):
    return ws.store.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_unchanged_folder_does_no_work(make_ws, docs_copy):
    ws = make_ws()
    first = ingest_paths(ws, [docs_copy])
    assert first.read == 5
    again = ingest_paths(ws, [docs_copy])
    assert (again.read, again.unchanged, again.pages, again.failed) == (0, 5, 0, [])
    # touching a file (new mtime, same bytes) still does no reader work
    md = docs_copy / "water_quality_faq.md"
    os.utime(md, (md.stat().st_atime, md.stat().st_mtime + 100))
    touched = ingest_paths(ws, [docs_copy])
    assert (touched.read, touched.unchanged) == (0, 5)
    assert _table_count(ws, "documents") == 5 and _table_count(ws, "pages") == 7


def test_changed_file_is_reread_and_old_version_marked_stale(make_ws, docs_copy):
    ws = make_ws()
    ingest_paths(ws, [docs_copy])
    md = docs_copy / "water_quality_faq.md"
    old = next(d for d in ws.store.iter_documents() if d.source == "water_quality_faq.md")
    ws.store.put_chunks(
        old.doc_id,
        [
            Chunk(
                chunk_id=f"{old.doc_id}-00000",
                doc_id=old.doc_id,
                source=old.source,
                pages=[1],
                text="old chunk",
            )
        ],
    )
    md.write_text(md.read_text(encoding="utf-8").replace("120 mg/L", "135 mg/L"), encoding="utf-8")
    summary = ingest_paths(ws, [docs_copy])
    assert (summary.read, summary.unchanged, summary.stale) == (1, 4, 1)
    current = {d.source: d for d in ws.store.iter_documents()}
    assert len(current) == 5 and current["water_quality_faq.md"].doc_id != old.doc_id
    assert "135 mg/L" in next(ws.store.iter_pages(current["water_quality_faq.md"].doc_id)).text
    assert ws.store.counts()["documents_stale"] == 1
    assert list(ws.store.iter_chunks(old.doc_id)) == []  # stale chunks are hidden
    assert [c.chunk_id for c in ws.store.iter_chunks(old.doc_id, include_stale=True)] == [
        f"{old.doc_id}-00000"
    ]


def test_same_content_under_two_names_is_stored_once(make_ws, docs_copy):
    ws = make_ws()
    (docs_copy / "copy_of_faq.md").write_bytes((docs_copy / "water_quality_faq.md").read_bytes())
    summary = ingest_paths(ws, [docs_copy])
    assert (summary.read, summary.duplicates) == (5, 1)
    assert _table_count(ws, "documents") == 5
    assert (
        ws.store.get_file(str(docs_copy / "copy_of_faq.md"))["doc_id"]
        == ws.store.get_file(str(docs_copy / "water_quality_faq.md"))["doc_id"]
    )


def test_ctrl_c_leaves_a_consistent_store_and_rerun_finishes(make_ws, docs_copy):
    ws = make_ws()
    seen = []

    def stop_at_third(path):
        seen.append(path)
        if len(seen) == 3:
            raise KeyboardInterrupt

    with pytest.raises(IngestInterrupted) as info:
        ingest_paths(ws, [docs_copy], on_file=stop_at_third)
    assert info.value.summary.read == 2 and info.value.summary.interrupted
    assert _table_count(ws, "documents") == 2
    # every stored document has all its pages and a file record pointing at it
    for doc in ws.store.iter_documents():
        assert len(list(ws.store.iter_pages(doc.doc_id))) == doc.n_pages
    ok = ws.store.conn.execute("SELECT COUNT(*) FROM files WHERE status='ok'").fetchone()[0]
    assert ok == 2
    run = ws.store.conn.execute("SELECT summary FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert '"interrupted": true' in run
    rest = ingest_paths(ws, [docs_copy])
    assert (rest.read, rest.unchanged) == (3, 2)
    assert _table_count(ws, "documents") == 5 and _table_count(ws, "pages") == 7


def test_ctrl_c_between_document_and_file_record(make_ws, docs_copy, monkeypatch):
    ws = make_ws()
    real_put_file = ws.store.put_file

    def interrupted_put_file(path, **kw):
        if kw.get("status") == "ok":
            raise KeyboardInterrupt  # Ctrl-C right after the document's transaction committed
        return real_put_file(path, **kw)

    monkeypatch.setattr(ws.store, "put_file", interrupted_put_file)
    with pytest.raises(IngestInterrupted):
        ingest_paths(ws, [docs_copy])
    assert _table_count(ws, "documents") == 1 and _table_count(ws, "files") == 0
    monkeypatch.setattr(ws.store, "put_file", real_put_file)
    summary = ingest_paths(ws, [docs_copy])
    # the half-recorded file's document is complete (one transaction): it is recorded, not read twice
    assert (summary.read, summary.unchanged, summary.duplicates) == (4, 1, 0)
    assert _table_count(ws, "documents") == 5 and _table_count(ws, "pages") == 7
