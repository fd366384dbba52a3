"""The list, neighbours, progress and bulk-accept at 100k samples: right answers, index-only orderings."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from corpusforge.review import queries
from corpusforge.review.app import create_app
from corpusforge.review.queries import Filters
from corpusforge.store.review import neighbour_query, page_query

N = 100_000
FILL = f"""
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {N - 1})
INSERT INTO samples (sample_id, task, doc_id, source, instruction, output, created_at, status, grounding)
SELECT printf('s%06d', i), CASE i % 3 WHEN 0 THEN 'qa' WHEN 1 THEN 'summary' ELSE 'claim' END,
       printf('doc%03d', i % 200), printf('file_%03d.pdf', i % 200), 'Question ' || i, 'Answer ' || i, 0,
       CASE i % 10 WHEN 0 THEN 'flagged' ELSE 'passed' END, (i % 100) / 100.0
FROM n
"""


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    from corpusforge.workspace import init_workspace

    ws = init_workspace(tmp_path_factory.mktemp("big") / "ws")
    with ws.store.transaction() as c:
        c.execute(FILL)
    yield ws
    ws.close()


def _plan(conn, sql_args) -> str:
    sql, args = sql_args
    return " | ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql, args))


@pytest.mark.parametrize(
    "f", [Filters(), Filters(sort="score"), Filters(status="flagged"), Filters(doc="doc007")]
)
def test_orderings_walk_an_index_instead_of_sorting(big, f):
    plan = _plan(big.store.conn, page_query(f, 1000, 50))
    assert "TEMP B-TREE" not in plan, plan
    key = {
        "doc": ("file_007.pdf", "doc007", "qa", "s000007"),
        "one_doc": ("qa", "s000007"),
        "score": (0.07, "s000007"),
    }["one_doc" if f.doc else f.sort]
    for forward in (True, False):
        plan = _plan(big.store.conn, neighbour_query(f, key, forward))
        assert "TEMP B-TREE" not in plan and "USING" in plan, plan


def test_pages_and_neighbours_at_100k(big):
    store = big.store
    rows, total = store.list_samples(Filters(), 1, 50)
    assert total == N and len(rows) == 50
    order = [(r["source"], r["doc_id"], r["task"], r["sample_id"]) for r in rows]
    assert order == sorted(order) and order[0] == ("file_000.pdf", "doc000", "claim", "s000200")
    last, _ = store.list_samples(Filters(), N // 50, 50)
    assert last[-1]["source"] == "file_199.pdf"
    low, n_low = store.list_samples(Filters(sort="score", max_score=0.0), 1, 50)
    assert n_low == 1000 and all(r["grounding"] == 0.0 for r in low)
    assert store.neighbour(Filters(), rows[0]["sample_id"]) == rows[1]["sample_id"]
    assert store.neighbour(Filters(), rows[1]["sample_id"], forward=False) == rows[0]["sample_id"]
    assert store.neighbour(Filters(), last[-1]["sample_id"]) is None
    progress = store.review_progress()
    assert len(progress) == 200 and sum(d["total"] for d in progress) == N
    assert progress[0] == {
        "doc_id": "doc000",
        "source": "file_000.pdf",
        "total": 500,
        "accepted": 0,
        "rejected": 0,
        "dropped": 0,
        "pending": 500,
        "reviewed": 0,
    }
    with TestClient(create_app(big), base_url="http://127.0.0.1") as c:
        r = c.get("/", params={"page": "1000", "task": "qa"})
    assert r.status_code == 200 and "page 667 of 667" in r.text  # past the end: the last page
    assert "Samples 33301–33334 of 33334" in r.text


def test_bulk_accept_at_100k(big):
    n = big.store.bulk_accept(Filters(), 0.95, "tester")
    assert n == 5000  # grounding 0.95..0.99; none of them flagged (i % 10 == 0 has grounding x.x0)
    assert big.store.count_samples("status")["accepted"] == 5000
    assert big.store.counts()["reviews"] == 5000
    (h,) = big.store.review_history("s000099")
    assert (h["action"], h["reviewer"], h["before"]["status"], h["after"]["status"]) == (
        "bulk_accept",
        "tester",
        "passed",
        "accepted",
    )
    assert big.store.bulk_accept(Filters(status="flagged"), 0.95, "tester") == 0
    assert big.store.bulk_accept(Filters(status="flagged", task="qa"), 0.5, "tester") == 1667


def test_summary_is_recomputed_after_any_write(review_ws):
    from corpusforge.store import Store

    summary = queries.Summary(review_ws.store)
    assert summary.by_status() == {"flagged": 1, "passed": 6}
    other = Store(review_ws.store.path)  # e.g. `corpusforge generate` running beside the app
    other.update_sample("s-zh-1", status="accepted")
    other.close()
    assert summary.by_status() == {"accepted": 1, "flagged": 1, "passed": 5}
    review_ws.store.update_sample("s-plant-3", status="rejected")  # the app's own connection
    assert summary.by_status() == {"accepted": 1, "passed": 5, "rejected": 1}
    assert summary.by_task() == {"qa": 7}
    assert [d["reviewed"] for d in summary.progress()] == [0, 1, 0, 1]
