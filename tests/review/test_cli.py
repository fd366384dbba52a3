"""``corpusforge review``: refuses a public address without a token; serves the app on loopback."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
from typer.testing import CliRunner

from corpusforge.cli.app import app


def test_public_address_without_token_is_refused(review_ws):
    r = CliRunner().invoke(
        app, ["-w", str(review_ws.root), "review", "--host", "0.0.0.0"], env={"CORPUSFORGE_REVIEW_TOKEN": ""}
    )
    assert r.exit_code == 1
    assert "refusing to bind 0.0.0.0" in r.output and "token" in r.output
    assert len(r.output.strip().splitlines()) == 1


def test_port_in_use_is_a_one_line_error(review_ws):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        r = CliRunner().invoke(app, ["-w", str(review_ws.root), "review", "--port", str(port)])
    assert r.exit_code == 1 and f"cannot bind 127.0.0.1:{port}" in r.output


def test_short_token_is_a_one_line_error(review_ws):
    for args, env in ((["--token", "a"], {}), ([], {"CORPUSFORGE_REVIEW_TOKEN": "t0ken"})):
        r = CliRunner().invoke(app, ["-w", str(review_ws.root), "review", *args], env=env)
        assert r.exit_code == 1 and "use at least 16, or --token auto" in r.output
        assert len(r.output.strip().splitlines()) == 1


def test_review_command_serves_the_workspace_with_a_generated_token(review_ws):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "500"}
    cmd = ["-w", str(review_ws.root), "review", "--port", str(port), "--token", "auto"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "corpusforge", *cmd],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(3)]
        token = lines[1].removeprefix("generated access token: ").strip()
        assert len(token) == 32 and f"http://127.0.0.1:{port}/?token={token}" in lines[2]
        deadline, r = time.monotonic() + 60, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/", params={"token": token}, follow_redirects=True)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert r is not None and r.status_code == 200 and "riverside_plant.txt" in r.text
        assert httpx.get(f"http://127.0.0.1:{port}/").status_code == 401
        head = httpx.head(
            f"http://127.0.0.1:{port}/sample/s-plant-1", headers={"Authorization": f"Bearer {token}"}
        )
        assert head.status_code == 200 and head.content == b""
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=20)
