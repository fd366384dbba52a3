"""Units of work the runner schedules: a document's Q&A round, one chunk's task, candidate answers.

A task's ``jobs`` picks them (:func:`unit_jobs` by default, :func:`qa_rounds` for ``qa``). A job's
``run`` does the LLM requests (concurrently, may take long) and returns what it got; its ``commit`` is
called by the runner in job order: it gates and stores the samples and returns follow-up jobs (another
Q&A round for a document still below ``qa_min``, candidate answers).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from corpusforge.generate.asking import Asked, ask, ask_text
from corpusforge.generate.context import KEPT, Presampled, RunContext
from corpusforge.generate.units import Unit, plan_pairs, prompt_lang
from corpusforge.records import Candidate, Chunk, Document, Sample

if TYPE_CHECKING:
    from corpusforge.generate.tasks.base import Task


@dataclass
class DocState:
    """A document's Q&A so far: the chunks asked about, the ids of its pairs that passed the gate (what
    ``qa_min`` counts: exports take passed samples, a flagged one waits for review), questions asked and
    evidence quoted."""

    doc: Document
    chunks: list[Chunk]
    kept: set[str] = field(default_factory=set)
    questions: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)  # evidence of every pair so far (not offered again)
    lost: Counter[str] = field(default_factory=Counter)  # reasons of the pairs not kept


EMBEDDED_ZH = (
    "the embedded 135M model cannot write usable Chinese pairs; point `llm` at a Qwen server "
    "(llm.backend: openai, llm.model: qwen2.5-7b-instruct, llm.openai.base_url)"
)


def short_reason(ctx: RunContext, state: DocState | None, doc: Document) -> str:
    """Why a document is below ``qa_min``, and the remedy, in one line."""
    if state is None:
        return f"no chunk of at least generate.min_chunk_chars ({ctx.cfg.min_chunk_chars}) characters"
    lang = prompt_lang(state.chunks[0].lang if state.chunks else "", doc.lang, ctx.cfg.default_lang)
    if lang == "zh" and ctx.client.model.startswith("embedded:"):
        return EMBEDDED_ZH
    if not state.lost:
        return "the model gave no usable pair (see the skipped lines); try a larger model in `llm`"
    top = ", ".join(f"{r} {n}" for r, n in state.lost.most_common(3))
    return f"pairs not kept: {top}; raise generate.qa_rounds or point `llm` at a larger model"


def unit_for(ctx: RunContext, doc: Document, chunks: list[Chunk]) -> Unit:
    """A unit over some chunks of a document, in the chunks' (or document's) prompt language."""
    return Unit(
        doc=doc,
        chunks=chunks,
        lang=prompt_lang(chunks[0].lang if chunks else "", doc.lang, ctx.cfg.default_lang),
    )


def unit_jobs(task: Task, ctx: RunContext, doc: Document, chunks: list[Chunk]) -> Iterator[UnitJob]:
    """One job per chunk; for the ``document`` scope one over the first ``summary_max_chars`` of the document."""
    cfg = ctx.cfg
    if task.scope(cfg) == "document":
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


def qa_rounds(task: Task, ctx: RunContext, doc: Document, chunks: list[Chunk]) -> Iterator[QAJob]:
    """The first Q&A round of a document; a document without chunks is short at once."""
    cfg = ctx.cfg
    if not chunks:
        if cfg.qa_min > 0:
            ctx.summary.short_docs.append((doc.source, 0, cfg.qa_min, short_reason(ctx, None, doc)))
        return
    state = DocState(doc=doc, chunks=chunks)
    ctx.active[doc.doc_id] = state
    yield QAJob(task, state, 0, cfg.qa_max)


def _candidate_job(ctx: RunContext, task: Task, made: list[tuple[Sample, Unit]]) -> list[Any]:
    wanted = ctx.cfg.candidate_tasks
    if ctx.candidates <= 0 or not (task.candidates if wanted is None else task.name in wanted):
        return []
    todo = [(s, u) for s, u in made if s.status in KEPT and s.metadata.get("question")]
    return [CandidatesJob(todo)] if todo else []


class QAJob:
    """One round of Q&A requests for a document: its missing pairs spread over its chunks."""

    def __init__(self, task: Task, state: DocState, round_: int, need: int):
        self.task, self.state, self.round, self.need = task, state, round_, need

    async def run(self, ctx: RunContext) -> tuple[list[tuple[Unit, Asked]], Presampled | None]:
        """Ask each planned chunk for its share of pairs (and have their samples scored early)."""
        st, task = self.state, self.task
        units = [
            (unit_for(ctx, st.doc, [st.chunks[p]]), k)
            for p, k in plan_pairs(len(st.chunks), self.need, self.round)
        ]
        avoid = st.questions[-10:] if self.round else []
        got = await asyncio.gather(
            *(
                ask(
                    ctx.client,
                    task,
                    u,
                    ctx.task_prompt(task, u.lang),
                    ctx.cfg,
                    k,
                    ctx.cfg.seed + self.round,
                    avoid,
                    st.quotes,
                )
                for u, k in units
            )
        )
        asked = [(u, a) for (u, _), a in zip(units, got, strict=True)]
        items = [(u, it) for u, a in asked for it in a.items]
        return asked, await ctx.presample(task, items, self.round)

    def commit(
        self, ctx: RunContext, result: tuple[list[tuple[Unit, Asked]], Presampled | None]
    ) -> list[Any]:
        """Gate and store the pairs; ask again while the document is below ``qa_min``."""
        st, task, cfg = self.state, self.task, ctx.cfg
        batch: dict[str, Sample] = {}
        made: list[tuple[Sample, Unit]] = []
        asked_all, pre = result
        for _, asked in asked_all:
            for line in asked.errors:
                ctx.error(line)
        items = [(unit, item) for unit, asked in asked_all for item in asked.items]
        todo = ctx.committed_samples(task, items, pre, self.round)
        ctx.prefetch([s.sample_id for _, _, s, _ in todo])
        for unit, item, s, v in todo:
            if s.sample_id in batch:
                continue
            ctx.gate_sample(task, s, unit.text, batch, v)
            batch[s.sample_id] = s
            made.append((s, unit))
            st.questions.append(task.question(item.data))
            quote = item.data.get("evidence")
            if isinstance(quote, str) and quote and quote not in st.quotes:
                st.quotes.append(quote)
            if s.status == "passed":
                st.kept.add(s.sample_id)
            else:
                st.lost.update(r.split(":", 1)[0] for r in s.reasons)
        ctx.write(batch)
        follow: list[Any] = _candidate_job(ctx, task, made)
        kept = len(st.kept)
        if kept < cfg.qa_min and st.chunks and self.round + 1 < cfg.qa_rounds:
            follow.insert(0, QAJob(task, st, self.round + 1, cfg.qa_max - kept))
        else:
            ctx.active.pop(st.doc.doc_id, None)
            if kept < cfg.qa_min:
                ctx.summary.short_docs.append(
                    (st.doc.source, kept, cfg.qa_min, short_reason(ctx, st, st.doc))
                )
        return follow


class UnitJob:
    """One request of a single-item task (all but ``qa``) on a unit: a chunk, or the start of a document."""

    def __init__(self, task: Task, unit: Unit):
        self.task, self.unit = task, unit

    async def run(self, ctx: RunContext) -> tuple[Asked, Presampled | None]:
        """Ask for the item (and have its sample scored early)."""
        asked = await ask(
            ctx.client,
            self.task,
            self.unit,
            ctx.task_prompt(self.task, self.unit.lang),
            ctx.cfg,
            1,
            ctx.cfg.seed,
        )
        return asked, await ctx.presample(self.task, [(self.unit, it) for it in asked.items])

    def commit(self, ctx: RunContext, result: tuple[Asked, Presampled | None]) -> list[Any]:
        """Gate and store the sample (after the task's ``on_commit``: entities also go onto the chunk)."""
        asked, pre = result
        for line in asked.errors:
            ctx.error(line)
        batch: dict[str, Sample] = {}
        made: list[tuple[Sample, Unit]] = []
        made_now = ctx.committed_samples(self.task, [(self.unit, it) for it in asked.items], pre)
        samples = [(s, v) for _, _, s, v in made_now]
        ctx.prefetch([s.sample_id for s, _ in samples])
        for s, v in samples:
            ctx.gate_sample(self.task, s, self.unit.text, batch, v)
            batch[s.sample_id] = s
            made.append((s, self.unit))
        ctx.write(batch)
        return _candidate_job(ctx, self.task, made)


class CandidatesJob:
    """K more answers per kept question, at temperatures spread over ``generate.candidate_temperatures``.

    Candidate 0 is the sample's own answer; candidates 1..K are new. They are rated in review and
    become preference pairs (DPO).
    """

    def __init__(self, todo: list[tuple[Sample, Unit]]):
        self.todo = todo

    def temperatures(self, ctx: RunContext) -> list[float]:
        """K temperatures from the lowest to the highest configured."""
        lo, hi = ctx.cfg.candidate_temperatures
        k = ctx.candidates
        return [round(lo + (hi - lo) * i / (k - 1), 3) if k > 1 else lo for i in range(k)]

    async def run(self, ctx: RunContext) -> list[list[Candidate]]:
        """Ask every question K times."""
        from corpusforge.llm import LLMError

        temps = self.temperatures(ctx)
        budget = ctx.cfg.max_tokens or ctx.client.cfg.max_tokens

        async def one(s: Sample, u: Unit) -> list[Candidate]:
            prompt = ctx.prompt("answer", u.lang)
            out = [
                Candidate(
                    sample_id=s.sample_id,
                    idx=0,
                    output=s.output,
                    model=s.model,
                    temperature=ctx.client.cfg.temperature,
                )
            ]
            for i, t in enumerate(temps, 1):
                try:
                    comp = await ask_text(
                        ctx.client, u, prompt, s.metadata["question"], t, ctx.cfg.seed + i, budget
                    )
                except LLMError as e:
                    ctx.error(f"candidates {s.source} ({s.sample_id}): {e}")
                    continue
                if comp.text.strip():
                    out.append(
                        Candidate(
                            sample_id=s.sample_id,
                            idx=i,
                            output=comp.text.strip(),
                            temperature=t,
                            model=comp.model,
                        )
                    )
            return out

        return list(await asyncio.gather(*(one(s, u) for s, u in self.todo)))

    def commit(self, ctx: RunContext, result: list[list[Candidate]]) -> list[Any]:
        """Store the candidates."""
        cands = [c for group in result for c in group]
        ctx.flush()  # their samples first
        ctx.store.add_candidates(cands)
        ctx.summary.candidates += sum(1 for c in cands if c.idx > 0)
        return []
