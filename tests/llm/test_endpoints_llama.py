"""Two real ``python -m llama_cpp.server`` processes (embedded SmolLM2) behind one backend; one is killed mid-run."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from corpusforge.llm import LLMConfig, get_client

pytestmark = pytest.mark.slow


def _server(gguf) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    args = [
        "--model",
        str(gguf),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "512",
        "--n_threads",
        "1",
    ]
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return proc, f"http://127.0.0.1:{port}/v1"


def _wait(url: str) -> None:
    for _ in range(600):
        try:
            urllib.request.urlopen(url + "/models", timeout=2).read()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not start")


def _cfg(*urls: str) -> LLMConfig:
    opts = {"base_url": list(urls), "eject_after": 1}
    return LLMConfig(
        backend="openai", openai=opts, concurrency=2, max_tokens=4, temperature=0.0, seed=0, backoff=0.01
    )


def _prompt(i: int) -> list[dict[str, str]]:
    return [{"role": "user", "content": f"Count from {i} to {i + 3}."}]


def test_a_killed_llama_server_mid_run_gives_the_same_replies(smollm_gguf):
    (pa, a), (pb, b) = _server(smollm_gguf), _server(smollm_gguf)
    try:
        _wait(a)
        _wait(b)
        both = get_client(_cfg(a, b))

        async def run() -> list[str]:
            try:
                tasks = [asyncio.ensure_future(both.chat(_prompt(i))) for i in range(6)]
                await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
                pb.kill()  # mid-run: its requests in flight and every later one must go to a
                return [c.text for c in await asyncio.gather(*tasks)]
            finally:
                await both.aclose()

        texts = asyncio.run(run())
        pb.wait(10)
        counts = both.backend.pool.counts()
        assert counts[b] >= 1 and both.backend.pool.endpoints[1].out
        alone = get_client(_cfg(a))
        assert [alone.chat_sync(_prompt(i)).text for i in range(6)] == texts  # greedy: the same replies
        alone.close()
    finally:
        for p in (pa, pb):
            p.kill()
            p.wait(10)
