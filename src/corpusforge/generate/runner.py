"""``generate``: stream the chunks, ask the LLM for each task, gate and store the samples.

Scheduling: jobs (a document's Q&A round, one chunk's task) are produced lazily from the store and run
concurrently, at most ``generate.window`` at a time; the LLM client bounds the requests in flight. Jobs
are *committed* (gated, written) strictly in the order they were started, so the quality gate's
de-duplication sees the samples in the same order on every run. Together with the request cache and
sample ids derived from (request key, item index), a run killed at any moment (even SIGKILL) and started
again rebuilds exactly the same samples, answering from the cache whatever was answered before.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import time
from collections import deque
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from corpusforge.generate.context import GenerateSummary, RunContext
from corpusforge.generate.prompts import LANGS
from corpusforge.generate.tasks import TASKS, get_task
from corpusforge.generate.units import count_work, doc_chunks, iter_documents

if TYPE_CHECKING:
    from corpusforge.progress import Progress
    from corpusforge.workspace import Workspace

log = logging.getLogger(__name__)

__all__ = ["GenerateSummary", "generate"]


class NothingToDo(RuntimeError):
    """The workspace has no chunks to generate from (one line saying what to run first)."""


class LLMUnavailable(RuntimeError):
    """Every request so far failed: the backend is down or misconfigured (one line, the last error)."""


ABORT_AFTER = 3  # failed requests in a row, with nothing ever answered, before the run gives up


def _jobs(ctx: RunContext, tasks: list[str], limit_docs: int | None) -> Iterator[Any]:
    """Jobs in a fixed order: per document, per task, as each task's ``jobs`` yields them."""
    for doc in iter_documents(ctx.ws.store, limit_docs):
        ctx.summary.documents += 1
        chunks = doc_chunks(ctx.ws.store, doc.doc_id, ctx.cfg.min_chunk_chars)
        for name in tasks:
            yield from TASKS[name].jobs(ctx, doc, chunks)


def _make_gate(ws: Workspace) -> Any:
    from corpusforge.quality.gate import QualityGate

    judge = None
    if ws.config.quality.judge.enabled:  # the judge gets its own client and store connection
        from corpusforge.llm import get_client
        from corpusforge.store import Store

        judge = get_client(ws.config.llm, Store(ws.store.path))
    return QualityGate(ws.config.quality, backend=judge, tasks=TASKS)


WORKERS_FROM = 200  # units of work from which ``gate_workers: auto`` starts a worker


def gate_workers(setting: int | str, units: int, judge: bool) -> int:
    """How many gate worker processes a run starts (``generate.gate_workers``); none with the LLM judge,
    which needs this process's client."""
    if judge:
        return 0
    if setting == "auto":
        return 1 if (os.cpu_count() or 1) >= 2 and units >= WORKERS_FROM else 0
    return int(setting)


def _quiet_gc() -> tuple[int, int, int]:
    """Fewer, shorter garbage collections during a run: what exists before it is frozen (the oldest
    generation's collections no longer walk it: 25-80 ms each at 1,000 documents) and the youngest is
    collected every 10,000 allocations, not 700. Returns the thresholds to restore."""
    was = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(was[0], 10_000), was[1], was[2])
    return was


def _rates(ctx: RunContext, t0: float) -> str:
    """The progress note of a run: requests/s, tokens/s, cache hits, samples kept and dropped."""
    st = ctx.client.stats
    dt = max(time.monotonic() - t0, 1e-6)
    return (
        f"{st.requests / dt:.2f} req/s {(st.tokens_in + st.tokens_out) / dt:.0f} tok/s ({st.cached} cached) "
        f"{ctx.summary.kept} kept / {ctx.summary.dropped} dropped"
    )


async def _tick(ctx: RunContext, progress: Progress, t0: float, every: float = 1.0) -> None:
    """Refresh the rates every ``every`` seconds while units are in flight (run as a task)."""
    while True:
        await asyncio.sleep(every)
        progress.advance(0, note=_rates(ctx, t0))


async def _flush(ctx: RunContext) -> None:
    """Write the pending samples (in the commit thread's connection when commits run in a thread)."""
    if not ctx.pending:
        return
    if ctx.gate.cfg.judge.enabled:
        await asyncio.to_thread(ctx.flush)
    else:
        ctx.flush()


async def _drive(
    ctx: RunContext, jobs: Iterator[Any], window: int, progress: Progress | None, total: int = 0
) -> None:
    queue: deque[tuple[Any, asyncio.Task[Any]]] = deque()

    def start(job: Any) -> None:
        queue.append((job, asyncio.ensure_future(job.run(ctx))))

    def top_up() -> None:
        while len(queue) < window:
            job = next(jobs, None)
            if job is None:
                return
            start(job)

    if ctx.n_workers:
        from corpusforge.quality.workers import GateWorkers

        ctx.workers = GateWorkers(ctx.gate.cfg.model_dump(mode="json"), ctx.n_workers)
        await ctx.workers.start()
    top_up()
    t0 = time.monotonic()
    ticker = asyncio.ensure_future(_tick(ctx, progress, t0)) if progress is not None else None
    try:
        while queue:
            job, fut = queue.popleft()
            if not fut.done():
                await asyncio.sleep(0)  # a job answered from the cache is done after one turn
                if not fut.done():  # about to wait for a reply: write what was gated meanwhile
                    await _flush(ctx)
            result = await fut
            if ctx.gate.cfg.judge.enabled:  # the judge blocks on its own loop: keep ours free
                follow = await asyncio.to_thread(job.commit, ctx, result)
            else:
                follow = job.commit(ctx, result)
            ctx.summary.units += 1
            st = ctx.client.stats
            if st.errors >= ABORT_AFTER and st.errors == st.requests and not st.cached and ctx.summary.errors:
                raise LLMUnavailable(f"giving up: every LLM request failed; last: {ctx.summary.errors[-1]}")
            for f in follow:
                start(f)
            if progress is not None:
                total += len(follow)
                progress.advance(1, note=_rates(ctx, t0), total=total)
            top_up()
    finally:
        if ticker is not None:
            ticker.cancel()
        for _, fut in queue:
            fut.cancel()
        try:
            await _flush(ctx)  # an interrupted run keeps what it gated
        finally:
            if ctx.workers is not None:
                ctx.summary.gated_by_workers = ctx.workers.items
                await ctx.workers.aclose()
            await ctx.client.aclose()


def generate(
    ws: Workspace,
    tasks: list[str] | None = None,
    candidates: int = 0,
    progress: Progress | None = None,
    limit_docs: int | None = None,
) -> GenerateSummary:
    """Generate instruction data from the workspace's chunks.

    Args:
        ws: the workspace (its ``llm``, ``generate`` and ``quality`` config sections are used).
        tasks: task names (default ``generate.tasks``, i.e. ``["qa"]``).
        candidates: K extra answers per kept question (for review ratings and preference data).
        progress: where to report units done, with requests/s, tokens/s and samples kept; None: silent.
        limit_docs: only the first N documents (in source order).

    Returns:
        A :class:`GenerateSummary`; failed requests are counted and listed there, not raised.

    Raises:
        ValueError: an unknown task name. NothingToDo: the workspace has no chunks.
    """
    from corpusforge.llm import get_client

    cfg = ws.config.generate
    names = list(dict.fromkeys(tasks or cfg.tasks))
    for n in names:
        get_task(n)
    n_docs, n_chunks = count_work(ws.store, cfg.min_chunk_chars, limit_docs)
    if n_chunks == 0:
        raise NothingToDo(
            f"{ws.root}: no chunks to generate from; run `corpusforge ingest` and `corpusforge corpus` first"
        )
    per_doc = sum(1 for n in names if TASKS[n].scope(cfg) == "document")
    total = n_docs * per_doc + n_chunks * (len(names) - per_doc)
    client = get_client(ws.config.llm, ws.store)
    gate = _make_gate(ws)
    commit_store = None
    if ws.config.quality.judge.enabled:  # commits run in a worker thread: give them their own connection
        from corpusforge.store import Store

        commit_store = Store(ws.store.path)
    ctx = RunContext(
        ws=ws, cfg=cfg, client=client, gate=gate, candidates=max(0, candidates), store=commit_store
    )
    ctx.n_workers = gate_workers(cfg.gate_workers, total, ws.config.quality.judge.enabled)
    for name in names:  # a broken prompt file fails now, in one line
        for lang in LANGS:
            ctx.task_prompt(TASKS[name], lang)
    for lang in LANGS if candidates else ():
        ctx.prompt("answer", lang)
    run_id = ws.store.start_run(f"generate {' '.join(names)}")
    window = cfg.window or 2 * ws.config.llm.concurrency
    t0 = time.monotonic()
    if progress is not None:
        progress.start("generate", total=total)
    status = "failed"
    gc_was = _quiet_gc()
    try:
        asyncio.run(_drive(ctx, _jobs(ctx, names, limit_docs), window, progress, total))
        status = "finished"
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        gc.set_threshold(*gc_was)
        gc.unfreeze()
        if progress is not None:
            progress.stop()
        s = ctx.summary
        st = client.stats
        s.requests, s.cached, s.retries = st.requests, st.cached, st.retries
        s.tokens_in, s.tokens_out = st.tokens_in, st.tokens_out
        llm = ws.config.llm
        s.cost = st.cost(llm) if (llm.price_in_per_1k or llm.price_out_per_1k) else None
        s.seconds = round(time.monotonic() - t0, 2)
        ws.store.finish_run(run_id, s.as_dict(), status=status)
        if commit_store is not None:
            commit_store.close()
    return ctx.summary
