"""Sections of bench/scale.py: ingest and corpus on the ray engine against the local one.

Three configurations on the same cores, interleaved round by round: ``local`` (the local engine, pinned to
core 0 with ``taskset``), ``ray x1`` (a head node with 1 CPU on core 0, the driver on core 0 too) and
``ray x2`` (plus a worker node with 1 CPU on core 1). Each runs the CLI on a fresh workspace:

1. ocr: ``ingest`` of a folder of image-only PDFs (text pages rasterised, every page read by OCR);
2. text: ``ingest`` then ``corpus`` of a folder of small text/Markdown documents with near copies.

Every ray run's store rows must equal the local run's (``tests/scale/scale_docs.py:store_rows``).
Also measured: the driver's CPU seconds (the part that does not spread over nodes) and the bytes per
item of the on-disk LSH index and per chunk of the near-copy sample index (for docs/scale.md).
"""

from __future__ import annotations

import os
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "scale"))

from raylib import free_port, start_node, stop_node, wait_started  # noqa: E402
from scale_docs import near_copy, paragraph, scan_pdf, store_rows  # noqa: E402

CONFIGS = ("local", "ray x1", "ray x2")
STORE = Path(".corpusforge") / "store.db"


def ocr_folder(folder: Path, files: int, pages: int) -> int:
    """``files`` image-only PDFs of ``pages`` pages (two paragraphs each); returns the page count."""
    folder.mkdir(parents=True)
    for f in range(files):
        paras = [[paragraph("birds", 100 * f + 2 * p + k, 5) for k in range(2)] for p in range(pages)]
        scan_pdf(folder / f"scan_{f:03d}.pdf", paras)
    return files * pages


STDLIB = (
    "argparse",
    "asyncio",
    "collections",
    "configparser",
    "csv",
    "datetime",
    "decimal",
    "email.message",
    "functools",
    "http.client",
    "importlib",
    "inspect",
    "itertools",
    "json",
    "logging",
    "multiprocessing",
    "os",
    "pathlib",
    "pickle",
    "re",
    "shutil",
    "socket",
    "sqlite3",
    "ssl",
    "string",
    "subprocess",
    "tarfile",
    "tempfile",
    "threading",
    "typing",
    "unittest",
    "urllib.request",
    "xml.dom.minidom",
    "zipfile",
)


def stdlib_paragraphs(min_chars: int = 150) -> list[str]:
    """Distinct English prose paragraphs from the docstrings of standard-library modules (no code)."""
    import importlib
    import inspect

    seen: set[str] = set()
    out: list[str] = []
    for name in STDLIB:
        mod = importlib.import_module(name)
        docs = [inspect.getdoc(mod) or ""]
        for _, obj in sorted(vars(mod).items()):
            if inspect.isclass(obj) or inspect.isfunction(obj):
                docs.append(inspect.getdoc(obj) or "")
            if inspect.isclass(obj):
                docs += [
                    inspect.getdoc(m) or "" for _, m in sorted(vars(obj).items()) if inspect.isfunction(m)
                ]
        for d in docs:
            for para in d.split("\n\n"):
                text = " ".join(para.split())
                if len(text) >= min_chars and ">>>" not in text and text not in seen:
                    seen.add(text)
                    out.append(text)
    return out


def text_folder(folder: Path, docs: int) -> None:
    """``docs`` documents of six standard-library docstring paragraphs each (cycled when there are too
    few); every tenth document is a near copy of the one before."""
    folder.mkdir(parents=True)
    pool = stdlib_paragraphs()
    prev: list[str] = []
    for i in range(docs):
        paras = [pool[(6 * i + k) % len(pool)] for k in range(6)]
        if i % 10 == 9:
            paras = [near_copy(x, k) for k, x in enumerate(prev)]
        (folder / f"doc_{i:04d}.{'md' if i % 2 else 'txt'}").write_text("\n\n".join(paras) + "\n", "utf-8")
        prev = paras


@contextmanager
def cluster(nodes: int):  # type: ignore[no-untyped-def]
    """A cluster of ``nodes`` 1-CPU nodes, node k pinned to core k; yields the drivers' environment."""
    tmp = Path(tempfile.mkdtemp(prefix="cfb-", dir="/tmp"))  # short: Ray's socket paths must fit
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "RAY_USAGE_STATS_ENABLED": "0"}
    env.update(RAY_AUTH_MODE="token", RAY_AUTH_TOKEN=secrets.token_hex(16))
    common = ["--num-cpus=1", "--object-store-memory=200000000", "--disable-usage-stats"]
    head_args = ["--head", "--node-ip-address=127.0.0.1", f"--port={port}", "--include-dashboard=false"]
    procs = [
        start_node([*head_args, f"--temp-dir={tmp}", *common], env, tmp / "n0.log", ["taskset", "-c", "0"])
    ]
    try:
        wait_started(procs[0], tmp / "n0.log")
        for k in range(1, nodes):
            args = [f"--address=127.0.0.1:{port}", "--node-ip-address=127.0.0.1", *common]
            procs.append(start_node(args, env, tmp / f"n{k}.log", ["taskset", "-c", str(k)]))
            wait_started(procs[-1], tmp / f"n{k}.log")
        yield {**env, "RAY_ADDRESS": f"127.0.0.1:{port}"}
    finally:
        for p in reversed(procs):
            stop_node(p)
        shutil.rmtree(tmp, ignore_errors=True)


def cli(root: Path, env: dict[str, str], engine: str, *args: str) -> tuple[float, float]:
    """One CLI command on core 0; returns (wall seconds, the command's CPU seconds)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    cmd = ["taskset", "-c", "0", sys.executable, "-m", "corpusforge", *args, "--engine", engine]
    out = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=3600)
    wall = time.perf_counter() - t0
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def one_round(cfg: str, ocr: Path, text: Path, tmp: Path, r: int) -> tuple[dict[str, tuple], dict, dict]:
    """The ocr and text steps on ``cfg``; returns ({step: (wall, cpu)}, ocr rows, text rows)."""
    from corpusforge.workspace import init_workspace

    base = tmp / f"r{r}-{cfg.replace(' ', '')}"
    roots = {k: base / k for k in ("ocr", "text")}
    for root in roots.values():
        init_workspace(root).close()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "OMP_NUM_THREADS": "1"}
    engine = "local" if cfg == "local" else "ray"
    out: dict[str, tuple] = {}
    with cluster(int(cfg[-1])) if engine == "ray" else _nothing(env) as env:
        env["OMP_NUM_THREADS"] = "1"
        out["ocr ingest"] = cli(roots["ocr"], env, engine, "ingest", str(ocr))
        out["text ingest"] = cli(roots["text"], env, engine, "ingest", str(text))
        out["corpus"] = cli(roots["text"], env, engine, "corpus", "--no-progress")
    out["inner"] = (_ingest_seconds(roots["ocr"]), _corpus_seconds(roots["text"]))
    return out, store_rows(roots["ocr"] / STORE), store_rows(roots["text"] / STORE)


def _ingest_seconds(root: Path) -> float:
    """The last ingest run's own seconds (after Python start and joining the cluster)."""
    import json
    import sqlite3

    with sqlite3.connect(root / STORE) as conn:
        row = conn.execute("SELECT summary FROM runs WHERE command='ingest' ORDER BY id DESC").fetchone()
    return float(json.loads(row[0])["seconds"])


def _corpus_seconds(root: Path) -> float:
    """The corpus build's own seconds (``corpus_stats.json``)."""
    import json

    return float(json.loads((root / "out" / "corpus_stats.json").read_text("utf-8"))["seconds"])


@contextmanager
def _nothing(env: dict[str, str]):  # type: ignore[no-untyped-def]
    yield env


def index_bytes(tmp: Path, n: int = 20000) -> tuple[float, float, int]:
    """Bytes per item of the on-disk LSH index (signature + band keys + ref) and per exact key (+ ref),
    at the default dedup settings, and the number of bands."""
    import numpy as np

    from corpusforge.corpus.config import CorpusConfig
    from corpusforge.corpus.lsh import DedupIndex

    d = CorpusConfig().dedup
    ref = '{"doc_id": "0123456789abcdef", "source": "folder/file.pdf", "unit": "paragraph", "pages": [1], '
    ref += '"text": "' + "x" * 300 + '"}'  # a ref holds the first 300 characters of the kept text
    rng = np.random.default_rng(0)
    out = []
    for what in ("lsh", "exact"):
        idx = DedupIndex(d.threshold, d.num_perm, tmp / f"{what}.db", d.recall_weight)
        for _ in range(n):
            if what == "lsh":
                sig = rng.integers(0, 1 << 32, size=(1, d.num_perm), dtype=np.uint64)
                idx.insert(sig[0], idx.keys(sig)[0], ref)
            else:
                idx.exact(int(rng.integers(-(1 << 62), 1 << 62)), ref)
        idx._s.file.db.execute("COMMIT")  # type: ignore[union-attr]  # flush, to measure the file
        out.append((tmp / f"{what}.db").stat().st_size / n)
        idx.close()
    return out[0], out[1], idx.bands


def sample_bytes(text: Path) -> tuple[float, float]:
    """Sampled shingles per chunk of the local corpus, and bytes per chunk in the chunk index (12 each)."""
    import json

    from corpusforge.corpus.clusters import ChunkIndex
    from corpusforge.corpus.config import CorpusConfig

    idx = ChunkIndex(CorpusConfig().near_dup)
    rows = [json.loads(x) for x in (text / "out" / "corpus.jsonl").read_text("utf-8").splitlines()]
    n = statistics.mean(len(idx.sample(r["text"])) for r in rows)
    return n, 12 * n


def measure(rounds: int, files: int, pages: int, docs: int) -> dict:
    """Run the configurations ``rounds`` times, interleaved; the medians, counts and checks."""
    res: dict[tuple[str, str], list[tuple]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-scale-", dir="/tmp") as t:
        tmp = Path(t)
        n_pages = ocr_folder(tmp / "ocr", files, pages)
        text_folder(tmp / "text", docs)
        ref: dict[str, dict] = {}
        same = True
        for r in range(rounds):
            for cfg in CONFIGS:
                got, ocr_rows, text_rows = one_round(cfg, tmp / "ocr", tmp / "text", tmp, r)
                for step, v in got.items():
                    res.setdefault((cfg, step), []).append(v)
                if cfg == "local":
                    ref = {"ocr": ocr_rows, "text": text_rows}
                else:
                    same = same and ocr_rows == ref["ocr"] and text_rows == ref["text"]
        chunks = len(ref["text"]["chunks"])
        lsh_item, exact_item, bands = index_bytes(tmp)
        samples, per_chunk = sample_bytes(tmp / "r0-local" / "text")
    med = {k: tuple(statistics.median(x) for x in zip(*v, strict=True)) for k, v in res.items()}
    return {
        "med": med,
        "pages": n_pages,
        "docs": docs,
        "paragraphs": 6 * docs,
        "chunks": chunks,
        "same": same,
        "lsh_item": lsh_item,
        "exact_item": exact_item,
        "bands": bands,
        "samples": samples,
        "sample_chunk": per_chunk,
    }


def table(m: dict, rounds: int) -> list[str]:
    """The markdown rows of the section."""
    med = m["med"]
    rows = [
        f"{m['pages']} image-only PDF pages (OCR); {m['docs']} text documents -> {m['chunks']} chunks; "
        f"median of {rounds} interleaved rounds; ray rows identical to local: {m['same']}",
        "",
        "| step | local s | ray x1 s | ray x1 / local | ray x2 s | x2 speed-up over x1 | driver CPU s (ray x2) |",
        "|---|---|---|---|---|---|---|",
    ]
    for step in ("ocr ingest", "text ingest", "corpus", "inner"):
        lo, r1, r2 = (med[(c, step)] for c in CONFIGS)
        if step == "inner":
            rows.append(
                f"| ocr ingest, in-process (runs.summary) | {lo[0]:.1f} | {r1[0]:.1f} | "
                f"{100 * (r1[0] / lo[0] - 1):+.0f}% | {r2[0]:.1f} | {r1[0] / r2[0]:.2f}x | |"
            )
            rows.append(
                f"| corpus, in-process (corpus_stats) | {lo[1]:.1f} | {r1[1]:.1f} | "
                f"{100 * (r1[1] / lo[1] - 1):+.0f}% | {r2[1]:.1f} | {r1[1] / r2[1]:.2f}x | |"
            )
            continue
        rows.append(
            f"| {step} | {lo[0]:.1f} | {r1[0]:.1f} | {100 * (r1[0] / lo[0] - 1):+.0f}% | {r2[0]:.1f} "
            f"| {r1[0] / r2[0]:.2f}x | {r2[1]:.1f} |"
        )
    inner = med[("local", "inner")]
    lo = {"ocr ingest": inner[0], "corpus": inner[1]}
    rows += [
        "",
        f"Per unit (local, one core): {lo['ocr ingest'] / m['pages']:.2f} s per OCR page, "
        f"{1000 * lo['corpus'] / m['chunks']:.1f} ms per chunk (corpus build; both in-process, without Python start); "
        f"driver CPU per OCR page on ray x2: {med[('ray x2', 'ocr ingest')][1] / m['pages']:.3f} s.",
        f"Dedup index (SQLite file, default dedup settings, {m['bands']} bands): {m['lsh_item']:.0f} bytes per "
        f"MinHash item, {m['exact_item']:.0f} bytes per exact key; near-copy chunk index (RAM): "
        f"{m['samples']:.0f} sampled shingles = {m['sample_chunk']:.0f} bytes per chunk; "
        f"{m['paragraphs'] / m['chunks']:.1f} paragraphs per chunk in this corpus.",
    ]
    return rows
