"""Shared fixtures for generate tests: a real llama.cpp OpenAI-compatible server and a fault proxy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from support.fixedlatency import free_port

sys.path.insert(0, str(Path(__file__).parent))

from faultproxy import FaultProxy  # noqa: E402

SCHEMA_QA = {
    "type": "object",
    "properties": {
        "pairs": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"question": {"type": "string"}, "answer": {"type": "string"}},
                "required": ["question", "answer"],
            },
        }
    },
    "required": ["pairs"],
}

# bounded (1 pair, short strings) so a grammar-constrained reply always completes within ~100 tokens
SCHEMA_QA_SMALL = {
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


def _warm_up(url: str) -> None:
    """One grammar-constrained request, so the first test does not pay llama.cpp's one-time set-up."""
    body = json.dumps(
        {
            "messages": [{"role": "user", "content": "hi"}],
            "max_tokens": 1,
            "response_format": {"type": "json_object", "schema": SCHEMA_QA},
        }
    ).encode()
    req = urllib.request.Request(
        url + "/chat/completions", data=body, headers={"Content-Type": "application/json"}
    )
    urllib.request.urlopen(req, timeout=300).read()


@pytest.fixture(scope="session")
def llama_server(smollm_gguf, tmp_path_factory):
    """A real ``python -m llama_cpp.server`` with the embedded model on 127.0.0.1; yields its /v1 base URL."""
    port = free_port()
    log = tmp_path_factory.mktemp("llama_server") / "server.log"
    cmd = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(smollm_gguf),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "2048",
        "--n_threads",
        str(max(1, (os.cpu_count() or 2) // 2)),
    ]
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(f"llama_cpp.server exited ({proc.returncode}): {log.read_text()[-2000:]}")
            try:
                urllib.request.urlopen(url + "/models", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("llama_cpp.server did not start within 120 s")
                time.sleep(0.3)
        _warm_up(url)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def _proxy_session(llama_server):
    p = FaultProxy(llama_server.removesuffix("/v1")).start()
    yield p
    p.stop()


@pytest.fixture
def fault_proxy(_proxy_session):
    """The fault-injecting proxy in front of the real server, reset (no fault, zero counts) for each test."""
    _proxy_session.set(None)
    yield _proxy_session
    _proxy_session.set(None)


@pytest.fixture
def qa_schema() -> dict:
    """A JSON schema for a list of question/answer pairs."""
    return SCHEMA_QA


@pytest.fixture
def qa_schema_small() -> dict:
    """A JSON schema for exactly one short question/answer pair."""
    return SCHEMA_QA_SMALL
