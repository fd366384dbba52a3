"""The review app over HTTP (in-process client): list, review, history, conflicts, bulk-accept, rating."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from corpusforge.review.app import create_app
from corpusforge.review.preferences import preference_pairs


@pytest.fixture
def client(review_ws):
    with TestClient(create_app(review_ws), base_url="http://127.0.0.1:8765") as c:
        yield c


def _post_sample(client, sid, version, action, csrf, **edits):
    return client.post(
        f"/sample/{sid}",
        data={"csrf": csrf, "version": str(version), "action": action, **edits},
        headers={"Origin": "http://127.0.0.1:8765", "Sec-Fetch-Site": "same-origin"},
        follow_redirects=False,
    )


def test_list_shows_samples_progress_and_filters(client, review_ws):
    r = client.get("/")
    assert r.status_code == 200
    assert "riverside_plant.txt" in r.text and "/sample/s-plant-1" in r.text
    assert "Samples 1–7 of 7" in r.text
    assert 'max="3" value="0"' in r.text  # progress meter of the plant document: 0 of 3 reviewed
    flagged = client.get("/", params={"status": "flagged"}).text
    assert "/sample/s-plant-3" in flagged and "/sample/s-plant-1" not in flagged
    low = client.get("/", params={"max_score": "0.5", "sort": "score"}).text
    assert low.index("/sample/s-tariff-2") < low.index("/sample/s-plant-3")  # 0.35 before 0.42
    assert "/sample/s-zh-1" not in low


def test_pagination(review_ws):
    review_ws.config.review.page_size = 5
    with TestClient(create_app(review_ws), base_url="http://127.0.0.1") as c:
        first, second = c.get("/").text, c.get("/", params={"page": "2"}).text
    assert "page 1 of 2" in first and "Samples 6–7 of 7" in second
    ids = [f'/sample/{s.sample_id}"' for s in review_ws.store.iter_samples()]
    assert sum(i in first for i in ids) == 5 and sum(i in second for i in ids) == 2


def test_sample_view_highlights_the_supporting_span(client):
    r = client.get("/sample/s-plant-1")
    assert r.status_code == 200
    assert "<mark>The plant treats 42,000 cubic metres of water each day</mark>" in r.text
    assert "Rate 3 candidates" in r.text
    zh = client.get("/sample/s-zh-1").text
    assert "<mark>每天处理四万二千立方米原水</mark>" in zh
    assert client.get("/sample/nope").status_code == 404


def test_sample_view_marks_the_verified_evidence_escaped(client, review_ws):
    chunk = review_ws.store.get_chunk("dochtml-00000")
    start = chunk.text.index("<script>")
    end = chunk.text.index("Monday.") + len("Monday.")
    ev = {"quote": chunk.text[start:end], "chunk_id": chunk.chunk_id, "start": start, "end": end}
    review_ws.store.update_sample("s-html-1", evidence=[{**ev, "page": 1, "score": 1.0}])
    html = client.get("/sample/s-html-1").text
    assert html.count('<mark class="evidence">') == 1
    marked = html.split('<mark class="evidence">')[1].split("</mark>")[0]
    assert marked.startswith("&lt;script&gt;window.__pwned = 1&lt;/script&gt;") and marked.endswith("Monday.")
    assert "<script>window.__pwned" not in html
    assert '<mark class="evidence">' not in client.get("/sample/s-plant-1").text  # no evidence: no block


def test_edit_and_accept_is_stored_with_history(client, review_ws, csrf_of):
    csrf = csrf_of(client.get("/sample/s-plant-2").text)
    new = "It draws its water from the Green River and filters it through sand beds."
    r = _post_sample(
        client,
        "s-plant-2",
        1,
        "accept",
        csrf,
        instruction="Where does the plant draw its water from?",
        output=new,
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/sample/s-plant-3")
    s = review_ws.store.get_sample("s-plant-2")
    assert (s.output, s.status, s.version) == (new, "accepted", 2)
    assert s.messages[-1] == {"role": "assistant", "content": new}
    (h,) = review_ws.store.review_history("s-plant-2")
    assert h["action"] == "edit+accept" and h["reviewer"]
    assert h["before"]["output"] == "It draws water from the Green River." and h["after"]["output"] == new
    assert h["before"]["status"] == "passed" and h["after"]["status"] == "accepted"
    page = client.get("/sample/s-plant-2").text
    assert "edit+accept" in page and "version 2" in page


def test_two_tabs_editing_the_same_sample_conflict(client, review_ws, csrf_of):
    csrf = csrf_of(client.get("/sample/s-tariff-2").text)
    first = _post_sample(
        client, "s-tariff-2", 1, "save", csrf, output="Customers over 70 get a 20 percent discount."
    )
    assert first.status_code == 303
    second = _post_sample(client, "s-tariff-2", 1, "save", csrf, output="Nobody gets a discount.")
    assert second.status_code == 409
    assert (
        "Your change was not saved" in second.text
        and "Customers over 70 get a 20 percent discount." in second.text
    )
    assert "Nobody gets a discount." in second.text  # the reviewer's own text is kept for them
    s = review_ws.store.get_sample("s-tariff-2")
    assert s.output == "Customers over 70 get a 20 percent discount." and s.version == 2
    assert len(review_ws.store.review_history("s-tariff-2")) == 1


def test_reject_skip_and_unchanged_save(client, review_ws, csrf_of):
    csrf = csrf_of(client.get("/sample/s-tariff-2").text)
    r = _post_sample(client, "s-tariff-2", 1, "save", csrf, output="Everyone gets a discount.")
    assert r.status_code == 303 and "msg=unchanged" in r.headers["location"]
    r = _post_sample(client, "s-tariff-1", 1, "skip", csrf)
    assert r.headers["location"].startswith("/sample/s-tariff-2")
    assert review_ws.store.get_sample("s-tariff-1").version == 1
    r = _post_sample(client, "s-tariff-2", 1, "reject", csrf, output="Everyone gets a discount.")
    assert review_ws.store.get_sample("s-tariff-2").status == "rejected"
    assert [h["action"] for h in review_ws.store.review_history("s-tariff-2")] == ["reject"]


def test_bulk_accept_above_a_grounding_score(client, review_ws, csrf_of):
    csrf = csrf_of(client.get("/").text)
    r = client.post("/bulk-accept", data={"csrf": csrf, "min_score_bulk": "0.85"}, follow_redirects=False)
    assert r.status_code == 303 and "n=4" in r.headers["location"]
    accepted = {s.sample_id for s in review_ws.store.iter_samples(status="accepted")}
    assert accepted == {"s-plant-1", "s-plant-2", "s-tariff-1", "s-zh-1"}  # not the flagged 0.42 / low 0.35
    assert review_ws.store.review_history("s-zh-1")[0]["after"]["status"] == "accepted"
    assert "Bulk-accepted 4 samples." in client.get(r.headers["location"]).text
    r = client.post("/bulk-accept", data={"csrf": csrf, "min_score_bulk": "1.5"}, follow_redirects=False)
    assert r.status_code == 400


def test_rating_candidates_yields_preference_pairs(client, review_ws, csrf_of):
    page = client.get("/sample/s-plant-1/rate").text
    assert "Candidate 3" in page
    csrf = csrf_of(page)
    r = client.post(
        "/sample/s-plant-1/rate",
        data={"csrf": csrf, "rating_0": "good", "rating_1": "fair", "rating_2": "poor", "use_order": "0"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    pairs = list(preference_pairs(review_ws.store))
    assert len(pairs) == 3
    assert (
        pairs[0]["chosen"].startswith("About 42,000")
        and pairs[0]["rejected"] == "The plant treats water every day."
    )
    assert "Preference pairs from this sample: 3" in client.get("/sample/s-plant-1/rate").text
    # drag order (best first) overrides: 2 > 0 > 1
    client.post(
        "/sample/s-plant-1/rate",
        data={
            "csrf": csrf,
            "rating_0": "good",
            "rating_1": "fair",
            "rating_2": "poor",
            "use_order": "1",
            "order": "2,0,1",
        },
    )
    first = next(preference_pairs(review_ws.store))
    assert first["chosen"] == "It treats one million litres per hour."
    assert [h["action"] for h in review_ws.store.review_history("s-plant-1")] == ["rate", "rate"]
    bad = client.post(
        "/sample/s-plant-1/rate", data={"csrf": csrf, "rating_0": "excellent"}, follow_redirects=False
    )
    assert bad.status_code == 400 and "excellent" in bad.text


def test_find_and_walk_the_candidates_to_rate(client, review_ws, csrf_of):
    from corpusforge.records import Candidate

    review_ws.store.add_candidates([Candidate("s-tariff-1", i, f"answer {i}") for i in range(2)])
    page = client.get("/", params={"cands": "unrated"}).text
    assert (
        "Samples 1–2 of 2" in page and "/sample/s-plant-1/rate" in page and "/sample/s-tariff-1/rate" in page
    )
    csrf = csrf_of(page)
    r = client.post(
        "/sample/s-plant-1/rate",
        data={"csrf": csrf, "rating_0": "good", "rating_1": "poor", "rating_2": "poor", "next": "1"},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/sample/s-tariff-1/rate?msg=rated"
    assert "Samples 1–1 of 1" in client.get("/", params={"cands": "unrated"}).text
    assert "Samples 1–2 of 2" in client.get("/", params={"cands": "any"}).text
    r = client.post(
        "/sample/s-tariff-1/rate",
        data={"csrf": csrf, "rating_0": "good", "rating_1": "fair", "next": "1", "cands": "unrated"},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/?cands=unrated&msg=allrated"
    assert "No more candidates to rate" in client.get(r.headers["location"]).text


def test_each_browser_can_name_its_reviewer(client, review_ws, csrf_of):
    csrf = csrf_of(client.get("/").text)
    r = client.post(
        "/reviewer",
        data={"csrf": csrf, "name": "Bo Chen 陈", "back": "/sample/s-zh-1"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/sample/s-zh-1"
    assert 'value="Bo Chen 陈"' in client.get("/").text
    _post_sample(client, "s-zh-1", 1, "accept", csrf)
    assert review_ws.store.review_history("s-zh-1")[0]["reviewer"] == "Bo Chen 陈"
    for back in ("//evil.example/", "/\\evil.example", "https://evil.example/"):
        r = client.post("/reviewer", data={"csrf": csrf, "name": "Bo", "back": back}, follow_redirects=False)
        assert r.headers["location"] == "/"
    r = client.post("/reviewer", data={"csrf": csrf, "name": "<script>"}, follow_redirects=False)
    assert r.status_code == 400
