"""Issue 19: secrets never stored or printed, one-line errors for bad config/store files, killed runs closed."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import types
import typing
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel, Field

from corpusforge.config import Config, ConfigError, load_config
from corpusforge.redact import redact, remember
from corpusforge.store import Store, StoreError
from corpusforge.train.recipe import Recipe
from corpusforge.workspace import init_workspace, open_workspace

#: numeric settings that are shares or probabilities must also have an upper bound
_SHARE_WORDS = ("ratio", "share", "threshold", "novelty", "fraction", "prob", "temperature", "top_p")


def _numeric(ann: Any) -> bool:
    if ann in (int, float):
        return True
    if typing.get_origin(ann) in (typing.Union, types.UnionType):
        return any(_numeric(a) for a in typing.get_args(ann) if a is not type(None))
    return False


def _elements(ann: Any) -> typing.Iterator[tuple[Any, list[Any]]]:
    """(type, constraints) of every number inside a container annotation: ``tuple[float, float]``, ``dict[str, int]``."""
    for a in typing.get_args(ann):
        if typing.get_origin(a) is typing.Annotated:
            inner, *meta = typing.get_args(a)
            found = [m for x in meta for m in (getattr(x, "metadata", None) or [x])]
            if _numeric(inner):
                yield inner, found
        elif _numeric(a) and typing.get_origin(ann) not in (typing.Union, types.UnionType):
            yield a, []
        else:
            yield from _elements(a)


def _models(ann: Any) -> typing.Iterator[type[BaseModel]]:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        yield ann
    for a in typing.get_args(ann):
        yield from _models(a)


def unbounded_numeric_fields() -> list[str]:
    """``section.key`` of every int/float setting lacking a lower bound (or, for shares, an upper bound)."""
    out: list[str] = []
    seen: set[type[BaseModel]] = set()

    def walk(model: type[BaseModel], prefix: str) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, f in model.model_fields.items():
            if _numeric(f.annotation):
                if not any(isinstance(m, (Ge, Gt)) for m in f.metadata):
                    out.append(f"{prefix}{name} (no lower bound)")
                if any(w in name for w in _SHARE_WORDS) and not any(
                    isinstance(m, (Le, Lt)) for m in f.metadata
                ):
                    out.append(f"{prefix}{name} (no upper bound)")
            for _, meta in _elements(f.annotation):
                if not any(isinstance(m, (Ge, Gt)) for m in meta):
                    out.append(f"{prefix}{name}[] (no lower bound)")
                if any(w in name for w in _SHARE_WORDS) and not any(isinstance(m, (Le, Lt)) for m in meta):
                    out.append(f"{prefix}{name}[] (no upper bound)")
            for m in _models(f.annotation):
                walk(m, f"{prefix}{name}.")

    walk(Config, "")
    walk(Recipe, "recipe:")
    return out


PUMPS = """# Pump station maintenance

The Riverside pump station moves about 12,000 cubic metres of water a day to the hill reservoir.
Each spring the crew inspects the three main valves, replaces worn seals and tests the backup generator.
In 2021 the station installed variable-speed drives, which cut its electricity use by 18 percent.
Vibration sensors on every motor report to the control room, where an operator reviews alarms each shift.
When a pump is taken out of service, the other two carry the load while spare parts are fitted.
The maintenance log records the date, the work done and the name of the technician for every visit.
"""

KEY = "sk-test-ZX81spectrum1982abcdefGHIJ"


class _EchoKey401(BaseHTTPRequestHandler):
    """An OpenAI-shaped server that refuses the key and echoes it back, as some hosted APIs do."""

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("content-length", 0)))
        auth = self.headers.get("authorization", "")
        body = json.dumps(
            {"error": {"message": f"Incorrect API key provided: {auth}", "type": "invalid_request_error"}}
        ).encode()
        self.send_response(401)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _cli(ws: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "corpusforge", "--workspace", str(ws), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


def test_an_echoed_api_key_is_never_printed_logged_or_stored(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EchoKey401)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        ws = tmp_path / "w"
        assert _cli(ws, "init", str(ws)).returncode == 0
        (ws / "docs").mkdir(exist_ok=True)
        (ws / "docs" / "pumps.md").write_text(PUMPS)
        cfg = (ws / "corpusforge.yaml").read_text()
        url = f"http://127.0.0.1:{server.server_address[1]}/v1"
        cfg = cfg.replace('backend: "llamacpp"', 'backend: "openai"', 1)
        cfg = cfg.replace("base_url: []", f'base_url: ["{url}"]', 1).replace("retries: 4", "retries: 0", 1)
        cfg = cfg.replace('api_key_env: "OPENAI_API_KEY"', 'api_key_env: "CF_TEST_KEY"', 1)
        (ws / "corpusforge.yaml").write_text(cfg)
        for step in (("ingest", str(ws / "docs")), ("corpus",)):
            r = _cli(ws, *step)
            assert r.returncode == 0, r.stdout + r.stderr
        r = _cli(ws, "-v", "generate", "--task", "qa", env={"CF_TEST_KEY": KEY})
    finally:
        server.shutdown()
    out = r.stdout + r.stderr
    assert "401" in out and "[redacted]" in out, out[-2000:]  # the error was shown, the key was not
    assert KEY not in out and KEY[8:20] not in out
    con = sqlite3.connect(ws / ".corpusforge" / "store.db")
    summaries = [row[0] for row in con.execute("SELECT summary FROM runs")]
    assert any("401" in s for s in summaries), summaries
    for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'"):
        for row in con.execute(f"SELECT * FROM {table}"):  # noqa: S608
            assert KEY not in repr(row), table
    con.close()
    for f in (ws / ".corpusforge").iterdir():
        if f.is_file():
            assert KEY.encode() not in f.read_bytes(), f


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("Incorrect API key provided: Bearer sk-abc123456789XYZ.", "sk-abc123456789XYZ"),
        ('{"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig"}', "eyJhbGciOiJIUzI1NiJ9"),
        ("GET /v1?api_key=abcdef123456&x=1", "abcdef123456"),
        ("HTTP 401: invalid key hf_AbCdEfGhIjKlMnOp", "hf_AbCdEfGhIjKlMnOp"),
    ],
)
def test_token_shapes_are_redacted(text, gone):
    assert gone not in redact(text) and "[redacted]" in redact(text)


def test_a_remembered_key_of_any_shape_is_redacted_and_plain_text_is_kept():
    remember("plainpassword77")
    assert redact("server said: plainpassword77 is wrong") == "server said: [redacted] is wrong"
    plain = "The token budget grew; 401 errors: 3; sk-1 is a model name"
    assert redact(plain) == plain


def test_config_saved_as_gbk_is_read(tmp_path, caplog):
    p = tmp_path / "corpusforge.yaml"
    p.write_bytes('project:\n  name: "水务问答"\n'.encode("gbk"))
    assert load_config(p).project.name == "水务问答"
    assert [r.levelname for r in caplog.records if "GBK/GB18030" in r.getMessage()] == ["WARNING"]


def test_config_that_is_no_text_is_one_line_naming_the_file(tmp_path):
    p = tmp_path / "corpusforge.yaml"
    p.write_bytes(b"\x81\x30\xff\xfe\x00\x80" * 10)
    with pytest.raises(ConfigError) as e:
        load_config(p)
    assert str(p) in str(e.value) and "\n" not in str(e.value)


def test_yaml_errors_give_the_line_and_duplicate_keys_are_refused(tmp_path):
    p = tmp_path / "corpusforge.yaml"
    p.write_text("ingest:\n  ocr: true\nllm:\n  temperature: [0.3\n")
    with pytest.raises(ConfigError, match=r"corpusforge\.yaml:\d+:\d+: not valid YAML"):
        load_config(p)
    p.write_text("llm:\n  temperature: 0.3\n  model: a\n  temperature: 0.9\n")
    with pytest.raises(ConfigError, match=r"corpusforge\.yaml:4:3: .*duplicate key 'temperature'"):
        load_config(p)
    p.write_text("llm:\n  model: a\nllm:\n  model: b\n")
    with pytest.raises(ConfigError, match="duplicate key 'llm'"):
        load_config(p)


@pytest.mark.parametrize(
    ("yaml_text", "where"),
    [
        ("!!int \n", ":1:1: not valid YAML: cannot read this int value"),  # was an IndexError traceback
        ("llm:\n  temperature: !!float \n", ":2:16: not valid YAML: cannot read this float value"),
        ("project:\n  name: !!timestamp 2001-99-99\n", ":2:9: not valid YAML: cannot read this timestamp"),
        ("llm: " + "[" * 5000 + "\n", ": not usable YAML (nested too deeply)"),
        ("project:\n  name: a\x07b\n", ":2:10: not valid YAML: character 0x0007 is not allowed"),
    ],
)
def test_odd_yaml_values_are_one_line_with_their_place(tmp_path, yaml_text, where):
    p = tmp_path / "corpusforge.yaml"
    p.write_text(yaml_text)
    with pytest.raises(ConfigError) as e:
        load_config(p)
    assert str(e.value).startswith(f"{p}{where}") and "\n" not in str(e.value), str(e.value)


@pytest.mark.parametrize(
    ("yaml_text", "key"),
    [
        ("llm:\n  temperature: 99\n", "llm.temperature"),
        ("llm:\n  max_tokens: 0\n", "llm.max_tokens"),
        ("quality:\n  repetition_ratio: 1.5\n", "quality.repetition_ratio"),
        ("ingest:\n  max_file_mb: -1\n", "ingest.max_file_mb"),
        ("eval:\n  batch_size: 0\n", "eval.batch_size"),
        ("generate:\n  candidate_temperatures: [0.2, 99]\n", "generate.candidate_temperatures"),
    ],
)
def test_numbers_out_of_range_are_refused(tmp_path, yaml_text, key):
    p = tmp_path / "corpusforge.yaml"
    p.write_text(yaml_text)
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        load_config(p)


def test_every_numeric_setting_has_a_range():
    assert unbounded_numeric_fields() == []


def test_the_range_walk_sees_numbers_inside_containers():
    class Probe(BaseModel):
        pair: tuple[float, float] = (0.0, 1.0)
        rates: dict[str, typing.Annotated[float, Field(gt=0)]] = {}
        maybe: int | None = None

    seen = [(t, bool(m)) for f in Probe.model_fields.values() for t, m in _elements(f.annotation)]
    assert seen == [(float, False), (float, False), (float, True)]


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_corrupt_store_is_one_line_naming_the_file(tmp_path, damage):
    ws = init_workspace(tmp_path / "w")
    ws.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    ws.store.close()
    db = tmp_path / "w" / ".corpusforge" / "store.db"
    for extra in (db.with_name("store.db-wal"), db.with_name("store.db-shm")):
        extra.unlink(missing_ok=True)
    if damage == "garbage":
        db.write_bytes(os.urandom(8192))
    else:
        data = db.read_bytes()
        db.write_bytes(data[:100] + os.urandom(len(data) - 100))
    with pytest.raises(StoreError) as e:
        open_workspace(tmp_path / "w")
    msg = str(e.value)
    assert str(db) in msg and "\n" not in msg and "move it aside" in msg
    r = _cli(tmp_path / "w", "status")
    assert r.returncode != 0 and "Traceback" not in r.stdout + r.stderr
    assert "not a valid corpusforge store" in r.stdout + r.stderr


def test_a_run_killed_with_sigkill_is_marked_interrupted_at_the_next_start(tmp_path):
    db = tmp_path / "store.db"
    Store(db).close()
    code = (
        "import sys, time; from corpusforge.store import Store; "
        f"s = Store({str(db)!r}); s.start_run('generate qa'); print('started', flush=True); time.sleep(600)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "started"
    live = Store(db)
    assert [r["status"] for r in live.recent_runs()] == ["running"]  # its process is alive: left open
    live.close()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(0.05)
    s = Store(db)
    run_id = s.start_run("ingest")
    runs = {r["id"]: r for r in s.recent_runs()}
    assert runs[run_id]["status"] == "running"
    assert [r["status"] for i, r in runs.items() if i != run_id] == ["interrupted"]
    s.finish_run(run_id, {"ok": 1})
    assert s.recent_runs()[0]["status"] == "finished"
    s.close()


@pytest.mark.parametrize("value", ["-1", "many", "true", "1.5"])
def test_a_bad_gate_workers_value_is_one_line_naming_both_choices(tmp_path, value):
    p = tmp_path / "corpusforge.yaml"
    p.write_text(f"generate:\n  gate_workers: {value}\n")
    with pytest.raises(ConfigError) as e:
        load_config(p)
    assert str(e.value) == f"{p}: generate.gate_workers: a whole number of 0 or more, or auto; not " + repr(
        {"-1": -1, "many": "many", "true": True, "1.5": 1.5}[value]
    )
