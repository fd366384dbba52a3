"""Issue 19: a server that echoes the API key (in a 500, then a 401) never gets it into an error, a log
record or the store, whatever the key looks like; the log filter and the redaction patterns on their own."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from corpusforge.llm import LLMConfig, LLMError, get_client
from corpusforge.redact import RedactFilter, redact, redact_data

#: a key with no well-known shape (no ``sk-``): only the configured value can find it
KEY = "ZX81spectrum1982qlSinclairKey"


class _Echo(BaseHTTPRequestHandler):
    """First request: 500 echoing the raw key; then 401 echoing the whole Authorization header."""

    calls = 0

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("content-length", 0)))
        auth = self.headers.get("authorization", "")
        type(self).calls += 1
        if type(self).calls == 1:
            code, msg = 500, f"upstream rejected key {auth.split()[-1]} (try again)"
        else:
            code, msg = 401, f"Incorrect API key provided: {auth}"
        body = json.dumps({"error": {"message": msg, "type": "invalid_request_error"}}).encode()
        self.send_response(code)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def echo_server():
    _Echo.calls = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_an_echoed_key_of_any_shape_stays_out_of_errors_logs_and_the_store(
    echo_server, workspace, monkeypatch, caplog
):
    monkeypatch.setenv("CF_ODD_KEY", KEY)
    cfg = LLMConfig(
        backend="openai",
        base_url=[echo_server],
        api_key_env="CF_ODD_KEY",
        retries=2,
        backoff=0.01,
        response_format="none",
    )
    client = get_client(cfg, workspace.store)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(LLMError) as e:
        client.chat_sync([{"role": "user", "content": "hello"}], max_tokens=4)
    client.close()
    msg = str(e.value)
    assert "HTTP 401" in msg and "Bearer [redacted]" in msg and KEY not in msg, msg
    assert _Echo.calls == 2  # the 500 was retried, the 401 was not
    retries = [r.getMessage() for r in caplog.records if "retry 1/2" in r.getMessage()]
    assert retries and "HTTP 500" in retries[0] and "[redacted]" in retries[0], retries
    assert not [r for r in caplog.records if KEY in r.getMessage()]
    run = workspace.store.start_run("generate qa")
    workspace.store.finish_run(run, {"errors": {msg: 1}, "last": f"raw: {KEY}"})
    workspace.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con = sqlite3.connect(workspace.store.path)
    tables = [t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    assert "runs" in tables and "llm_cache" in tables
    for table in tables:
        for row in con.execute(f"SELECT * FROM {table}"):  # noqa: S608
            assert KEY not in repr(row), table
    con.close()
    for f in workspace.store.path.parent.iterdir():
        assert KEY.encode() not in f.read_bytes(), f


def test_the_log_filter_redacts_arguments_and_tracebacks():
    record = logging.LogRecord(
        "x", logging.WARNING, __file__, 1, "auth %s failed", ("Bearer abc.def.ghi12",), None
    )
    record.exc_text = "Traceback...\nopenai.AuthenticationError: key sk-live-abcdefgh12345678"
    assert RedactFilter().filter(record)
    assert record.getMessage() == "auth Bearer [redacted] failed" and record.args is None
    assert "sk-live" not in record.exc_text and "[redacted]" in record.exc_text


@pytest.mark.parametrize(
    "plain",
    [
        "uses basic questions and basic templates",
        "task-abcdefgh finished; risk-assessment.pdf read",
        "bearer shares and bearer cheques are mentioned on page 3",
        "api_key_env: OPENAI_API_KEY",
    ],
)
def test_ordinary_text_is_left_alone(plain):
    assert redact(plain) == plain


def test_nested_summaries_are_redacted_value_by_value():
    data = {"errors": [{"reason": "Authorization: Basic dXNlcjpwYXNzd29yZA=="}], "n": 3, "ok": True}
    assert redact_data(data) == {
        "errors": [{"reason": "Authorization: Basic [redacted]"}],
        "n": 3,
        "ok": True,
    }
