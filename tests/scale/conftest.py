"""A real two-node Ray cluster on 127.0.0.1 (head + one worker, one CPU each), started once per session.

Both nodes are ``ray start --block`` processes of this Python with the package's ``src`` on PYTHONPATH,
so their workers import this checkout; both are stopped by pid (with every process they started).
"""

from __future__ import annotations

import os
import secrets
import subprocess
import tempfile
from pathlib import Path

import pytest
from raylib import SRC, Cluster, free_port, start_node, stop_node, wait_started


@pytest.fixture(scope="session")
def ray_cluster():
    """Head and worker node on 127.0.0.1, 1 CPU and a 200 MB object store each."""
    pytest.importorskip("ray")
    pytest.importorskip("psutil")
    tmp = Path(tempfile.mkdtemp(prefix="cfray-", dir="/tmp"))  # short: Ray's socket paths must fit
    port = free_port()
    path = os.pathsep.join(p for p in (str(SRC), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PYTHONPATH": path, "RAY_USAGE_STATS_ENABLED": "0"}
    env.update(RAY_AUTH_MODE="token", RAY_AUTH_TOKEN=secrets.token_hex(16))  # this cluster's own token
    common = ["--num-cpus=1", "--object-store-memory=200000000", "--disable-usage-stats"]
    head_args = ["--head", "--node-ip-address=127.0.0.1", f"--port={port}", "--include-dashboard=false"]
    head = start_node([*head_args, f"--temp-dir={tmp}", *common], env, tmp / "head.log")
    worker = None
    try:
        wait_started(head, tmp / "head.log")
        address = f"127.0.0.1:{port}"
        worker = start_node(
            [f"--address={address}", "--node-ip-address=127.0.0.1", *common], env, tmp / "w.log"
        )
        wait_started(worker, tmp / "w.log")
        yield Cluster(address, head, worker, {**env, "RAY_ADDRESS": address}, tmp)
    finally:
        if worker is not None:
            stop_node(worker)
        stop_node(head)
        subprocess.run(["rm", "-rf", str(tmp)], check=False)
