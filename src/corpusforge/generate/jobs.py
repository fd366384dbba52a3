"""Units of work the runner schedules: a document's Q&A round, one chunk's task, candidate answers.

A job's ``run`` does the LLM requests (concurrently, may take long) and returns what it got; its
``commit`` is called by the runner in job order: it gates and stores the samples and returns follow-up
jobs (another Q&A round for a document still below ``qa_min``, candidate answers).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from corpusforge.generate.asking import Asked, ask, ask_text
from corpusforge.generate.context import KEPT, RunContext
from corpusforge.generate.tasks import TASKS
from corpusforge.generate.tasks.base import Task
from corpusforge.generate.tasks.entities import grounded
from corpusforge.generate.units import Unit, plan_pairs, prompt_lang
from corpusforge.records import Candidate, Chunk, Document, Sample


@dataclass
class DocState:
    """A document's Q&A so far: the chunks asked about, kept sample ids, questions asked."""

    doc: Document
    chunks: list[Chunk]
    kept: set[str] = field(default_factory=set)
    questions: list[str] = field(default_factory=list)


def unit_for(ctx: RunContext, doc: Document, chunks: list[Chunk]) -> Unit:
    """A unit over some chunks of a document, in the chunks' (or document's) prompt language."""
    return Unit(doc=doc, chunks=chunks, lang=prompt_lang(chunks[0].lang if chunks else "", doc.lang,
                                                         ctx.cfg.default_lang))


def _candidate_job(ctx: RunContext, task: Task, made: list[tuple[Sample, Unit]]) -> list[Any]:
    if ctx.candidates <= 0 or task.name not in ctx.cfg.candidate_tasks:
        return []
    todo = [(s, u) for s, u in made if s.status in KEPT and s.metadata.get("question")]
    return [CandidatesJob(todo)] if todo else []


class QAJob:
    """One round of Q&A requests for a document: its missing pairs spread over its chunks."""

    def __init__(self, state: DocState, round_: int, need: int):
        self.state, self.round, self.need = state, round_, need

    async def run(self, ctx: RunContext) -> list[tuple[Unit, Asked]]:
        """Ask each planned chunk for its share of pairs."""
        st, task = self.state, TASKS["qa"]
        units = [(unit_for(ctx, st.doc, [st.chunks[p]]), k) for p, k in plan_pairs(len(st.chunks), self.need,
                                                                                     self.round)]
        avoid = st.questions[-10:] if self.round else []
        got = await asyncio.gather(*(ask(ctx.client, task, u, ctx.prompt("qa", u.lang), ctx.cfg, k,
                                         ctx.cfg.seed + self.round, avoid) for u, k in units))
        return [(u, a) for (u, _), a in zip(units, got, strict=True)]

    def commit(self, ctx: RunContext, result: list[tuple[Unit, Asked]]) -> list[Any]:
        """Gate and store the pairs; ask again while the document is below ``qa_min``."""
        st, task, cfg = self.state, TASKS["qa"], ctx.cfg
        batch: dict[str, Sample] = {}
        made: list[tuple[Sample, Unit]] = []
        for unit, asked in result:
            for line in asked.errors:
                ctx.error(line)
            for item in asked.items:
                s = ctx.make_sample(task, unit, ctx.prompt("qa", unit.lang), item, self.round)
                if s.sample_id in batch:
                    continue
                ctx.gate_sample(s, unit.text, batch)
                batch[s.sample_id] = s
                made.append((s, unit))
                st.questions.append(task.question(item.data))
                if s.status in KEPT:
                    st.kept.add(s.sample_id)
        ctx.write(batch)
        follow: list[Any] = _candidate_job(ctx, task, made)
        kept = len(st.kept)
        if kept < cfg.qa_min and st.chunks and self.round + 1 < cfg.qa_rounds:
            follow.insert(0, QAJob(st, self.round + 1, cfg.qa_max - kept))
        else:
            ctx.active.pop(st.doc.doc_id, None)
            if kept < cfg.qa_min:
                ctx.summary.short_docs.append((st.doc.source, kept, cfg.qa_min))
        return follow


class UnitJob:
    """One request of a single-item task (summary, classify, report, claim, cot, entities) on a unit."""

    def __init__(self, task: Task, unit: Unit):
        self.task, self.unit = task, unit

    async def run(self, ctx: RunContext) -> Asked:
        """Ask for the item."""
        return await ask(ctx.client, self.task, self.unit, ctx.prompt(self.task.name, self.unit.lang), ctx.cfg,
                         1, ctx.cfg.seed)

    def commit(self, ctx: RunContext, asked: Asked) -> list[Any]:
        """Gate and store the sample; entities also go onto the chunk."""
        for line in asked.errors:
            ctx.error(line)
        batch: dict[str, Sample] = {}
        made: list[tuple[Sample, Unit]] = []
        for item in asked.items:
            if self.task.name == "entities":
                item.data = grounded(item.data, self.unit.text)
                for c in self.unit.chunks:
                    ctx.store.update_chunk_metadata(c.chunk_id, entities=item.data)
                ctx.summary.entities_chunks += len(self.unit.chunks)
            s = ctx.make_sample(self.task, self.unit, ctx.prompt(self.task.name, self.unit.lang), item)
            ctx.gate_sample(s, self.unit.text, batch)
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
        from corpusforge.generate.llm import LLMError

        temps = self.temperatures(ctx)
        budget = ctx.cfg.max_tokens or ctx.client.cfg.max_tokens

        async def one(s: Sample, u: Unit) -> list[Candidate]:
            prompt = ctx.prompt("answer", u.lang)
            out = [Candidate(sample_id=s.sample_id, idx=0, output=s.output, model=s.model,
                             temperature=ctx.client.cfg.temperature)]
            for i, t in enumerate(temps, 1):
                try:
                    comp = await ask_text(ctx.client, u, prompt, s.metadata["question"], t, ctx.cfg.seed + i, budget)
                except LLMError as e:
                    ctx.error(f"candidates {s.source} ({s.sample_id}): {e}")
                    continue
                if comp.text.strip():
                    out.append(Candidate(sample_id=s.sample_id, idx=i, output=comp.text.strip(), temperature=t,
                                         model=comp.model))
            return out

        return list(await asyncio.gather(*(one(s, u) for s, u in self.todo)))

    def commit(self, ctx: RunContext, result: list[list[Candidate]]) -> list[Any]:
        """Store the candidates."""
        cands = [c for group in result for c in group]
        ctx.store.add_candidates(cands)
        ctx.summary.candidates += sum(1 for c in cands if c.idx > 0)
        return []
