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
import logging
import time
from collections import deque
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from corpusforge.generate.context import GenerateSummary, RunContext
from corpusforge.generate.jobs import DocState, QAJob, UnitJob, unit_for
from corpusforge.generate.prompts import LANGS
from corpusforge.generate.tasks import TASKS, get_task
from corpusforge.generate.units import count_work, doc_chunks, iter_documents
from corpusforge.records import Chunk

if TYPE_CHECKING:
    from corpusforge.generate.progress import Progress
    from corpusforge.workspace import Workspace

log = logging.getLogger(__name__)

__all__ = ["GenerateSummary", "generate"]


class NothingToDo(RuntimeError):
    """The workspace has no chunks to generate from (one line saying what to run first)."""


class LLMUnavailable(RuntimeError):
    """Every request so far failed: the backend is down or misconfigured (one line, the last error)."""


ABORT_AFTER = 3  # failed requests in a row, with nothing ever answered, before the run gives up


def _jobs(ctx: RunContext, tasks: list[str], limit_docs: int | None) -> Iterator[Any]:
    """Jobs in a fixed order: per document, per task (per chunk for chunk tasks)."""
    cfg = ctx.cfg
    for doc in iter_documents(ctx.ws.store, limit_docs):
        ctx.summary.documents += 1
        chunks = doc_chunks(ctx.ws.store, doc.doc_id, cfg.min_chunk_chars)
        for name in tasks:
            task = TASKS[name]
            if name == "qa":
                state = DocState(doc=doc, chunks=chunks)
                if not chunks:
                    if cfg.qa_min > 0:
                        ctx.summary.short_docs.append((doc.source, 0, cfg.qa_min))
                    continue
                ctx.active[doc.doc_id] = state
                yield QAJob(state, 0, cfg.qa_max)
            elif task.scope(cfg) == "document":
                part: list[Chunk] = []
                size = 0
                for c in chunks:
                    if part and size + len(c.text) > cfg.summary_max_chars:
                        break
                    part.append(c)
                    size += len(c.text)
                if part:
                    yield UnitJob(task, unit_for(ctx, doc, part))
            else:
                for c in chunks:
                    yield UnitJob(task, unit_for(ctx, doc, [c]))


def _make_gate(ws: Workspace) -> Any:
    from corpusforge.quality.gate import QualityGate

    judge = None
    if ws.config.quality.judge.enabled:  # the judge gets its own client and store connection
        from corpusforge.generate.llm import LLMClient
        from corpusforge.store import Store

        judge = LLMClient(ws.config.llm, Store(ws.store.path))
    return QualityGate(ws.config.quality, backend=judge)


async def _drive(ctx: RunContext, jobs: Iterator[Any], window: int, progress: Progress | None) -> None:
    queue: deque[tuple[Any, asyncio.Task[Any]]] = deque()

    def start(job: Any) -> None:
        queue.append((job, asyncio.ensure_future(job.run(ctx))))

    def top_up() -> None:
        while len(queue) < window:
            job = next(jobs, None)
            if job is None:
                return
            start(job)

    top_up()
    ticker = asyncio.ensure_future(progress.tick(ctx)) if progress is not None else None
    try:
        while queue:
            job, fut = queue.popleft()
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
                progress.update(ctx, added=len(follow))
            top_up()
    finally:
        if ticker is not None:
            ticker.cancel()
        for _, fut in queue:
            fut.cancel()
        await ctx.client.aclose()


def generate(ws: Workspace, tasks: list[str] | None = None, candidates: int = 0, progress: bool = False,
             limit_docs: int | None = None) -> GenerateSummary:
    """Generate instruction data from the workspace's chunks.

    Args:
        ws: the workspace (its ``llm``, ``generate`` and ``quality`` config sections are used).
        tasks: task names (default ``generate.tasks``, i.e. ``["qa"]``).
        candidates: K extra answers per kept question (for review ratings and preference data).
        progress: show a progress bar (requests/s, tokens/s, ETA) on stderr.
        limit_docs: only the first N documents (in source order).

    Returns:
        A :class:`GenerateSummary`; failed requests are counted and listed there, not raised.

    Raises:
        ValueError: an unknown task name. NothingToDo: the workspace has no chunks.
    """
    from corpusforge.generate.llm import LLMClient

    cfg = ws.config.generate
    names = list(dict.fromkeys(tasks or cfg.tasks))
    for n in names:
        get_task(n)
    n_docs, n_chunks = count_work(ws.store, cfg.min_chunk_chars, limit_docs)
    if n_chunks == 0:
        raise NothingToDo(f"{ws.root}: no chunks to generate from; run `corpusforge ingest` and "
                          "`corpusforge corpus` first")
    per_doc = sum(1 for n in names if n == "qa" or TASKS[n].scope(cfg) == "document")
    total = n_docs * per_doc + n_chunks * (len(names) - per_doc)
    client = LLMClient(ws.config.llm, ws.store)
    gate = _make_gate(ws)
    commit_store = None
    if ws.config.quality.judge.enabled:  # commits run in a worker thread: give them their own connection
        from corpusforge.store import Store

        commit_store = Store(ws.store.path)
    ctx = RunContext(ws=ws, cfg=cfg, client=client, gate=gate, candidates=max(0, candidates), store=commit_store)
    for name in [*names, *(["answer"] if candidates else [])]:  # a broken prompt file fails now, in one line
        for lang in LANGS:
            ctx.prompt(name, lang)
    run_id = ws.store.start_run(f"generate {' '.join(names)}")
    window = cfg.window or 2 * ws.config.llm.concurrency
    t0 = time.monotonic()
    bar = None
    if progress:
        from corpusforge.generate.progress import Progress

        bar = Progress(total)
    try:
        if bar is not None:
            with bar:
                asyncio.run(_drive(ctx, _jobs(ctx, names, limit_docs), window, bar))
        else:
            asyncio.run(_drive(ctx, _jobs(ctx, names, limit_docs), window, None))
    finally:
        s = ctx.summary
        st = client.stats
        s.requests, s.cached, s.retries = st.requests, st.cached, st.retries
        s.tokens_in, s.tokens_out = st.tokens_in, st.tokens_out
        llm = ws.config.llm
        s.cost = st.cost(llm) if (llm.price_in_per_1k or llm.price_out_per_1k) else None
        s.seconds = round(time.monotonic() - t0, 2)
        ws.store.finish_run(run_id, s.as_dict())
        if commit_store is not None:
            commit_store.close()
    return ctx.summary
