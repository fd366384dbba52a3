"""Generation throughput with 1 vs 2 OpenAI-compatible endpoints at the same per-endpoint concurrency.

Two fixed-latency servers (``tests/support/fixedlatency.py``, each a process of its own, every reply
after ``--latency`` seconds) stand in for two vLLM replicas. Side by side in one run, interleaved
(1, 2, 1, 2 ...), each configuration gets ``--concurrency`` requests in flight per endpoint
(``llm.concurrency`` = endpoints x C, ``max_concurrency`` = C on each endpoint):

1. client: ``--requests`` distinct chat requests through ``LLMClient`` (no cache);
2. generate: ``corpusforge generate`` (qa) on a fresh synthetic workspace of ``--docs`` one-chunk
   documents (one request each), the quality gate included.

Printed: requests/s, the 2-endpoint / 1-endpoint ratio (goal >= 1.8x), the ideal (endpoints x C /
latency) and the client's CPU milliseconds per request.

Section ``ray`` (bench/scale_ray.py): ingest of an OCR-heavy folder and ingest + corpus of a text folder
with the local engine vs the ray engine on the same core (goal: overhead <= 10%), and 1 vs 2 worker nodes.

Section ``dedup`` (bench/scale_dedup.py): memory of the de-duplication structures per chunk and item.

``--write`` records the tables of the sections run in bench/results/scale.md (other sections kept).

Usage: ``python bench/scale.py [--sections gen,ray,dedup] [--latency 0.2] [--concurrency 4] [--requests 160]
[--docs 120] [--rounds 2] [--ocr-files 4] [--ocr-pages 2] [--text-docs 120] [--ray-rounds 1] [--write]``
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

from support.fixedlatency import spawn  # noqa: E402
from support.workspaces import endpoint_config, synthetic_workspace  # noqa: E402

PASSAGE = "Source: s.txt, pages 1\n\nStation {i} lifts {i} cubic metres an hour. It opened in 1998.\n\n---\n\nWrite 2 pairs."


def fleet(urls: list[str], c: int) -> list[dict]:
    """``base_url`` entries: each endpoint capped at ``c`` requests in flight."""
    return [{"url": u, "max_concurrency": c} for u in urls]


def client_run(urls: list[str], c: int, n: int, tag: str) -> tuple[float, float]:
    """N distinct requests through LLMClient; returns (requests/s, client CPU ms per request)."""
    from corpusforge.llm import LLMConfig, get_client

    cfg = LLMConfig(
        backend="openai",
        model="fixed",
        openai={"base_url": fleet(urls, c)},
        concurrency=c * len(urls),
        timeout=60,
    )
    client = get_client(cfg)

    async def run() -> None:
        try:
            await asyncio.gather(
                *[
                    client.chat([{"role": "user", "content": f"[{tag}] " + PASSAGE.format(i=i)}])
                    for i in range(n)
                ]
            )
        finally:
            await client.aclose()

    cpu0, t0 = time.process_time(), time.perf_counter()
    asyncio.run(run())
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    assert client.stats.requests == n, client.stats
    return n / wall, 1000 * cpu / n


def generate_run(urls: list[str], c: int, docs: int, tmp: Path) -> tuple[float, float, int]:
    """``generate`` on a fresh workspace; returns (requests/s, CPU ms per request, samples kept)."""
    from corpusforge.generate.runner import generate

    ws = synthetic_workspace(tmp, docs, endpoint_config(fleet(urls, c), concurrency=c * len(urls)))
    try:
        cpu0, t0 = time.process_time(), time.perf_counter()
        s = generate(ws)
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    finally:
        ws.close()
    assert s.requests == docs and s.n_errors == 0, s
    return s.requests / wall, 1000 * cpu / s.requests, s.kept


GEN_HEAD = (
    "## Generation over several endpoints\n\n"
    "Two fixed-latency OpenAI-compatible servers (tests/support/fixedlatency.py, one process each) "
    "stand in for two vLLM replicas; least-loaded dispatch with `max_concurrency` per endpoint. "
    "Goal: 2 endpoints >= 1.8x one at the same per-endpoint concurrency.\n\n"
)
RAY_HEAD = (
    "## Ingest and corpus: local vs Ray engine, 1 vs 2 nodes\n\n"
    "Same cores: `local` and the driver pinned to core 0 (taskset), `ray x1` = one 1-CPU node on core 0, "
    "`ray x2` = plus a 1-CPU worker node on core 1; OMP_NUM_THREADS=1; wall time of the CLI command "
    "(Python start and joining the cluster included). Goal: ray x1 <= local + 10%.\n\n"
)


def gen_section(a: argparse.Namespace) -> list[str]:
    """The generation table (1 vs 2 endpoints)."""
    procs = [spawn(a.latency) for _ in range(2)]
    urls = [u for _, u in procs]
    res: dict[tuple[str, int], list[tuple[float, ...]]] = {}
    try:
        client_run(urls, a.concurrency, 8, "warm-up")  # imports, connections: not measured
        with tempfile.TemporaryDirectory() as tmp:
            for r in range(a.rounds):
                for k in (1, 2):
                    res.setdefault(("client", k), []).append(
                        client_run(urls[:k], a.concurrency, a.requests, f"r{r}k{k}")
                    )
                    ws = Path(tmp) / f"r{r}k{k}"
                    res.setdefault(("generate", k), []).append(
                        generate_run(urls[:k], a.concurrency, a.docs, ws)
                    )
    finally:
        for p, _ in procs:
            p.terminate()
            p.wait(10)
    rows = [
        f"Command: `python bench/scale.py --sections gen --latency {a.latency:g} --concurrency {a.concurrency} "
        f"--requests {a.requests} --docs {a.docs} --rounds {a.rounds} --write`",
        "",
        f"latency {a.latency:g} s per request, {a.concurrency} in flight per endpoint, "
        f"{a.requests} client requests / {a.docs} documents, median of {a.rounds} interleaved rounds",
        "",
        "| stage | 1 endpoint req/s | 2 endpoints req/s | 2 / 1 | ideal 1 / 2 | CPU ms/req 1 / 2 |",
        "|---|---|---|---|---|---|",
    ]
    ideal = a.concurrency / a.latency
    for stage in ("client", "generate"):
        one = [statistics.median(x) for x in zip(*res[(stage, 1)], strict=True)]
        two = [statistics.median(x) for x in zip(*res[(stage, 2)], strict=True)]
        rows.append(
            f"| {stage} | {one[0]:.1f} | {two[0]:.1f} | {two[0] / one[0]:.2f}x | {ideal:.0f} / {2 * ideal:.0f} "
            f"| {one[1]:.1f} / {two[1]:.1f} |"
        )
    return rows


def ray_section(a: argparse.Namespace) -> list[str]:
    """The local vs Ray table."""
    from scale_ray import measure, table

    m = measure(a.ray_rounds, a.ocr_files, a.ocr_pages, a.text_docs)
    cmd = (
        f"Command: `python bench/scale.py --sections ray --ocr-files {a.ocr_files} --ocr-pages {a.ocr_pages} "
        f"--text-docs {a.text_docs} --ray-rounds {a.ray_rounds} --write`"
    )
    return [cmd, "", *table(m, a.ray_rounds)]


DEDUP_HEAD = (
    "## De-duplication memory\n\n"
    "What the corpus build's de-duplication holds per chunk, document and index item (tracemalloc for RAM, "
    "file size for the SQLite indexes); docs/scale.md computes its sizing table from these.\n\n"
)


def dedup_section(a: argparse.Namespace) -> list[str]:
    """The dedup memory table."""
    from scale_dedup import measure, table

    return table(measure(a.text_docs), a.text_docs)


def write(sections: dict[str, str]) -> None:
    """Replace the given sections of bench/results/scale.md, keeping the others."""
    out = ROOT / "bench" / "results" / "scale.md"
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    have = {h: "" for h in (GEN_HEAD, RAY_HEAD, DEDUP_HEAD)}
    for part in old.split("\n## ")[1:]:
        for h in have:
            if ("## " + part).startswith(h.split("\n", 1)[0]):
                have[h] = "## " + part.rstrip("\n") + "\n"
    have.update(sections)
    body = "\n".join(v for v in have.values() if v)
    out.write_text("# Scale (bench/scale.py)\n\n" + body, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--sections", default="gen,ray,dedup", help="comma-separated: gen, ray, dedup")
    ap.add_argument("--latency", type=float, default=0.2)
    ap.add_argument("--concurrency", type=int, default=4, help="requests in flight per endpoint")
    ap.add_argument("--requests", type=int, default=160)
    ap.add_argument("--docs", type=int, default=120)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--ocr-files", type=int, default=4, help="image-only PDFs (ray section)")
    ap.add_argument("--ocr-pages", type=int, default=2, help="pages per PDF (ray section)")
    ap.add_argument("--text-docs", type=int, default=120, help="text documents (ray section)")
    ap.add_argument("--ray-rounds", type=int, default=1)
    ap.add_argument("--write", action="store_true", help="record the tables in bench/results/scale.md")
    a = ap.parse_args()
    wanted = a.sections.split(",")
    done: dict[str, str] = {}
    sections = (
        ("gen", GEN_HEAD, gen_section),
        ("ray", RAY_HEAD, ray_section),
        ("dedup", DEDUP_HEAD, dedup_section),
    )
    for name, head, run in sections:
        if name in wanted:
            rows = run(a)
            print("\n".join(rows))
            done[head] = head + "\n".join(rows) + "\n"
    if a.write:
        write(done)


if __name__ == "__main__":
    main()
