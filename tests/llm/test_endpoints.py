"""``llm.openai.base_url`` as a fleet: the config shapes and the dispatch rule of :class:`EndpointPool`."""

from __future__ import annotations

import pytest

from corpusforge.config import ConfigError, parse_config
from corpusforge.llm import LLMConfig, get_backend
from corpusforge.llm.backends import endpoints
from corpusforge.llm.backends.endpoints import Endpoint, EndpointPool


def _pool(*specs: dict, eject_after: int = 3, probe_after: float = 10.0) -> EndpointPool:
    return EndpointPool.build([Endpoint(**s) for s in specs], eject_after, probe_after)


def _take(pool: EndpointPool, n: int, avoid: tuple[str, ...] = ()) -> list[str]:
    """Pick n times, holding every pick (nothing finishes): the urls chosen, in order."""
    out = []
    for _ in range(n):
        ep = pool.pick(avoid)
        assert ep is not None
        ep.in_flight += 1
        out.append(ep.url)
    return out


def test_base_url_takes_a_string_a_list_of_urls_or_of_endpoints():
    one = LLMConfig(backend="openai", base_url="http://a/v1/")
    assert one.openai.base_url == [Endpoint(url="http://a/v1/")]
    assert get_backend(one).urls == ["http://a/v1"]
    llm = parse_config(
        {
            "llm": {
                "backend": "openai",
                "openai": {
                    "base_url": ["http://a/v1", {"url": "http://b/v1", "weight": 3, "max_concurrency": 2}],
                    "eject_after": 2,
                    "probe_after": 0.5,
                },
            }
        }
    ).llm
    b = llm.openai.base_url[1]
    assert (b.url, b.weight, b.max_concurrency) == ("http://b/v1", 3.0, 2)
    pool = get_backend(llm).pool
    assert (pool.eject_after, pool.probe_after, [e.cap for e in pool.endpoints]) == (2, 0.5, [0, 2])


@pytest.mark.parametrize(
    "entry, message",
    [
        ({"url": "http://a/v1", "wieght": 2}, "llm.openai.base_url.0.wieght: unknown key"),
        ({"weight": 2}, "llm.openai.base_url.0.url: Field required"),
        ({"url": "http://a/v1", "weight": 0}, "llm.openai.base_url.0.weight: Input should be greater than 0"),
        (5, "llm.openai.base_url: each entry is a URL or {url, weight, max_concurrency}, not 5"),
    ],
)
def test_a_bad_endpoint_is_one_line_naming_the_key(entry, message):
    with pytest.raises(ConfigError) as e:
        parse_config({"llm": {"openai": {"base_url": [entry]}}})
    assert str(e.value) == f"corpusforge.yaml: {message}"


def test_least_loaded_by_weight_with_round_robin_ties():
    assert _take(_pool({"url": "a"}, {"url": "b"}), 4) == ["a", "b", "a", "b"]
    # (in flight + 1) / weight: b (weight 3) takes three requests for each of a's
    picks = _take(_pool({"url": "a"}, {"url": "b", "weight": 3}), 8)
    assert (picks.count("a"), picks.count("b")) == (2, 6)


def test_concurrency_cap_and_tried_servers_are_avoided():
    pool = _pool({"url": "a", "max_concurrency": 1}, {"url": "b", "max_concurrency": 2})
    assert sorted(_take(pool, 3)) == ["a", "b", "b"] and pool.pick() is None  # all at their cap
    pool = _pool({"url": "a"}, {"url": "b"}, {"url": "c"})
    assert _take(pool, 2, avoid=("a",)) == ["b", "c"]  # a retry goes where it has not been
    assert pool.pick(avoid=("a", "b", "c")) is not None  # tried them all: any will do


def test_failing_server_is_taken_out_probed_and_readmitted(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(endpoints.time, "monotonic", lambda: now[0])
    pool = _pool({"url": "a"}, {"url": "b"}, eject_after=3, probe_after=10.0)
    a, b = pool.endpoints
    pool.failed(a)
    pool.succeeded(a)  # a success resets the count: failures must come in a row
    for _ in range(3):
        pool.failed(a)
    assert a.out and _take(pool, 3) == ["b", "b", "b"]
    assert pool.due() == []
    now[0] += 10.0
    assert pool.due() == [a]
    pool.failed(a)  # the probe failed: the wait doubles
    assert a.out and a.out_until == now[0] + 20.0
    now[0] += 20.0
    pool.succeeded(a)
    assert not a.out and pool.pick() is a  # back, and the least loaded
    for e in (a, b):
        for _ in range(3):
            pool.failed(e)
    assert a.out and b.out and pool.pick() is not None  # all out: requests go anyway
