"""Benchmark the LLM layer and ``generate`` against baselines, on one real llama.cpp server.

1. Client overhead: the same N chat requests sent (a) raw with httpx and (b) through ``LLMClient``
   (cache, retries, semaphore), at the same concurrency, to the same ``python -m llama_cpp.server``
   with the embedded SmolLM2. Runs are interleaved (raw, ours, raw, ours) with distinct prompts so no
   run profits from the server's prompt cache. On a busy machine the server's speed swings far more
   than the client costs, so the client's own time per request (wall time minus time spent waiting
   on the backend, measured sequentially) is printed too. Also: a re-run answered from the store.
2. Generation scheme (when ``corpusforge.generate.runner`` is present): ``generate`` (one request
   returns all the pairs for a chunk) against the common two-step scheme (one request for the
   questions, then one request per answer) on the quickstart documents, both gated by the same
   ``QualityGate``: samples per minute and LLM tokens per kept Q&A pair.

3. Fleet speed (``--fleet C [C ...]``, instead of 1 and 2): against the fixed-latency server
   (``tests/support/fixedlatency.py``, a process of its own, every reply after ``--latency`` seconds),
   ``generate`` (qa) on a fresh synthetic workspace of ``--fleet-docs`` one-chunk documents (one request
   each, the gate and the store included) against raw httpx sending the same number of requests of the
   same shape, at the same concurrency, interleaved over ``--rounds``; medians are printed, with the
   ratio ours / raw (goal >= 0.9) and the ideal (C / latency).

Usage: ``python bench/generate.py [--requests 16] [--concurrency 4] [--max-tokens 16] [--docs 2]
[--gen-concurrency 1]``; ``python bench/generate.py --fleet 32 128 [--latency 0.2] [--fleet-docs 1000]
[--rounds 3]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def start_server() -> tuple[subprocess.Popen, str]:
    """Start llama_cpp.server with the embedded model on a free port; return (process, /v1 URL)."""
    from corpusforge.models import embedded_gguf_path

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    threads = str(max(1, (os.cpu_count() or 2) // 2))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(embedded_gguf_path()),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            "4096",
            "--n_threads",
            threads,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/v1"
    for _ in range(600):
        try:
            urllib.request.urlopen(url + "/models", timeout=2).read()
            return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("llama_cpp.server did not start")


def prompts(tag: str, n: int) -> list[list[dict[str, str]]]:
    """N distinct short chat prompts."""
    return [
        [{"role": "user", "content": f"[{tag}-{i}] Name one task of a city water utility."}] for i in range(n)
    ]


async def raw_run(url: str, msgs: list, concurrency: int, max_tokens: int) -> tuple[float, int]:
    """Plain httpx POSTs with a semaphore; returns (seconds, completion tokens)."""
    import httpx

    sem = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(timeout=600) as http:

        async def one(m: list) -> int:
            async with sem:
                r = await http.post(
                    url + "/chat/completions",
                    json={
                        "model": "default",
                        "messages": m,
                        "max_tokens": max_tokens,
                        "temperature": 0.3,
                        "seed": 1,
                    },
                )
                r.raise_for_status()
                return int(r.json()["usage"]["completion_tokens"])

        t0 = time.perf_counter()
        toks = await asyncio.gather(*[one(m) for m in msgs])
    return time.perf_counter() - t0, sum(toks)


async def ours_run(client, msgs: list, max_tokens: int) -> tuple[float, int]:
    """The same requests through LLMClient; returns (seconds, completion tokens)."""
    t0 = time.perf_counter()
    comps = await asyncio.gather(
        *[client.chat(m, max_tokens=max_tokens, temperature=0.3, seed=1) for m in msgs]
    )
    secs = time.perf_counter() - t0
    await client.aclose()
    return secs, sum(c.tokens_out for c in comps)


def bench_client(url: str, n: int, concurrency: int, max_tokens: int, rounds: int = 4) -> None:
    """Part 1: raw httpx vs LLMClient at equal concurrency."""
    from corpusforge.llm import LLMConfig, get_client
    from corpusforge.store import Store

    cfg = LLMConfig(backend="openai", base_url=[url], concurrency=concurrency, max_tokens=max_tokens)
    store = Store(Path(tempfile.mkdtemp(prefix="cf-bench-")) / "store.db")
    asyncio.run(
        raw_run(url, prompts("warm", 2 * concurrency), concurrency, max_tokens)
    )  # first requests are slow
    raw_t = ours_t = 0.0
    raw_tok = ours_tok = 0
    for rnd in range(rounds):  # alternate which side goes first, so drifting machine load hits both
        for side in ("raw", "ours") if rnd % 2 == 0 else ("ours", "raw"):
            msgs = prompts(f"{side}{rnd}", n)
            if side == "raw":
                t, k = asyncio.run(raw_run(url, msgs, concurrency, max_tokens))
                raw_t, raw_tok = raw_t + t, raw_tok + k
            else:
                t, k = asyncio.run(ours_run(get_client(cfg, store), msgs, max_tokens))
                ours_t, ours_tok = ours_t + t, ours_tok + k
    seq = get_client(cfg.model_copy(update={"concurrency": 1}), store)  # one at a time: wall = backend + ours
    seq_t, _ = asyncio.run(ours_run(seq, prompts("seq", n), 1))
    overhead_ms = (seq_t - seq.stats.seconds) / n * 1000
    rerun = get_client(cfg, store)
    msgs = prompts("ours0", n)
    cached_t, _ = asyncio.run(ours_run(rerun, msgs, max_tokens))
    raw_rps, ours_rps = rounds * n / raw_t, rounds * n / ours_t
    print(
        f"\n== client overhead: {rounds * n} requests per side, concurrency {concurrency}, max_tokens {max_tokens}"
    )
    print(f"{'':24}{'req/s':>10}{'tok/s':>10}")
    print(f"{'raw httpx':24}{raw_rps:>10.2f}{raw_tok / raw_t:>10.1f}")
    print(f"{'LLMClient':24}{ours_rps:>10.2f}{ours_tok / ours_t:>10.1f}")
    print(f"throughput ratio LLMClient / raw = {ours_rps / raw_rps:.3f}")
    print(
        f"LLMClient's own time per request (cache lookup, store write, bookkeeping; sequential, "
        f"max_tokens 1): {overhead_ms:.1f} ms of {seq_t / n * 1000:.0f} ms"
    )
    print(
        f"re-run from the store: {n} requests in {cached_t * 1000:.1f} ms "
        f"({n / cached_t:.0f} req/s, {rerun.stats.requests} sent, {rerun.stats.cached} cached)"
    )


def build_workspace(url: str, concurrency: int) -> object:
    """A workspace with the quickstart documents ingested and chunked, LLM = the server."""
    from corpusforge.corpus.pipeline import build_corpus
    from corpusforge.ingest.pipeline import ingest_paths
    from corpusforge.workspace import init_workspace

    ws = init_workspace(Path(tempfile.mkdtemp(prefix="cf-bench-ws-")))
    ingest_paths(ws, [ROOT / "examples" / "quickstart" / "docs"])
    build_corpus(ws)
    ws.config.llm.backend = "openai"
    ws.config.llm.openai.base_url = [url]
    ws.config.llm.concurrency = concurrency
    ws.config.llm.timeout = 900  # llama_cpp.server answers one request at a time: queued ones wait long
    return ws


TWO_STEP = {  # the scheme-specific requests; system prompt and passage layout are generate's own
    "en": (
        "Write {n} different questions that the passage above answers. Reply with JSON: "
        '{{"questions": ["..."]}}',
        "Answer from the passage above only, in full sentences.\nQuestion: {q}",
    ),
    "zh": (
        '根据上面的文段，写出 {n} 个不同的、仅凭文段就能回答的问题。以 JSON 回复：{{"questions": ["……"]}}',
        "只根据上面的文段，用完整的句子回答。\n问题：{q}",
    ),
}


def q_schema(n: int) -> dict:
    """A list of 1..n questions (as generate's schema bounds its pairs)."""
    return {
        "type": "object",
        "properties": {
            "questions": {"type": "array", "minItems": 1, "maxItems": n, "items": {"type": "string"}}
        },
        "required": ["questions"],
    }


def two_step_messages(chunk, request: str) -> list[dict[str, str]]:
    """generate's message layout (system prompt, passage first, separator) around a two-step request."""
    from corpusforge.generate.prompts import load_prompt
    from corpusforge.generate.units import pages_label

    p = load_prompt("qa", "zh" if chunk.lang == "zh" else "en")
    passage = p.fill("passage", source=chunk.source, pages=pages_label(chunk.pages), text=chunk.text)
    return [
        {"role": "system", "content": str(p["system"]).strip()},
        {"role": "user", "content": passage + str(p["separator"]) + request},
    ]


async def two_step(ws, client, gate, docs: list, per_doc: int) -> dict[str, int]:
    """The two-step scheme on the same chunks: questions first, then one request per answer."""
    from corpusforge.llm import LLMError, parse_json_reply

    counts = {"pairs": 0, "passed": 0, "errors": 0}

    async def chunk_pairs(chunk, n: int) -> list[tuple[str, str, object]]:
        ask_q, ask_a = TWO_STEP["zh" if chunk.lang == "zh" else "en"]
        try:
            comp = await client.chat(two_step_messages(chunk, ask_q.format(n=n)), schema=q_schema(n))
            qs = [
                q
                for q in parse_json_reply(comp.text, comp.finish_reason, key="questions").items
                if isinstance(q, str) and q.strip()
            ][:n]
            answers = await asyncio.gather(
                *[client.chat(two_step_messages(chunk, ask_a.format(q=q))) for q in qs]
            )
        except LLMError:
            counts["errors"] += 1
            return []
        return [(q, a.text, chunk) for q, a in zip(qs, answers, strict=True)]

    for doc in docs:
        chunks = [c for c in ws.store.iter_chunks(doc.doc_id) if c.text.strip()]
        if not chunks:
            continue
        per_chunk = max(1, math.ceil(per_doc / len(chunks)))
        jobs = [chunk_pairs(c, per_chunk) for c in chunks[: math.ceil(per_doc / per_chunk)]]
        pairs = [p for ps in await asyncio.gather(*jobs) for p in ps][:per_doc]
        for i, (q, a, chunk) in enumerate(pairs):
            v = gate.check(
                q, a, chunk.text, lang=chunk.lang or None, key=f"{doc.doc_id}:{i}", scope=doc.doc_id
            )
            counts["pairs"] += 1
            counts["passed"] += v.verdict == "passed"
    await client.aclose()
    return counts


def bench_generate(url: str, concurrency: int, n_docs: int) -> None:
    """Part 2: generate vs the two-step scheme."""
    try:
        from corpusforge.generate.runner import generate
    except ImportError:
        print("\n(corpusforge.generate.runner not available: generation-scheme comparison skipped)")
        return
    from corpusforge.generate.tasks import TASKS
    from corpusforge.llm import get_client
    from corpusforge.quality.gate import QualityGate
    from corpusforge.store import Store

    ws = build_workspace(url, concurrency)
    t0 = time.perf_counter()
    s = generate(ws, tasks=["qa"], limit_docs=n_docs)
    ours_t = time.perf_counter() - t0
    ours_kept = s.by_task.get("qa", {}).get("passed", 0)
    ours_all = sum(s.by_task.get("qa", {}).values())
    ours_tok = s.tokens_in + s.tokens_out

    docs = list(ws.store.iter_documents())[:n_docs]
    client = get_client(ws.config.llm, Store(Path(tempfile.mkdtemp(prefix="cf-bench-2s-")) / "store.db"))
    gate = QualityGate(ws.config.quality, tasks=TASKS)
    t0 = time.perf_counter()
    c = asyncio.run(two_step(ws, client, gate, docs, ws.config.generate.qa_max))
    base_t = time.perf_counter() - t0
    base_tok = client.stats.tokens_in + client.stats.tokens_out

    def per_kept(tok: int, kept: int) -> float:
        return tok / kept if kept else float("inf")

    print(
        f"\n== generation scheme: {len(docs)} quickstart documents, qa_max {ws.config.generate.qa_max}, "
        f"concurrency {concurrency}"
    )
    print(
        f"{'':22}{'requests':>9}{'pairs':>7}{'kept':>6}{'pairs/min':>10}{'kept/min':>9}{'tokens':>8}"
        f"{'tok/pair':>9}{'tok/kept':>9}"
    )
    for name, req, pairs, kept, secs, tok in (
        ("corpusforge generate", s.requests, ours_all, ours_kept, ours_t, ours_tok),
        ("two-step (q, then a)", client.stats.requests, c["pairs"], c["passed"], base_t, base_tok),
    ):
        print(
            f"{name:22}{req:>9}{pairs:>7}{kept:>6}{pairs / secs * 60:>10.2f}{kept / secs * 60:>9.2f}{tok:>8}"
            f"{per_kept(tok, pairs):>9.0f}{per_kept(tok, kept):>9.0f}"
        )
    if c["pairs"] and ours_all:
        print(
            f"per generated pair, ours / two-step: requests {s.requests / ours_all / (client.stats.requests / c['pairs']):.2f},"
            f" tokens {ours_tok / ours_all / (base_tok / c['pairs']):.2f}"
        )
    if c["passed"] and ours_kept:
        print(
            f"kept samples/min ratio ours / two-step = {(ours_kept / ours_t) / (c['passed'] / base_t):.2f}; "
            f"tokens per kept pair ratio ours / two-step = "
            f"{per_kept(ours_tok, ours_kept) / per_kept(base_tok, c['passed']):.2f}"
        )
    print(
        json.dumps(
            {
                "ours_seconds": round(ours_t, 1),
                "two_step_seconds": round(base_t, 1),
                "ours_errors": s.n_errors,
                "two_step_errors": c["errors"],
            }
        )
    )
    ws.close()


async def raw_fleet(url: str, msgs: list, concurrency: int) -> float:
    """Plain httpx POSTs of ``msgs`` with a semaphore (JSON decoded); returns seconds.

    The httpx the backend uses (httpx2 when installed: httpx 0.2x's pool costs ~13 ms CPU a request at
    128 connections, which would flatter any client measured against it).
    """
    from corpusforge.llm.backends.httpjson import httpx_module

    httpx = httpx_module()

    sem = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:

        async def one(m: list) -> str:
            async with sem:
                r = await http.post(
                    url + "/chat/completions",
                    json={"model": "fixed", "messages": m, "max_tokens": 256, "temperature": 0.0, "seed": 0},
                )
                r.raise_for_status()
                return str(r.json()["choices"][0]["message"]["content"])

        t0 = time.perf_counter()
        await asyncio.gather(*[one(m) for m in msgs])
    return time.perf_counter() - t0


def fleet_messages(tag: str, n: int) -> list[list[dict[str, str]]]:
    """N distinct requests shaped like generate's qa requests on the synthetic workspace."""
    from support.workspaces import FACTS, NAMES

    out = []
    for d in range(n):
        text = " ".join(
            f.format(n=f"{NAMES[d % len(NAMES)]} {d}", k=10 + (d * 7 + i) % 90) for i, f in enumerate(FACTS)
        )
        user = f"Source: {tag}{d}.txt, pages 1\n\n{text}\n\n---\n\nWrite 2 question-answer pairs."
        out.append(
            [{"role": "system", "content": "You write training data."}, {"role": "user", "content": user}]
        )
    return out


def bench_fleet(concurrencies: list[int], latency: float, docs: int, rounds: int) -> None:
    """Part 3: generate vs raw httpx against the fixed-latency server, interleaved, medians."""
    import statistics

    sys.path.insert(0, str(ROOT / "tests"))
    from corpusforge.generate.runner import generate
    from support.fixedlatency import spawn
    from support.workspaces import endpoint_config, synthetic_workspace

    proc, url = spawn(latency)
    res: dict[tuple[int, str], list[float]] = {}
    cpu: dict[tuple[int, str], list[float]] = {}  # client CPU ms per request (ours: generate only)
    try:
        asyncio.run(raw_fleet(url, fleet_messages("warm", 64), 32))
        with tempfile.TemporaryDirectory() as tmp:
            for r in range(rounds):
                for c in concurrencies:
                    for side in ("raw", "ours") if r % 2 == 0 else ("ours", "raw"):
                        cpu0 = time.process_time()
                        if side == "raw":
                            t = asyncio.run(raw_fleet(url, fleet_messages(f"r{r}c{c}", docs), c))
                            res.setdefault((c, side), []).append(docs / t)
                            cpu.setdefault((c, side), []).append((time.process_time() - cpu0) * 1000 / docs)
                            continue
                        ws = synthetic_workspace(
                            Path(tmp) / f"r{r}c{c}", docs, endpoint_config([url], concurrency=c)
                        )
                        try:
                            cpu0, t0 = time.process_time(), time.perf_counter()
                            s = generate(ws)
                            t = time.perf_counter() - t0
                        finally:
                            ws.close()
                        assert s.requests == docs and s.n_errors == 0, s
                        res.setdefault((c, side), []).append(s.requests / t)
                        cpu.setdefault((c, side), []).append((time.process_time() - cpu0) * 1000 / docs)
    finally:
        proc.terminate()
        proc.wait(10)
    from corpusforge.llm.backends.httpjson import httpx_module

    httpx = httpx_module()

    print(
        f"\n== fleet speed: latency {latency:g} s, {docs} requests per side, median of {rounds} interleaved rounds"
        f" (raw: {httpx.__name__} {httpx.__version__})"
    )
    print(
        f"{'concurrency':>12}{'raw req/s':>11}{'ours req/s':>12}{'ours/raw':>10}{'ideal':>8}"
        f"{'CPU ms/req raw':>16}{'ours':>6}  rounds ours/raw"
    )
    for c in concurrencies:
        raw, ours = statistics.median(res[(c, "raw")]), statistics.median(res[(c, "ours")])
        cr, co = statistics.median(cpu[(c, "raw")]), statistics.median(cpu[(c, "ours")])
        each = " ".join(f"{o / w:.2f}" for o, w in zip(res[(c, "ours")], res[(c, "raw")], strict=True))
        print(
            f"{c:>12}{raw:>11.1f}{ours:>12.1f}{ours / raw:>10.2f}{c / latency:>8.0f}{cr:>16.2f}{co:>6.2f}  {each}"
        )


def main() -> None:
    """Parse arguments, start the server, run both parts, stop the server."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--requests", type=int, default=16, help="requests per side and round (part 1; 0 = skip part 1)"
    )
    ap.add_argument("--concurrency", type=int, default=4, help="requests in flight, both sides")
    ap.add_argument("--max-tokens", type=int, default=16, help="max_tokens per request (part 1)")
    ap.add_argument("--docs", type=int, default=2, help="quickstart documents for part 2 (0 = skip part 2)")
    ap.add_argument(
        "--gen-concurrency",
        type=int,
        default=1,
        help="requests in flight in part 2, both schemes (llama_cpp.server runs one at a time)",
    )
    ap.add_argument("--fleet", type=int, nargs="*", help="part 3 only, at these concurrencies")
    ap.add_argument("--latency", type=float, default=0.2, help="part 3: seconds per reply")
    ap.add_argument("--fleet-docs", type=int, default=1000, help="part 3: requests (documents) per side")
    ap.add_argument("--rounds", type=int, default=3, help="part 3: interleaved rounds")
    args = ap.parse_args()
    if args.fleet:
        bench_fleet(args.fleet, args.latency, args.fleet_docs, args.rounds)
        return
    proc, url = start_server()
    try:
        if args.requests:
            bench_client(url, args.requests, args.concurrency, args.max_tokens)
        if args.docs:
            bench_generate(url, args.gen_concurrency, args.docs)
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
