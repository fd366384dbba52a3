"""Security of the review app: escaping, cross-site POSTs, CSRF tokens, access token, host check, bind check."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from corpusforge.review.app import create_app
from corpusforge.review.security import BindError, check_bind, is_loopback

BASE = "http://127.0.0.1:8765"


@pytest.fixture
def client(review_ws):
    with TestClient(create_app(review_ws), base_url=BASE) as c:
        yield c


def test_document_html_and_script_render_as_text(client):
    r = client.get("/sample/s-html-1")
    assert r.status_code == 200
    assert "<script>window.__pwned" not in r.text and "<img src=x" not in r.text
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in r.text
    assert "&lt;script&gt;alert(&#34;q&#34;)&lt;/script&gt;" in r.text  # question in the textarea
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &#34;quotes&#34;" in r.text
    listing = client.get("/").text
    assert "<script>alert" not in listing and "&lt;script&gt;alert" in listing
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "object-src 'none'" in csp
    assert r.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://127.0.0.1:9999"},
    ],
)
def test_cross_site_post_is_refused(client, review_ws, headers, csrf_of):
    csrf = csrf_of(client.get("/sample/s-plant-1").text)
    r = client.post(
        "/sample/s-plant-1",
        data={"csrf": csrf, "version": "1", "action": "reject"},
        headers=headers,
        follow_redirects=False,
    )
    assert r.status_code == 403 and "cross-site request refused" in r.text
    r = client.post("/bulk-accept", data={"csrf": csrf, "min_score_bulk": "0"}, headers=headers)
    assert r.status_code == 403
    assert review_ws.store.get_sample("s-plant-1").status == "passed"
    assert review_ws.store.count_samples("status").get("accepted") is None


def test_post_without_the_session_csrf_token_is_refused(client, review_ws, csrf_of):
    client.get("/")
    for data in (
        {"version": "1", "action": "reject"},
        {"csrf": "0" * 64, "version": "1", "action": "reject"},
    ):
        r = client.post("/sample/s-plant-1", data=data, headers={"Origin": BASE}, follow_redirects=False)
        assert r.status_code == 403 and "CSRF" in r.text
    # a token from another session (another browser) is no good either
    with TestClient(create_app(review_ws), base_url=BASE) as other:
        foreign = csrf_of(other.get("/").text)
    r = client.post("/sample/s-plant-1", data={"csrf": foreign, "version": "1", "action": "reject"})
    assert r.status_code == 403
    assert review_ws.store.get_sample("s-plant-1").status == "passed"


def test_access_token(review_ws):
    with TestClient(create_app(review_ws, token="s3cret"), base_url="http://192.0.2.10:8765") as c:
        assert c.get("/").status_code == 401
        assert c.get("/", params={"token": "wrong"}).status_code == 401
        r = c.get("/", params={"token": "s3cret", "task": "qa"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/?task=qa"  # token leaves the address bar
        assert "httponly" in r.headers["set-cookie"].lower()
        assert c.get("/").status_code == 200  # the cookie carries it now
    with TestClient(create_app(review_ws, token="s3cret"), base_url="http://192.0.2.10:8765") as c:
        assert c.get("/", headers={"Authorization": "Bearer s3cret"}).status_code == 200
        assert c.get("/static/review.css").status_code == 200


def test_without_token_only_loopback_hosts_are_served(review_ws):
    with TestClient(create_app(review_ws), base_url="http://rebound.example:8765") as c:
        assert c.get("/").status_code == 400
    with TestClient(create_app(review_ws), base_url="http://localhost:8765") as c:
        assert c.get("/").status_code == 200


def test_bind_check():
    check_bind("127.0.0.1", None)
    check_bind("::1", None)
    check_bind("0.0.0.0", "tok")
    with pytest.raises(BindError, match="refusing to bind 0.0.0.0"):
        check_bind("0.0.0.0", None)
    assert is_loopback("localhost") and is_loopback("[::1]") and not is_loopback("192.168.1.5")


def test_open_tabs_can_still_save_after_a_server_restart(review_ws, csrf_of):
    with TestClient(create_app(review_ws), base_url=BASE) as first:
        csrf = csrf_of(first.get("/sample/s-zh-1").text)
        cookies = dict(first.cookies)
    with TestClient(create_app(review_ws), base_url=BASE, cookies=cookies) as restarted:
        r = restarted.post(
            "/sample/s-zh-1", data={"csrf": csrf, "version": "1", "action": "accept"}, follow_redirects=False
        )
    assert r.status_code == 303 and review_ws.store.get_sample("s-zh-1").status == "accepted"
    secret = review_ws.store.path.parent / "review.secret"
    assert secret.stat().st_mode & 0o777 == 0o600
