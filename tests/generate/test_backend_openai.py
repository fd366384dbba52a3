"""The openai backend against a real llama.cpp OpenAI-compatible server on 127.0.0.1 (through the proxy)."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
from faultproxy import FaultProxy

from corpusforge.llm import LLMClient, LLMConfig, get_client, parse_json_reply

pytestmark = pytest.mark.slow

MSGS = [
    {"role": "system", "content": 'Reply with JSON like {"pairs": [{"question": "...", "answer": "..."}]}.'},
    {
        "role": "user",
        "content": "Text: The Riverton water utility replaces 300 water meters each spring.\n"
        "Write 2 question/answer pairs about the text.",
    },
]


def _cfg(*urls: str, **kw) -> LLMConfig:
    return LLMConfig(backend="openai", base_url=list(urls), max_tokens=8, backoff=0.01, timeout=300, **kw)


def test_schema_reply_parses_and_auto_mode_falls_back(fault_proxy, workspace, qa_schema_small):
    c = get_client(_cfg(fault_proxy.url), workspace.store)
    comp = c.chat_sync(MSGS, schema=qa_schema_small, max_tokens=128, seed=5)
    # llama-cpp-python's server refuses json_schema; the backend falls back to json_object + schema
    sent = [json.loads(b)["response_format"]["type"] for b in fault_proxy.bodies]
    assert sent == ["json_schema", "json_object"] and c.backend.mode == "json_object"
    assert comp.finish_reason == "stop"  # the bounded schema always completes within the budget
    reply = parse_json_reply(comp.text, comp.finish_reason, key="pairs")
    assert reply.data is not None and not reply.repaired and not reply.truncated
    assert len(reply.items) == 1
    assert all({"question", "answer"} <= set(i) for i in reply.items)
    assert comp.backend == "openai" and comp.tokens_out > 0
    c.chat_sync(MSGS, schema=qa_schema_small, max_tokens=16, seed=6)  # mode remembered: one request only
    assert [json.loads(b)["response_format"]["type"] for b in fault_proxy.bodies[2:]] == ["json_object"]
    c.close()


def test_cache_hit_makes_no_second_request(fault_proxy, workspace):
    c = get_client(_cfg(fault_proxy.url), workspace.store)
    first = c.chat_sync(MSGS, seed=1)
    assert fault_proxy.requests == 1
    second = c.chat_sync(MSGS, seed=1)
    again = get_client(_cfg(fault_proxy.url), workspace.store).chat_sync(MSGS, seed=1)  # a re-run
    assert second.cached and again.cached and second.text == again.text == first.text
    assert fault_proxy.requests == 1  # counted at the proxy: nothing more reached the server
    c.close()


def _many(c: LLMClient, n: int) -> list:
    async def run():
        try:
            return await asyncio.gather(
                *[c.chat([{"role": "user", "content": f"Count to {i}."}], max_tokens=2) for i in range(n)]
            )
        finally:
            await c.aclose()

    return asyncio.run(run())


def test_requests_spread_over_base_urls(fault_proxy, llama_server, workspace):
    other = FaultProxy(llama_server.removesuffix("/v1")).start()
    try:
        c = get_client(_cfg(fault_proxy.url, other.url, concurrency=2), workspace.store)
        results = _many(c, 6)
        assert len(results) == 6 and not any(r.cached for r in results)
        # least-loaded dispatch: both servers serve, not necessarily 3/3
        assert fault_proxy.requests + other.requests == 6 and min(fault_proxy.requests, other.requests) >= 1
    finally:
        other.stop()


def test_concurrency_bounds_requests_in_flight(fault_proxy, workspace):
    fault_proxy.set("slow", delay=0.5)  # every request lingers at the proxy so overlap is visible
    c = get_client(_cfg(fault_proxy.url, concurrency=2), workspace.store)
    _many(c, 5)
    assert fault_proxy.requests == 5 and fault_proxy.max_inflight == 2
    assert c.stats.requests == 5


def test_api_key_is_sent_but_never_stored_or_logged(fault_proxy, workspace, monkeypatch, caplog):
    secret = "sk-test-5ecret-do-not-store-9931"
    monkeypatch.setenv("CF_TEST_KEY", secret)
    caplog.set_level(logging.DEBUG)
    c = get_client(_cfg(fault_proxy.url, api_key_env="CF_TEST_KEY", retries=1), workspace.store)
    fault_proxy.set("500", fail_next=1)  # one failure so a retry warning is logged too
    c.chat_sync(MSGS, seed=11)
    headers = {k.lower(): v for k, v in fault_proxy.headers[-1].items()}
    assert headers["authorization"] == f"Bearer {secret}"
    c.close()
    workspace.store.conn.execute("PRAGMA wal_checkpoint(FULL)")
    blobs = b"".join(p.read_bytes() for p in workspace.root.rglob("*") if p.is_file())
    assert workspace.store.counts()["llm_cache"] == 1
    assert secret.encode() not in blobs
    assert secret not in caplog.text and "retry 1/1" in caplog.text


@pytest.mark.parametrize("mode, sent", [("none", None), ("json_object", "json_object")])
def test_fixed_response_format_modes(fault_proxy, workspace, qa_schema_small, mode, sent):
    c = get_client(_cfg(fault_proxy.url, response_format=mode), workspace.store)
    comp = c.chat_sync(MSGS, schema=qa_schema_small, max_tokens=12, seed=21)
    bodies = [json.loads(b) for b in fault_proxy.bodies]
    assert len(bodies) == 1 and (bodies[0].get("response_format") or {}).get("type") == sent
    reply = parse_json_reply(comp.text, comp.finish_reason, key="pairs")  # never raises, whatever came back
    assert reply.data is not None or reply.error
    c.close()


def test_one_client_serves_several_event_loops(fault_proxy, workspace):
    c = get_client(_cfg(fault_proxy.url, concurrency=1), workspace.store)
    for _ in range(3):  # e.g. generate() called several times in one process: a new asyncio.run each time
        assert len(_many(c, 2)) == 2  # concurrency 1 with 2 requests: the semaphore is contended
    assert fault_proxy.requests == 2 and c.stats.cached == 4
    assert c.chat_sync(MSGS, seed=3).text  # and the private loop of chat_sync
    c.close()
