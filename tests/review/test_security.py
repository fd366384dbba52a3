"""Security of the review app: escaping, cross-site POSTs, CSRF tokens, access token, host check, bind check."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from fastapi.testclient import TestClient

from corpusforge.review.app import create_app
from corpusforge.review.security import (
    MIN_TOKEN,
    BindError,
    TokenError,
    check_bind,
    is_loopback,
    resolve_token,
)

BASE = "http://127.0.0.1:8765"
TOKEN = "s3cret-review-token-0123"


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
    with TestClient(create_app(review_ws, token=TOKEN), base_url="http://192.0.2.10:8765") as c:
        assert c.get("/").status_code == 401
        assert c.get("/", params={"token": "wrong"}).status_code == 401
        r = c.get("/", params={"token": TOKEN, "task": "qa"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/?task=qa"  # token leaves the address bar
        assert "httponly" in r.headers["set-cookie"].lower()
        assert c.get("/").status_code == 200  # the cookie carries it now
    with TestClient(create_app(review_ws, token=TOKEN), base_url="http://192.0.2.10:8765") as c:
        assert c.get("/", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        assert c.get("/static/review.css").status_code == 200


def test_without_token_only_loopback_hosts_are_served(review_ws):
    with TestClient(create_app(review_ws), base_url="http://rebound.example:8765") as c:
        assert c.get("/").status_code == 400
    with TestClient(create_app(review_ws), base_url="http://localhost:8765") as c:
        assert c.get("/").status_code == 200


def test_bind_check():
    check_bind("127.0.0.1", None)
    check_bind("::1", None)
    check_bind("0.0.0.0", TOKEN)
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


def test_short_tokens_are_refused_and_auto_generates_one(review_ws):
    for short in ("a", "t0ken", "x" * (MIN_TOKEN - 1)):
        with pytest.raises(TokenError, match=f"has {len(short)} characters: use at least 16"):
            resolve_token(short)
        with pytest.raises(TokenError):
            check_bind("127.0.0.1", short)
        with pytest.raises(TokenError):
            create_app(review_ws, token=short)
    assert resolve_token("x" * MIN_TOKEN) == "x" * MIN_TOKEN
    assert resolve_token(None) is None and resolve_token("") is None
    first, second = resolve_token("auto"), resolve_token("auto")
    assert first and second and len(first) == 32 and first != second


def test_login_cookie_is_a_keyed_hmac_that_survives_a_restart(review_ws, tmp_path):
    base = "http://192.0.2.10:8765"
    with TestClient(create_app(review_ws, token=TOKEN), base_url=base) as c:
        r = c.get("/", params={"token": TOKEN}, follow_redirects=False)
        set_cookie = r.headers["set-cookie"].lower()
        assert "httponly" in set_cookie and "samesite=strict" in set_cookie
        value = c.cookies["cfr_auth_8765"]
    assert value != hashlib.sha256(TOKEN.encode()).hexdigest() and TOKEN not in value
    secret = (review_ws.store.path.parent / "review.secret").read_bytes()
    key = hmac.new(secret, b"corpusforge review login", hashlib.sha256).digest()
    assert value == hmac.new(key, TOKEN.encode(), hashlib.sha256).hexdigest()
    cookie = {"cfr_auth_8765": value}
    with TestClient(create_app(review_ws, token=TOKEN), base_url=base, cookies=cookie) as restarted:
        assert restarted.get("/").status_code == 200
    from corpusforge.workspace import init_workspace

    other = init_workspace(tmp_path / "other")  # same token, another workspace: another secret
    try:
        with TestClient(create_app(other, token=TOKEN), base_url=base, cookies=cookie) as c:
            assert c.get("/").status_code == 401
    finally:
        other.close()


def test_head_on_every_page_answers_like_get_without_a_body(client):
    for path in (
        "/",
        "/?status=flagged",
        "/sample/s-plant-1",
        "/sample/s-plant-1/rate",
        "/static/review.css",
    ):
        got, head = client.get(path), client.head(path)
        assert (head.status_code, got.status_code) == (200, 200), path
        assert head.content == b"" and head.headers["content-type"] == got.headers["content-type"]
    assert client.head("/sample/nope").status_code == 404


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("page=99999999999999999999", "page 2 of 2"),
        ("page=" + "9" * 5000, "page 2 of 2"),
        ("page=3", "page 2 of 2"),
        ("page=0", "page 1 of 2"),
        ("page=-4", "page 1 of 2"),
        ("page=%C2%B2", "page 1 of 2"),  # "²" is a digit to str.isdigit, not to int
        ("page=2&msg=bulk&n=%C2%B2", "Bulk-accepted 0 samples."),
        ("msg=bulk&n=" + "9" * 40, "Bulk-accepted 1000000000000 samples."),
        ("min_score=nan&max_score=1e999&sort=%00&status=nope&cands=all", "Samples 1–5 of 7"),
    ],
)
def test_malformed_or_out_of_range_query_parameters_are_clamped(review_ws, query, shown):
    review_ws.config.review.page_size = 5
    with TestClient(create_app(review_ws), base_url=BASE) as c:
        r = c.get(f"/?{query}")
    assert r.status_code == 200 and shown in r.text


def test_odd_form_fields_are_client_errors(client, review_ws, csrf_of):
    csrf = csrf_of(client.get("/").text)
    r = client.post("/sample/s-plant-1", data={"csrf": "ü" * 64, "version": "1", "action": "reject"})
    assert r.status_code == 403
    r = client.post(
        "/bulk-accept",
        data={"csrf": csrf, "min_score_bulk": "0.99"},
        files={"doc": ("doc.txt", b"x"), "min_score": ("m.txt", b"0.5")},
        follow_redirects=False,
    )
    assert r.status_code == 303 and "n=0" in r.headers["location"]
    r = client.post(
        "/sample/s-plant-1",
        data={"csrf": csrf, "version": "1", "action": "save"},
        files={"output": ("o.txt", b"uploaded")},
        follow_redirects=False,
    )
    assert r.status_code == 303 and "msg=unchanged" in r.headers["location"]
    assert review_ws.store.get_sample("s-plant-1").output.startswith("The plant treats")
