"""A new backend is one module plus one ``BACKENDS.register`` line: nothing else is edited."""

from __future__ import annotations

import sys
import textwrap

import pytest

from corpusforge.config import ConfigError, parse_config
from corpusforge.llm import BACKENDS, LLMConfig, get_client

ECHO = '''
"""A backend that answers with the last message reversed (a plugin written outside corpusforge)."""

from corpusforge.llm.backends.base import Backend, ChatRequest, RawReply


class EchoBackend(Backend):
    name = "echo"

    def __init__(self, cfg):
        super().__init__(cfg)
        self.sent = 0

    @property
    def model(self):
        return self.cfg.model or "echo-1"

    async def complete(self, req: ChatRequest) -> RawReply:
        self.sent += 1
        text = req.messages[-1]["content"]
        return RawReply(text=text[::-1], finish_reason="stop", tokens_in=len(text.split()),
                        tokens_out=len(text.split()))
'''

MSGS = [{"role": "user", "content": "water tower"}]


@pytest.fixture
def echo_backend(tmp_path, monkeypatch):
    """The package ``cf_echo_plugin`` with one module ``echo.py``, on sys.path and registered as ``echo``."""
    pkg = tmp_path / "cf_echo_plugin"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "echo.py").write_text(textwrap.dedent(ECHO), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    BACKENDS.register("echo", "cf_echo_plugin.echo:EchoBackend")  # the one registry line
    yield "echo"
    BACKENDS.unregister("echo")
    for name in [m for m in sys.modules if m == "cf_echo_plugin" or m.startswith("cf_echo_plugin.")]:
        del sys.modules[name]


def test_a_registered_backend_runs_through_the_client_and_the_cache(echo_backend, workspace):
    cfg = parse_config({"llm": {"backend": echo_backend, "model": "echo-2", "max_tokens": 8}}).llm
    client = get_client(cfg, workspace.store)
    first = client.chat_sync(MSGS, seed=1, prompt_version="echo.v1")
    assert (first.text, first.backend, first.model, first.cached) == ("rewot retaw", "echo", "echo-2", False)
    assert (first.tokens_in, first.tokens_out) == (2, 2)
    second = client.chat_sync(MSGS, seed=1, prompt_version="echo.v1")
    assert second.cached and second.text == first.text and second.key == first.key
    assert client.stats.requests == 1 and client.stats.cached == 1
    row = workspace.store.cache_get(first.key)
    assert row["backend"] == "echo" and row["model"] == "echo-2"
    assert row["request"]["params"] == {
        "temperature": cfg.temperature,
        "max_tokens": 8,
        "schema": None,
        "seed": 1,
    }
    rerun = get_client(cfg, workspace.store)  # a re-run on the same store sends nothing
    assert rerun.chat_sync(MSGS, seed=1, prompt_version="echo.v1").cached and rerun.stats.requests == 0
    client.close()
    rerun.close()


def test_an_unregistered_backend_is_rejected_again(echo_backend):
    assert LLMConfig(backend=echo_backend).backend == "echo"
    BACKENDS.unregister("echo")
    with pytest.raises(
        ConfigError,
        match=r"^corpusforge.yaml: llm.backend: unknown backend 'echo' \(known: "
        r"llamacpp, openai\)$",
    ):
        parse_config({"llm": {"backend": "echo"}})
