"""A real two-node Ray cluster on 127.0.0.1 (head + one worker, one CPU each), started once per session.

Both nodes are ``ray start --block`` processes of this Python with the package's ``src`` on PYTHONPATH,
so their workers import this checkout; both are stopped by pid (with every process they started).
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
RAY_CLI = "from ray.scripts.scripts import main; main()"


@dataclass
class Cluster:
    """The running cluster: its address, the two node processes and the environment for drivers."""

    address: str
    head: subprocess.Popen
    worker: subprocess.Popen
    env: dict[str, str]
    logs: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with open(log, "wb") as f:
        return subprocess.Popen(
            [sys.executable, "-c", RAY_CLI, "start", "--block", *args],
            env=env,
            stdout=f,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _wait_started(proc: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if "Ray runtime started" in log.read_text(errors="replace"):
            return
        if proc.poll() is not None:
            break
        time.sleep(0.5)
    raise RuntimeError(f"ray start did not come up: {log.read_text(errors='replace')[-2000:]}")


def _stop(proc: subprocess.Popen) -> None:
    """Kill a node: its ``ray start`` process and everything it started, by pid."""
    import psutil

    try:
        family = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        family = []
    for p in [*family, proc]:
        try:
            os.kill(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait(timeout=30)
    psutil.wait_procs(family, timeout=10)


def node_workers(proc: subprocess.Popen, task: str) -> list[int]:
    """Pids of the Ray worker processes under a node that are running ``task`` (``ray::<task>``)."""
    import psutil

    out = []
    for p in psutil.Process(proc.pid).children(recursive=True):
        try:
            if any(part.startswith(f"ray::{task}") for part in p.cmdline()):
                out.append(p.pid)
        except psutil.Error:
            continue
    return out


@pytest.fixture(scope="session")
def ray_cluster():
    """Head and worker node on 127.0.0.1, 1 CPU and a 200 MB object store each."""
    pytest.importorskip("ray")
    pytest.importorskip("psutil")
    tmp = Path(tempfile.mkdtemp(prefix="cfray-", dir="/tmp"))  # short: Ray's socket paths must fit
    port = _free_port()
    path = os.pathsep.join(p for p in (str(SRC), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PYTHONPATH": path, "RAY_USAGE_STATS_ENABLED": "0"}
    env.update(RAY_AUTH_MODE="token", RAY_AUTH_TOKEN=secrets.token_hex(16))  # this cluster's own token
    common = ["--num-cpus=1", "--object-store-memory=200000000", "--disable-usage-stats"]
    head_args = ["--head", "--node-ip-address=127.0.0.1", f"--port={port}", "--include-dashboard=false"]
    head = _start([*head_args, f"--temp-dir={tmp}", *common], env, tmp / "head.log")
    worker = None
    try:
        _wait_started(head, tmp / "head.log")
        address = f"127.0.0.1:{port}"
        worker = _start([f"--address={address}", "--node-ip-address=127.0.0.1", *common], env, tmp / "w.log")
        _wait_started(worker, tmp / "w.log")
        yield Cluster(address, head, worker, {**env, "RAY_ADDRESS": address}, tmp)
    finally:
        if worker is not None:
            _stop(worker)
        _stop(head)
        subprocess.run(["rm", "-rf", str(tmp)], check=False)
