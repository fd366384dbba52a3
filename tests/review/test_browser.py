"""The review app in real headless Chromium against a uvicorn server on 127.0.0.1 (screenshots in docs/)."""

from __future__ import annotations

import http.server
import importlib.util
import json
import threading
from pathlib import Path

import pytest

from corpusforge.review.preferences import preference_pairs
from corpusforge.review.server import start_in_thread
from corpusforge.workspace import open_workspace

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
EDITED = "The Riverside plant treats 42,000 cubic metres of water each day for the northern districts."


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def server(review_ws):
    review_ws.config.review.reviewer = "ana.lee"
    srv = start_in_thread(review_ws, host="127.0.0.1", port=0)
    yield srv
    srv.stop()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1360, "height": 860}, device_scale_factor=1)
    pg = ctx.new_page()
    pg.set_default_timeout(15000)
    yield pg
    ctx.close()


def _export(ws_root: Path, out: Path) -> tuple[list[dict], list[dict]]:
    """Run ``corpusforge export -f messages -f preference`` and read back its records."""
    from typer.testing import CliRunner

    from corpusforge.cli.app import app

    r = CliRunner().invoke(
        app, ["-w", str(ws_root), "export", "-f", "messages", "-f", "preference", "-o", str(out)]
    )
    assert r.exit_code == 0, r.output

    def lines(d: str) -> list[dict]:
        return [
            json.loads(x)
            for split in ("train", "validation", "test")
            if (out / d / f"{split}.jsonl").exists()
            for x in (out / d / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()
            if x.strip()
        ]

    def text(v) -> str:  # conversational records hold chat turns, standard ones plain strings
        return v[-1]["content"] if isinstance(v, list) else v

    prefs = [{**p, "chosen": text(p["chosen"]), "rejected": text(p["rejected"])} for p in lines("preference")]
    return lines("messages"), prefs


def test_review_flow_open_edit_accept_reject_rate(page, server, review_ws, tmp_path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(server.url)
    assert page.locator("#sample-list tbody tr").count() == 7

    # keyboard: j j Enter opens the second row (notice.html sorts first, then riverside_plant.txt)
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url("**/sample/s-plant-1")
    assert (
        page.locator(".passage mark").first.inner_text()
        == "The plant treats 42,000 cubic metres of water each day"
    )

    # edit in place, leave the text box, accept with "a": the next sample opens
    page.fill("#output", EDITED)
    page.keyboard.press("Escape")
    page.keyboard.press("a")
    page.wait_for_url("**/sample/s-plant-2?msg=accepted")
    assert page.inner_text(".flash") == "Accepted."
    page.keyboard.press("r")  # reject s-plant-2
    page.wait_for_url("**/sample/s-plant-3?msg=rejected")
    page.keyboard.press("k")  # back to s-plant-2
    page.wait_for_url("**/sample/s-plant-2")
    assert page.inner_text("#status") == "rejected"

    # rate the three candidates of s-plant-1
    page.goto(server.url + "sample/s-plant-1/rate")
    for idx, rating in ((0, "good"), (1, "fair"), (2, "poor")):
        page.check(f"input[name=rating_{idx}][value={rating}]")
    page.click("#save-ratings")
    page.wait_for_url("**/sample/s-plant-1/rate?msg=rated")
    assert "Preference pairs from this sample: 3" in page.inner_text("main")
    page.screenshot(path=str(SHOTS / "review-rate.png"), full_page=True)
    page.goto(server.url + "sample/s-plant-1")
    assert page.locator(".history li").count() == 2
    assert (
        page.locator(".passage mark").first.inner_text()
        == "plant treats 42,000 cubic metres of water each day"
    )
    page.screenshot(path=str(SHOTS / "review-sample.png"), full_page=True)
    page.goto(server.url)
    assert page.locator("meter[value='2']").count() == 1  # riverside_plant.txt: 2 of 3 reviewed
    page.screenshot(path=str(SHOTS / "review-list.png"), full_page=True)

    store = open_workspace(review_ws.root).store
    try:
        s1, s2 = store.get_sample("s-plant-1"), store.get_sample("s-plant-2")
        assert (s1.output, s1.status, s2.status) == (EDITED, "accepted", "rejected")
        hist = store.review_history("s-plant-1")
        assert [(h["action"], h["reviewer"]) for h in hist] == [
            ("edit+accept", "ana.lee"),
            ("rate", "ana.lee"),
        ]
        assert hist[0]["before"]["output"] == "The plant treats 42,000 cubic metres of water each day."
        assert hist[0]["after"]["output"] == EDITED
        pairs = list(preference_pairs(store))
    finally:
        store.close()
    assert {(p["chosen"], p["rejected"]) for p in pairs} == {
        ("About 42,000 cubic metres of water per day.", "The plant treats water every day."),
        ("About 42,000 cubic metres of water per day.", "It treats one million litres per hour."),
        ("The plant treats water every day.", "It treats one million litres per hour."),
    }
    if importlib.util.find_spec("corpusforge.export.run") is not None:
        messages, prefs = _export(review_ws.root, tmp_path / "export")
        answers = {r["sample_id"]: r["messages"][-1]["content"] for r in messages}
        assert answers["s-plant-1"] == EDITED and "s-plant-2" not in answers
        assert (
            "About 42,000 cubic metres of water per day.",
            "It treats one million litres per hour.",
            "s-plant-1",
        ) in {(p["chosen"], p["rejected"], p["sample_id"]) for p in prefs}
        assert len(prefs) == 3


def test_two_tabs_conflict_and_drag_order(browser, server, review_ws):
    ctx = browser.new_context(viewport={"width": 1360, "height": 860})
    a, b = ctx.new_page(), ctx.new_page()
    for tab in (a, b):
        tab.goto(server.url + "sample/s-tariff-2")
    a.fill("#output", "Customers over 70 receive a 20 percent discount.")
    a.click("#save")
    a.wait_for_url("**msg=saved")
    b.fill("#output", "Nobody gets a discount.")
    b.click("#save")
    b.wait_for_selector("text=Your change was not saved")
    assert b.inner_text("#current-output") == "Customers over 70 receive a 20 percent discount."
    b.screenshot(path=str(SHOTS / "review-conflict.png"), full_page=True)
    assert (
        review_ws.store.get_sample("s-tariff-2").output == "Customers over 70 receive a 20 percent discount."
    )

    # skip with an unsaved edit asks first (dismissed: we stay); without one it moves on
    dialogs = []
    a.once("dialog", lambda d: (dialogs.append(d.type), d.dismiss()))
    a.goto(server.url + "sample/s-plant-3")
    a.fill("#output", "An unsaved draft.")
    a.keyboard.press("Escape")
    a.keyboard.press("s")
    a.wait_for_timeout(500)
    assert dialogs == ["beforeunload"] and a.url.endswith("/sample/s-plant-3")
    a.goto(server.url + "sample/s-plant-3")
    a.keyboard.press("s")
    a.wait_for_url("**/sample/s-tariff-1?msg=skipped")
    assert review_ws.store.get_sample("s-plant-3").output == "The plant opened in 1975 after a long debate."

    # drag candidate 3 above candidate 1: the order becomes ranks 2 > 0 > 1
    a.goto(server.url + "sample/s-plant-1/rate")
    a.drag_and_drop("li.cand[data-idx='2'] .cand-head", "li.cand[data-idx='0'] .cand-head")
    assert a.input_value("#order") == "2,0,1" and a.input_value("#use_order") == "1"
    a.click("#save-ratings")
    a.wait_for_url("**msg=rated")
    ranks = {c.idx: c.rank for c in review_ws.store.iter_candidates("s-plant-1")}
    assert ranks == {2: 1, 0: 2, 1: 3}
    ctx.close()


def test_script_in_a_document_renders_as_text(page, server):
    page.goto(server.url + "sample/s-html-1")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert "<script>window.__pwned = 1</script>" in page.inner_text(".passage")
    assert page.input_value("#instruction") == 'What does the <script>alert("q")</script> notice say?'
    assert page.locator(".passage script, .passage img, .passage b").count() == 0
    page.goto(server.url)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert '<script>alert("q")</script>' in page.inner_text("#sample-list")


def test_cross_site_post_from_another_origin_is_refused(page, server, review_ws):
    target = server.url + "sample/s-plant-3"
    evil = (
        f'<form id="f" method="post" action="{target}"><input name="action" value="reject">'
        '<input name="version" value="1"><input name="csrf" value="guess"></form>'
        '<script>document.getElementById("f").submit()</script>'
    ).encode()

    class Evil(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(evil)

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Evil)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        page.goto(server.url)  # the victim has a session with the review app
        with page.expect_response(lambda r: r.url == target and r.request.method == "POST") as resp:
            page.goto(f"http://localhost:{httpd.server_address[1]}/")
        assert resp.value.status == 403
        assert "cross-site request refused" in page.inner_text("body")
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert review_ws.store.get_sample("s-plant-3").status == "flagged"
    assert review_ws.store.review_history("s-plant-3") == []
