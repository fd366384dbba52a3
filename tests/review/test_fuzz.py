"""Property-based fuzzing of every review route: random paths, ids, query strings, form fields -> never 5xx.

The in-process client re-raises any exception of the app, so a crash fails the example (and Hypothesis
shrinks it); a response must also be below 500, and a HEAD answer has no body. Fixed seeds
(``derandomize``) and no example database keep CI reproducible.
"""

from __future__ import annotations

import re
from urllib.parse import quote, quote_from_bytes, urlencode

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from corpusforge.review.app import create_app

BASE = "http://127.0.0.1:8765"
TOKEN = "fuzz-token-0123456789abcdef"
IDS = ["s-plant-1", "s-plant-2", "s-plant-3", "s-tariff-1", "s-tariff-2", "s-zh-1", "s-html-1"]
QUERY_KEYS = ["page", "msg", "n", "doc", "task", "status", "sort", "cands", "min_score", "max_score"]
FORM_KEYS = [
    *("version", "action", "instruction", "input", "output", "min_score_bulk", "name", "back"),
    *("rating_0", "rating_1", "rating_2", "rating_3", "use_order", "order", "next", *QUERY_KEYS),
]
NUMBERS = [
    *("", "0", "0.5", "0.9", "1", "2", "-1", "00", "+3", " 7 ", "1.5", "1e999", "-1e999", "nan", "inf", "-0"),
    *("99999999999999999999", "9" * 5000, "²", "١٢", "0x10"),
]
WORDS = [
    *("passed", "flagged", "accepted", "score", "doc", "any", "unrated", "save", "accept", "reject"),
    *("skip", "good", "fair", "poor", "bulk", "saved", "docplant", "qa", "2,0,1", "0,0,0", "1,x"),
    *("/", "//evil.example", "/\\evil", "/sample/s-zh-1", "<script>", "s-plant-1", "a" * 600),
    *("\x00", "\r\n", "%", "ü" * 70),
]
HOSTILE = [
    {"Origin": "http://evil.example"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Origin": "null", "Sec-Fetch-Site": "none"},
]
FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
)

text = st.text(max_size=30)
latin1 = st.text(st.characters(codec="latin-1", exclude_characters="\r\n\x00"), max_size=70)
values = st.one_of(
    st.sampled_from(NUMBERS), st.sampled_from(WORDS), text, st.integers(-(10**30), 10**30).map(str)
)
pairs = st.lists(st.tuples(text, values), max_size=3)  # fields the app does not know


def _fields(known: list[str]) -> st.SearchStrategy[list[tuple[str, str]]]:
    """Known fields, each present or not with odd values, plus unknown ones, in a random order."""
    chosen = st.fixed_dictionaries({}, optional={k: values for k in known})
    return st.tuples(chosen, pairs).flatmap(lambda t: st.permutations([*t[0].items(), *t[1]]))


segment = st.one_of(
    st.sampled_from(IDS),
    st.sampled_from(["sample", "rate", "static", "review.css", "review.js", "bulk-accept", "reviewer", ".."]),
    text.map(lambda s: quote(s, safe="")),
    st.binary(max_size=12).map(lambda b: quote_from_bytes(b, safe="")),
)
query = st.one_of(
    _fields(QUERY_KEYS).map(urlencode),
    st.binary(max_size=40).map(lambda b: quote_from_bytes(b, safe="=&+%")),
)


@pytest.fixture(scope="module")
def fuzz_client(shared_review_ws):
    """A loopback client of the tokenless app and the CSRF token of its session."""
    with TestClient(create_app(shared_review_ws), base_url=BASE) as c:
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', c.get("/").text)
        assert csrf
        yield c, csrf.group(1)


def _check(r, method: str) -> None:
    assert r.status_code < 500, (r.status_code, r.text[:300])
    if method == "HEAD":
        assert r.content == b""


def _path(route: str, sid: str) -> str:
    return route.replace("{id}", quote(sid, safe=""))


@given(
    route=st.sampled_from(["/", "/sample/{id}", "/sample/{id}/rate", "/static/{id}"]),
    sid=st.one_of(st.sampled_from(IDS), text),
    qs=query,
    method=st.sampled_from(["GET", "HEAD", "GET", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"]),
)
@settings(FUZZ, max_examples=1200)
def test_pages_with_random_ids_and_query_strings_never_fail(fuzz_client, route, sid, qs, method):
    client, _ = fuzz_client
    path = _path(route, sid)
    r = client.request(method, f"{path}?{qs}" if qs else path, follow_redirects=False)
    _check(r, method)
    if method in ("GET", "HEAD") and route == "/":
        assert r.status_code == 200  # every filter or page is clamped or ignored, never refused


@given(segments=st.lists(segment, max_size=5), qs=query, method=st.sampled_from(["GET", "HEAD", "POST"]))
@settings(FUZZ, max_examples=500)
def test_random_paths_never_fail(fuzz_client, segments, qs, method):
    client, _ = fuzz_client
    path = BASE + "/" + "/".join(segments)  # absolute: a path may start with "//"
    r = client.request(method, f"{path}?{qs}" if qs else path, follow_redirects=False)
    _check(r, method)


@given(
    route=st.sampled_from(["/sample/{id}", "/sample/{id}/rate", "/bulk-accept", "/reviewer"]),
    sid=st.one_of(st.sampled_from(IDS), st.sampled_from(IDS), text),
    fields=_fields(FORM_KEYS),
    files=st.lists(st.tuples(st.sampled_from(FORM_KEYS), st.binary(max_size=20)), max_size=4),
    csrf_kind=st.sampled_from(["valid", "valid", "valid", "valid", "none", "random"]),
    random_csrf=text,
    headers=st.one_of(
        st.just({}), st.just({"Origin": BASE, "Sec-Fetch-Site": "same-origin"}), st.sampled_from(HOSTILE)
    ),
    multipart=st.booleans(),
)
@settings(FUZZ, max_examples=1200)
def test_forms_with_random_fields_never_fail(
    fuzz_client, route, sid, fields, files, csrf_kind, random_csrf, headers, multipart
):
    client, csrf = fuzz_client
    data = list(fields)
    if csrf_kind != "none":
        data.insert(0, ("csrf", csrf if csrf_kind == "valid" else random_csrf))
    form: dict[str, list[str]] = {}
    for k, v in data:
        form.setdefault(k, []).append(v)
    upload = [(k, ("f.txt", b, "text/plain")) for k, b in files] if multipart else None
    r = client.post(_path(route, sid), data=form, files=upload, headers=headers, follow_redirects=False)
    _check(r, "POST")


@given(
    body=st.binary(max_size=200), ctype=st.sampled_from(["multipart/form-data; boundary=x", "text/plain", ""])
)
@settings(FUZZ, max_examples=200)
def test_raw_request_bodies_never_fail(fuzz_client, body, ctype):
    client, csrf = fuzz_client
    headers = {"X-CSRF-Token": csrf, "Content-Type": ctype} if ctype else {"X-CSRF-Token": csrf}
    for path in ("/bulk-accept", "/sample/s-plant-1", "/sample/s-plant-1/rate", "/reviewer"):
        _check(client.post(path, content=body, headers=headers, follow_redirects=False), "POST")


@pytest.fixture(scope="module")
def token_client(shared_review_ws):
    """A client of the app that needs a token, addressed by a non-loopback name."""
    with TestClient(create_app(shared_review_ws, token=TOKEN), base_url="http://192.0.2.10:8765") as c:
        yield c


@given(
    path=st.sampled_from(["/", "/sample/s-plant-1", "/sample/s-zh-1/rate", "/static/review.css"]),
    qtoken=st.one_of(st.none(), st.just(TOKEN), text),
    auth=st.one_of(st.none(), st.just(f"Bearer {TOKEN}"), latin1.map(lambda s: f"Bearer {s}"), latin1),
    cookie=st.one_of(st.none(), latin1),
    host=st.sampled_from(["192.0.2.10:8765", "127.0.0.1:8765", "evil.example", "[::1", "x:99999", ""]),
    method=st.sampled_from(["GET", "HEAD", "POST"]),
)
@settings(FUZZ, max_examples=600)
def test_the_token_guard_never_fails(token_client, path, qtoken, auth, cookie, host, method):
    headers = {"Host": host.encode("latin-1")}
    if auth is not None:
        headers["Authorization"] = auth.encode("latin-1")
    if cookie is not None:
        value = f"cfr_auth_8765={cookie}; cfr_session_8765={cookie}; cfr_name_8765={cookie}"
        headers["Cookie"] = value.encode("latin-1")
    token_client.cookies.clear()
    params = {"token": qtoken} if qtoken is not None else None
    r = token_client.request(method, path, params=params, headers=headers, follow_redirects=False)
    _check(r, method)
    if qtoken is None and (auth is None or TOKEN not in auth) and not path.startswith("/static/"):
        assert r.status_code in (400, 401)  # no token, no page (400: a host the server does not answer)
