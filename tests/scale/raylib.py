"""Starting and stopping the nodes of a real Ray cluster on 127.0.0.1 for tests (see ``conftest.py``).

Both nodes are ``ray start --block`` processes of this Python with the package's ``src`` on PYTHONPATH,
so their workers import this checkout; both are stopped by pid (with every process they started).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

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


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_node(
    args: list[str], env: dict[str, str], log: Path, prefix: list[str] | None = None
) -> subprocess.Popen:
    """``ray start --block ARGS`` in its own session, output to ``log`` (``prefix``: e.g. ``taskset -c 0``)."""
    with open(log, "wb") as f:
        return subprocess.Popen(
            [*(prefix or []), sys.executable, "-c", RAY_CLI, "start", "--block", *args],
            env=env,
            stdout=f,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_started(proc: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    """Until the node says it started (raises with its log when it exits or never does)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if "Ray runtime started" in log.read_text(errors="replace"):
            return
        if proc.poll() is not None:
            break
        time.sleep(0.5)
    raise RuntimeError(f"ray start did not come up: {log.read_text(errors='replace')[-2000:]}")


def stop_node(proc: subprocess.Popen) -> None:
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
