"""Export at scale: ``run_export`` against a plain SQLite read + ``json.dumps`` loop writing the same rows.

A synthetic workspace of ``--samples`` samples (one in ``--keep-every`` passed, the others flagged or
dropped; 15 per document) is exported in the ``messages`` format (decontamination on, as by default); the
baseline reads the passed rows' columns with ``sqlite3`` and writes one JSON line each. Each side runs
in a process of its own (peak RSS from ``getrusage``), interleaved, ``--rounds`` times; printed: seconds,
peak RSS and the export / plain ratio of the medians, with and without the import of corpusforge
(issue 17 goal: within 1.5x, memory flat).

Usage: ``python bench/export_scale.py [--samples 100000] [--keep-every 3] [--rounds 2] [--dir PATH]``
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PER_DOC = 15
TEXT = "The {n} pumping station lifts {k} cubic metres of water per hour and serves the {n} district. "


def build(root: Path, n: int, keep_every: int) -> None:
    """A workspace with n samples over n / 15 one-chunk documents, written through the store."""
    sys.path.insert(0, str(ROOT / "tests"))
    from corpusforge.records import Sample
    from support.workspaces import endpoint_config, synthetic_workspace

    ws = synthetic_workspace(root, -(-n // PER_DOC), endpoint_config(["http://127.0.0.1:9/v1"]))
    batch: list[Sample] = []
    i = 0
    for d in ws.store.iter_documents():
        for j in range(PER_DOC):
            if i >= n:
                break
            status = "passed" if i % keep_every == 0 else ("flagged", "dropped")[i % 2]
            out = (TEXT.format(n=d.title, k=j) * 3).strip()
            s = Sample(
                sample_id=f"{d.doc_id}-{j:03d}",
                task="qa",
                instruction=f"What does {d.source} say about point {j}?",
                input="",
                output=out,
                source=d.source,
                doc_id=d.doc_id,
                pages=[1],
                chunk_ids=[f"{d.doc_id}-00000"],
                status=status,
                grounding=0.9,
                reasons=[] if status == "passed" else ["low_grounding"],
                scores={"lexical": 0.9, "numbers": 1, "gate": "x"},
                metadata={"lang": "en", "item": j, "question": f"point {j}?", "qa": {"answer": out}},
            )
            s.messages = s.default_messages()
            batch.append(s)
            i += 1
        if len(batch) >= 5000:
            ws.store.add_samples(batch)
            batch = []
    ws.store.add_samples(batch)
    ws.close()


def plain(root: Path, out: Path) -> int:
    """The baseline: read the exported rows' columns, one ``json.dumps`` line each."""
    con = sqlite3.connect(root / ".corpusforge" / "store.db")
    n = 0
    with out.open("w", encoding="utf-8") as f:
        q = (
            "SELECT messages, source, pages, chunk_ids, task, sample_id, tags, evidence FROM samples"
            " WHERE stale=0 AND status IN ('passed', 'accepted') ORDER BY source, doc_id, task, sample_id"
        )
        for m, src, pages, cids, task, sid, tags, ev in con.execute(q):
            rec = {
                "messages": json.loads(m),
                "source": src,
                "pages": json.loads(pages),
                "chunk_ids": json.loads(cids),
                "task": task,
                "sample_id": sid,
                "tags": json.loads(tags),
                "evidence": json.loads(ev),
            }
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    return n


def export(root: Path, out: Path) -> int:
    """``run_export`` in the messages format (the workspace opened first)."""
    from corpusforge.export import run_export
    from corpusforge.workspace import open_workspace

    ws = open_workspace(root)
    s = run_export(ws, ["messages"], out, validation_size=0, test_size=0)
    ws.close()
    return sum(s.splits.values())


def child(mode: str, root: Path, out: Path) -> None:
    """One side in this process: seconds with and without the imports (corpusforge's config models and
    store, a fixed cost of every command), peak RSS."""
    t = time.perf_counter()
    if mode == "export":
        import corpusforge.export  # noqa: F401
        import corpusforge.workspace  # noqa: F401
    t_run = time.perf_counter()
    n = plain(root, out / "plain.jsonl") if mode == "plain" else export(root, out / "export")
    end = time.perf_counter()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "mode": mode,
                "records": n,
                "seconds": round(end - t, 3),
                "run_seconds": round(end - t_run, 3),
                "rss_mb": round(rss, 1),
            }
        )
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=100_000)
    ap.add_argument("--keep-every", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--dir", type=Path, default=None, help="reuse or keep the workspace here")
    ap.add_argument("--child", nargs=3, metavar=("MODE", "ROOT", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    base = args.dir or Path(tempfile.mkdtemp(prefix="export_scale_"))
    root = base / "ws"
    if not (root / ".corpusforge" / "store.db").exists():
        t = time.perf_counter()
        build(root, args.samples, args.keep_every)
        print(f"built {args.samples} samples in {time.perf_counter() - t:.1f} s: {root}")
    runs: dict[str, list[dict]] = {"plain": [], "export": []}
    for r in range(args.rounds):
        for mode in ("plain", "export"):
            out = base / f"out_{mode}_{r}"
            out.mkdir(parents=True, exist_ok=True)
            cmd = [sys.executable, __file__, "--child", mode, str(root), str(out)]
            got = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
            runs[mode].append(got)
            print(got)
    med = {m: statistics.median(x["seconds"] for x in v) for m, v in runs.items()}
    run = {m: statistics.median(x["run_seconds"] for x in v) for m, v in runs.items()}
    ratios = [e["seconds"] / p["seconds"] for e, p in zip(runs["export"], runs["plain"], strict=True)]
    rss = {m: max(x["rss_mb"] for x in v) for m, v in runs.items()}
    print(
        f"records {runs['export'][0]['records']}, medians of {args.rounds}: export {med['export']:.2f} s "
        f"({run['export']:.2f} s without imports) {rss['export']:.0f} MB, plain {med['plain']:.2f} s "
        f"{rss['plain']:.0f} MB; ratio {med['export'] / med['plain']:.2f}x "
        f"(per round {' '.join(f'{r:.2f}' for r in ratios)}), without imports "
        f"{run['export'] / run['plain']:.2f}x"
    )


if __name__ == "__main__":
    main()
