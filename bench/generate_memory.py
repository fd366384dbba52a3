"""Peak memory of ``generate`` as the corpus grows: RSS at N one-chunk documents, each size in a process.

Each size runs in a fresh process (peak RSS from ``getrusage``): a synthetic workspace of N one-chunk
documents (``tests/support/workspaces.py``) is generated (qa, the quality gate and the store included)
against the fixed-latency server (a process of its own, ``--latency`` seconds per reply). Printed: peak
RSS after building the workspace and after ``generate``, seconds, and the ratio of each size's peak to
the first size's (issue 17 goal: 50k chunks within 1.2x of 5k).

Usage: ``python bench/generate_memory.py [--sizes 5000 50000] [--latency 0] [--concurrency 32]``
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def rss_mb() -> float:
    """Peak RSS of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(n: int, url: str, concurrency: int) -> None:
    """Build and generate N documents in this process; print one JSON line."""
    sys.path.insert(0, str(ROOT / "tests"))
    from corpusforge.generate.runner import generate
    from support.workspaces import endpoint_config, synthetic_workspace

    with tempfile.TemporaryDirectory() as tmp:
        ws = synthetic_workspace(Path(tmp) / "ws", n, endpoint_config([url], concurrency=concurrency))
        built = rss_mb()
        t = time.perf_counter()
        s = generate(ws)
        secs = time.perf_counter() - t
        ws.close()
    print(
        json.dumps(
            {
                "chunks": n,
                "requests": s.requests,
                "samples": s.samples,
                "seconds": round(secs, 1),
                "rss_built_mb": round(built, 1),
                "rss_mb": round(rss_mb(), 1),
            }
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[5000, 50000])
    ap.add_argument("--latency", type=float, default=0.0)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(int(a.child[0]), a.child[1], int(a.child[2]))
        return
    sys.path.insert(0, str(ROOT / "tests"))
    from support.fixedlatency import spawn

    proc, url = spawn(a.latency)
    got = []
    try:
        for n in a.sizes:
            cmd = [sys.executable, __file__, "--child", str(n), url, str(a.concurrency)]
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            got.append(json.loads(out.strip().splitlines()[-1]))
            print(got[-1], flush=True)
    finally:
        proc.terminate()
        proc.wait(10)
    base = got[0]["rss_mb"]
    for g in got:
        print(
            f"{g['chunks']:>8} chunks: peak RSS {g['rss_mb']:.0f} MB ({g['rss_mb'] / base:.2f}x the first size)"
        )


if __name__ == "__main__":
    main()
