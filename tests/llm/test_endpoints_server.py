"""Several real fixed-latency servers on 127.0.0.1 behind one backend: failover, load, probing, the cache."""

from __future__ import annotations

import asyncio
import time

import pytest

from corpusforge.generate.runner import generate
from corpusforge.llm import LLMClient, LLMConfig, get_client, parse_json_reply
from support.fixedlatency import FixedLatencyServer
from support.workspaces import endpoint_config, sample_rows, synthetic_workspace

PASSAGE = "Source: a.txt, pages 1\n\nThe plant treats {i} cubic metres a day. It opened in 1998.\n\n---\n\nWrite 2 pairs."


def _cfg(*urls, eject_after: int = 3, probe_after: float = 10.0, **kw) -> LLMConfig:
    kw.setdefault("backoff", 0.01)
    opts = {"base_url": list(urls), "eject_after": eject_after, "probe_after": probe_after}
    return LLMConfig(backend="openai", model="fixed", openai=opts, timeout=30, **kw)


def _many(c: LLMClient, ids: range) -> list:
    async def run():
        try:
            return await asyncio.gather(
                *[c.chat([{"role": "user", "content": PASSAGE.format(i=i)}]) for i in ids]
            )
        finally:
            await c.aclose()

    return asyncio.run(run())


@pytest.fixture
def two():
    with FixedLatencyServer(0.01) as a, FixedLatencyServer(0.01) as b:
        yield a, b


def test_a_killed_server_mid_run_gives_the_same_samples(tmp_path):
    with FixedLatencyServer(0.01) as one:
        ws = synthetic_workspace(tmp_path / "one", 12, endpoint_config([one.url]))
        generate(ws)
        alone = sample_rows(ws)
        ws.close()
    # the second server dies when its 4th request arrives (in-flight requests dropped with it)
    with FixedLatencyServer(0.01, die_after=3) as a, FixedLatencyServer(0.01) as b:
        ws = synthetic_workspace(tmp_path / "two", 12, endpoint_config([a.url, b.url]))
        summary = generate(ws)
        rows = sample_rows(ws)
        ws.close()
        assert not a.alive and a.requests >= 4 and b.requests >= 12 - 3
    assert summary.n_errors == 0 and summary.retries >= 1
    assert len(alone) == 24 and rows == alone  # same ids, statuses, texts and reasons


def test_a_retry_goes_to_the_other_server_and_the_cache_key_ignores_which_answered(two, workspace):
    a, b = two
    a.fail_next = 1  # the first request (sent to a: ties go in order) gets a 500
    c = get_client(_cfg(a.url, b.url, concurrency=1, retries=2), workspace.store)
    first = _many(c, range(1))[0]
    assert (a.requests, b.requests, c.stats.retries) == (1, 1, 1)
    # the same requests to a client of b alone (another order, another fleet): all from the cache
    more = _many(get_client(_cfg(b.url, a.url), workspace.store), range(3))
    only_b = get_client(_cfg(b.url), workspace.store)
    again = _many(only_b, range(3))
    assert again[0].cached and again[0].key == first.key and again[0].text == first.text
    assert [r.key for r in again] == [r.key for r in more] and only_b.stats.requests == 0
    reply = parse_json_reply(first.text, first.finish_reason, key="pairs")
    assert [p["evidence"] for p in reply.items] == [
        "The plant treats 0 cubic metres a day.",
        "It opened in 1998.",
    ]


def test_least_loaded_dispatch_favours_the_faster_and_the_weightier_server():
    with FixedLatencyServer(0.02) as fast, FixedLatencyServer(0.3) as slow:
        _many(get_client(_cfg(fast.url, slow.url, concurrency=4)), range(40))
        assert fast.requests + slow.requests == 40 and fast.requests > 2 * slow.requests
    with FixedLatencyServer(0.05) as a, FixedLatencyServer(0.05) as b:
        c = get_client(_cfg(a.url, {"url": b.url, "weight": 3, "max_concurrency": 3}, concurrency=4))
        _many(c, range(40))
        assert a.requests + b.requests == 40 and b.requests > 2 * a.requests and b.max_inflight <= 3


def test_a_dead_server_is_probed_and_readmitted(two):
    a, b = two
    b.kill()
    c = get_client(_cfg(a.url, b.url, concurrency=2, retries=3, eject_after=1, probe_after=0.2))
    assert len(_many(c, range(6))) == 6
    pool = c.backend.pool
    assert pool.endpoints[1].out and a.requests == 6 and b.requests == 0
    b.revive()
    time.sleep(0.3)

    async def until_b_answers() -> int:  # the first request after the back-off starts the probe
        try:
            for i in range(6, 200):
                await c.chat([{"role": "user", "content": PASSAGE.format(i=i)}])
                if b.requests:
                    return i
                await asyncio.sleep(0.01)
            return -1
        finally:
            await c.aclose()

    assert asyncio.run(until_b_answers()) > 0
    assert b.gets >= 1 and b.requests >= 1 and not pool.endpoints[1].out
