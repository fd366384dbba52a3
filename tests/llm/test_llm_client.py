"""The LLM client (``get_client``) with the in-process llamacpp backend and the real embedded SmolLM2 model."""

from __future__ import annotations

import asyncio
import time

import pytest

from corpusforge.llm import Completion, LLMConfig, LLMError, get_backend, get_client, parse_json_reply
from corpusforge.llm.client import request_key

MSGS = [
    {"role": "system", "content": 'Reply with JSON like {"pairs": [{"question": "...", "answer": "..."}]}.'},
    {
        "role": "user",
        "content": "Text: The Riverton water utility tests tap water daily at 12 sites.\n"
        "Write 2 question/answer pairs about the text.",
    },
]


# bounded (1 pair, short strings) so a grammar-constrained reply always completes within ~100 tokens
QA_SCHEMA_SMALL = {
    "type": "object",
    "properties": {
        "pairs": {
            "type": "array",
            "minItems": 1,
            "maxItems": 1,
            "items": {
                "type": "object",
                "properties": {
                    "question": {"type": "string", "minLength": 5, "maxLength": 60},
                    "answer": {"type": "string", "minLength": 1, "maxLength": 40},
                },
                "required": ["question", "answer"],
            },
        }
    },
    "required": ["pairs"],
}


@pytest.fixture
def client(workspace):
    c = get_client(LLMConfig(max_tokens=48, temperature=0.2), workspace.store)
    yield c
    c.close()


@pytest.mark.slow
def test_schema_constrained_output_parses(client):
    comp = client.chat_sync(MSGS, schema=QA_SCHEMA_SMALL, max_tokens=128, seed=3)
    assert isinstance(comp, Completion) and not comp.cached
    assert comp.backend == "llamacpp" and comp.model.startswith("embedded:")
    assert comp.tokens_in > 0 and 0 < comp.tokens_out <= 128
    assert comp.finish_reason == "stop"  # the bounded schema always completes within the budget
    reply = parse_json_reply(comp.text, comp.finish_reason, key="pairs")
    assert reply.data is not None and not reply.repaired and not reply.truncated
    assert len(reply.items) == 1  # grammar-constrained: valid JSON, or complete items
    assert isinstance(reply.data, dict) and isinstance(reply.data["pairs"], list)
    for item in reply.items:
        assert set(item) >= {"question", "answer"}


@pytest.mark.slow
def test_second_identical_call_is_served_from_the_store(client, workspace):
    first = client.chat_sync(MSGS, max_tokens=8, seed=1, prompt_version="qa-v1")
    second = client.chat_sync(MSGS, max_tokens=8, seed=1, prompt_version="qa-v1")
    assert second.cached and second.text == first.text and second.key == first.key
    assert client.stats.requests == 1 and client.stats.cached == 1
    row = workspace.store.cache_get(first.key)
    assert row["response"]["text"] == first.text and row["request"]["prompt_version"] == "qa-v1"
    # a new client on the same store (a re-run) sends nothing either
    rerun = get_client(client.cfg, workspace.store)
    assert rerun.chat_sync(MSGS, max_tokens=8, seed=1, prompt_version="qa-v1").cached
    assert rerun.stats.requests == 0
    # another prompt version is another request
    assert not client.chat_sync(MSGS, max_tokens=8, seed=1, prompt_version="qa-v2").cached
    assert workspace.store.counts()["llm_cache"] == 2


@pytest.mark.slow
def test_concurrent_identical_requests_are_sent_once(client):
    async def run():
        return await asyncio.gather(*[client.chat(MSGS, max_tokens=6, seed=9) for _ in range(3)])

    results = asyncio.run(run())
    assert len({r.text for r in results}) == 1
    assert client.stats.requests == 1 and sum(r.cached for r in results) == 2


@pytest.mark.slow
def test_stats_tokens_and_cost(workspace):
    cfg = LLMConfig(max_tokens=6, price_in_per_1k=2.0, price_out_per_1k=4.0)
    c = get_client(cfg, workspace.store)
    comp = c.chat_sync(MSGS, seed=2)
    assert c.stats.tokens_in == comp.tokens_in and c.stats.tokens_out == comp.tokens_out
    assert c.stats.cost(cfg) == pytest.approx(comp.tokens_in * 0.002 + comp.tokens_out * 0.004)
    assert c.stats.as_dict()["requests"] == 1


@pytest.mark.slow
def test_requests_per_minute_spaces_requests(workspace):
    c = get_client(LLMConfig(max_tokens=1, rpm=1200), None)  # one request per 0.05 s

    async def run():
        return await asyncio.gather(*[c.chat([{"role": "user", "content": f"n{i}"}]) for i in range(4)])

    t0 = time.monotonic()
    asyncio.run(run())
    assert time.monotonic() - t0 >= 3 * 60 / 1200  # a lower bound the limiter guarantees
    assert c.stats.requests == 4


@pytest.mark.slow
def test_prompt_longer_than_context_is_a_clear_error_without_retries(workspace):
    c = get_client(LLMConfig(max_tokens=4, retries=3, backoff=0.01), workspace.store)
    with pytest.raises(LLMError) as e:
        c.chat_sync([{"role": "user", "content": "water " * 6000}])
    assert "llamacpp" in str(e.value) and "\n" not in str(e.value)
    assert c.stats.retries == 0 and c.stats.errors == 1
    assert workspace.store.counts()["llm_cache"] == 0


def test_missing_model_file_is_a_clear_error(tmp_path):
    c = get_client(LLMConfig(model=str(tmp_path / "nope.gguf")))
    with pytest.raises(LLMError, match=r"nope\.gguf: GGUF model file not found"):
        c.chat_sync(MSGS)


def test_request_key_covers_every_part():
    base = request_key("llamacpp", "m", MSGS, {"temperature": 0.2}, "v1")
    assert base == request_key("llamacpp", "m", [dict(m) for m in MSGS], {"temperature": 0.2}, "v1")
    assert base != request_key("openai", "m", MSGS, {"temperature": 0.2}, "v1")
    assert base != request_key("llamacpp", "m2", MSGS, {"temperature": 0.2}, "v1")
    assert base != request_key("llamacpp", "m", MSGS[:1], {"temperature": 0.2}, "v1")
    assert base != request_key("llamacpp", "m", MSGS, {"temperature": 0.3}, "v1")
    assert base != request_key("llamacpp", "m", MSGS, {"temperature": 0.2}, "v2")


def test_registry_and_config_errors():
    assert get_backend(LLMConfig()).name == "llamacpp"
    with pytest.raises(ValueError, match="llm.openai.base_url"):
        get_backend(LLMConfig(backend="openai"))
    with pytest.raises(ValueError):
        LLMConfig(concurrency=0)
    with pytest.raises(ValueError):
        LLMConfig(unknown_key=1)


def test_a_crashing_backend_fails_the_request_not_the_run():
    from corpusforge.llm import Backend

    class Broken(Backend):  # e.g. a third-party backend with a bug
        name = "broken"
        model = "m"

        async def complete(self, req):
            raise KeyError("choices")

    c = get_client(LLMConfig(retries=3), None, backend=Broken(LLMConfig()))
    with pytest.raises(LLMError, match=r"broken: KeyError: 'choices'"):
        c.chat_sync(MSGS)
    assert c.stats.retries == 0 and c.stats.errors == 1


@pytest.mark.slow
def test_in_process_generation_leaves_the_event_loop_free(workspace):
    c = get_client(LLMConfig(max_tokens=12), None)
    ticks = 0

    async def run():
        nonlocal ticks
        task = asyncio.ensure_future(c.chat([{"role": "user", "content": "Describe a water tower."}], seed=4))
        while not task.done():
            ticks += 1
            await asyncio.sleep(0.005)
        return task.result()

    comp = asyncio.run(run())
    assert comp.tokens_out > 0 and ticks >= 3  # the loop kept running while llama.cpp generated


@pytest.mark.slow
def test_a_waiter_survives_the_cancellation_of_the_request_it_waits_for(client):
    async def run():
        first = asyncio.ensure_future(client.chat(MSGS, max_tokens=6, seed=31))
        await asyncio.sleep(0)  # first is now sending
        second = asyncio.ensure_future(client.chat(MSGS, max_tokens=6, seed=31))
        await asyncio.sleep(0.01)  # second is waiting on first
        first.cancel()
        return await second, first

    comp, first = asyncio.run(run())
    assert first.cancelled() and comp.text and not comp.cached
