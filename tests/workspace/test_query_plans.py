"""The store's walks in order use an index: no full scan, no sort per page (``EXPLAIN QUERY PLAN``)."""

from __future__ import annotations

from corpusforge.records import Document, Page, content_hash
from corpusforge.store import Store


def _plans(store: Store, run) -> dict[str, str]:
    """The query plan of every SELECT ``run(store)`` sends, by statement."""
    sent: list[str] = []
    store.conn.set_trace_callback(sent.append)
    try:
        run(store)
    finally:
        store.conn.set_trace_callback(None)
    return {
        q: " | ".join(r[3] for r in store.conn.execute("EXPLAIN QUERY PLAN " + q))
        for q in dict.fromkeys(sent)
        if q.lstrip().startswith("SELECT")
    }


def test_walking_documents_and_export_selection_use_indexes(tmp_path):
    store = Store(tmp_path / "store.db")
    for i in range(30):
        name = f"doc_{i:03d}.txt"
        did = content_hash(name)
        store.put_document(
            Document(doc_id=did, source=name, path=name, kind="text", title=name, lang="en", n_pages=1),
            [Page(did, name, 1, "text")],
        )

    def walk(s: Store) -> None:
        s.document_ids_after(("doc_010.txt", ""), 5)
        list(s.iter_documents())
        list(s.iter_documents(include_stale=True))
        list(s.iter_sample_briefs(["passed", "accepted"]))

    plans = _plans(store, walk)
    assert len(plans) == 4
    for q, plan in plans.items():
        assert "TEMP B-TREE" not in plan, (q, plan)
        assert "USING" in plan and "INDEX" in plan, (q, plan)
    assert sum("documents_order" in p for p in plans.values()) == 3
    store.close()
