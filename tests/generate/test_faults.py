"""Faults between the client and a real llama.cpp server: each ends in retries, then success or one clear line."""

from __future__ import annotations

import asyncio

import pytest

from corpusforge.llm import Completion, LLMClient, LLMConfig, LLMError, get_client
from support.fixedlatency import free_port

pytestmark = pytest.mark.slow

MSGS = [{"role": "user", "content": "Name one thing a water utility does."}]


def _client(url: str, store=None, **kw) -> LLMClient:
    opts = {
        "backend": "openai",
        "base_url": [url],
        "max_tokens": 4,
        "retries": 2,
        "backoff": 0.01,
        "timeout": 120,
    } | kw
    return get_client(LLMConfig(**opts), store)


def _fails(c: LLMClient, *match: str) -> str:
    with pytest.raises(LLMError) as e:
        c.chat_sync(MSGS)
    msg = str(e.value)
    assert "\n" not in msg and all(m in msg for m in match), msg
    return msg


def test_server_down_retries_then_clear_error_then_resumes(workspace, fault_proxy):
    down = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    c = _client(down, workspace.store)
    msg = _fails(c, "after 3 attempts", "cannot connect", down)
    assert c.stats.retries == 2 and c.stats.errors == 3
    assert workspace.store.counts()["llm_cache"] == 0  # failures are not cached
    # the server is back (another URL, same store): the same request now succeeds, then is cached
    ok = _client(fault_proxy.url, workspace.store)
    assert not ok.chat_sync(MSGS).cached and ok.chat_sync(MSGS).cached
    assert fault_proxy.requests == 1 and msg.startswith("LLM request failed")


@pytest.mark.parametrize(
    "fault, match",
    [
        ("500", "HTTP 500: injected fault"),
        ("503", "HTTP 503"),
        ("429", "HTTP 429"),
        ("badjson", "invalid response body"),
        ("drop", "cannot connect"),
    ],
)
def test_persistent_fault_ends_in_one_clear_line(fault_proxy, fault, match):
    fault_proxy.set(fault)
    c = _client(fault_proxy.url)
    _fails(c, match, fault_proxy.url)
    assert fault_proxy.requests == 3 and fault_proxy.forwarded == 0 and c.stats.retries == 2


@pytest.mark.parametrize("fault", ["500", "429", "badjson", "drop"])
def test_transient_fault_is_retried_to_success(fault_proxy, workspace, fault):
    fault_proxy.set(fault, fail_next=2)
    c = _client(fault_proxy.url, workspace.store)
    comp = c.chat_sync(MSGS, seed=hash(fault) % 1000)
    assert isinstance(comp, Completion) and comp.text and not comp.cached
    assert fault_proxy.requests == 3 and fault_proxy.forwarded == 1 and c.stats.retries == 2
    assert workspace.store.cache_get(comp.key)["response"]["text"] == comp.text


def test_client_error_is_not_retried(fault_proxy):
    fault_proxy.set("404")
    c = _client(fault_proxy.url)
    _fails(c, "HTTP 404")
    assert fault_proxy.requests == 1 and c.stats.retries == 0


def test_slow_server_times_out_and_is_retried(fault_proxy):
    fault_proxy.set("slow", fail_next=-1, delay=5)
    c = _client(fault_proxy.url, timeout=1, retries=1)
    _fails(c, "timed out after 1s", "after 2 attempts")
    fault_proxy.set("slow", fail_next=1, delay=5)  # slow once, then normal
    c = _client(fault_proxy.url, timeout=4, retries=1)
    comp = c.chat_sync(MSGS, seed=77)
    assert comp.text and c.stats.retries == 1 and fault_proxy.requests == 2


def test_faults_under_concurrency_lose_nothing(fault_proxy, workspace):
    fault_proxy.set("500", fail_next=4)  # the first four requests fail, whichever they are
    c = _client(fault_proxy.url, workspace.store, concurrency=3, retries=5)
    prompts = [[{"role": "user", "content": f"Give a word about pipes, number {i}."}] for i in range(5)]

    async def run():
        try:
            return await asyncio.gather(*[c.chat(m) for m in prompts], return_exceptions=True)
        finally:
            await c.aclose()

    results = asyncio.run(run())
    assert all(isinstance(r, Completion) for r in results), results
    assert len({r.key for r in results}) == 5 and workspace.store.counts()["llm_cache"] == 5
    assert c.stats.retries == 4 and fault_proxy.forwarded == 5
