"""State shared by the jobs of one ``generate`` run: the client, the gate, the prompts, the counts.

Every sample passes the quality gate here, in the deterministic order the runner commits jobs in. Gated
samples wait in :attr:`RunContext.pending` and are written in one transaction for many jobs
(:meth:`RunContext.flush`: whenever the runner would wait for a reply, and every ``FLUSH_AT`` samples).
A run killed before a flush loses nothing it cannot rebuild: the replies are in the cache, and the
samples are made again from them in the same order.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpusforge.generate.asking import Item
from corpusforge.generate.config import GenerateConfig
from corpusforge.generate.labels import tag_prefix, unit_tags
from corpusforge.generate.prompts import Prompt, load_prompt
from corpusforge.generate.units import Unit
from corpusforge.quality.reuse import stored_verdict
from corpusforge.quality.tally import count_reasons
from corpusforge.records import Sample, content_hash

if TYPE_CHECKING:
    from corpusforge.generate.tasks.base import Task
    from corpusforge.llm import LLMClient
    from corpusforge.workspace import Workspace

log = logging.getLogger(__name__)

KEPT = ("passed", "flagged", "generated")
MAX_ERRORS = 200
FLUSH_AT = 512  # pending samples that are written at once, even while replies keep coming


@dataclass
class GenerateSummary:
    """What a ``generate`` run did.

    Attributes:
        documents: documents gone over; units: units of work done (a document's Q&A round, a chunk's task).
        requests, cached, retries, tokens_in, tokens_out: LLM requests sent (cache hits not counted), ...
        samples: samples made (or rebuilt from the cache) in this run; new_samples: rows added to the store.
        by_task: {task: {status: n}}; dropped_by_reason / flagged_by_reason: {reason: n}.
        short_docs: documents left below ``generate.qa_min`` kept pairs: (source, kept, minimum, why and
            the remedy, e.g. a Chinese document the embedded model cannot serve: point ``llm`` at a Qwen server).
        errors: one line per failed request or unusable reply (the run went on without it).
        candidates: candidate answers stored; cost: estimated cost (None without prices).
        reused: samples whose stored verdict was kept (same reply and gate settings: not gated again).
        gated_by_workers: samples scored by gate worker processes (``generate.gate_workers``).
    """

    documents: int = 0
    units: int = 0
    requests: int = 0
    cached: int = 0
    retries: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    samples: int = 0
    new_samples: int = 0
    by_task: dict[str, dict[str, int]] = field(default_factory=dict)
    dropped_by_reason: dict[str, int] = field(default_factory=dict)
    flagged_by_reason: dict[str, int] = field(default_factory=dict)
    short_docs: list[tuple[str, int, int, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    n_errors: int = 0
    candidates: int = 0
    reused: int = 0
    gated_by_workers: int = 0
    entities_chunks: int = 0
    cost: float | None = None
    seconds: float = 0.0

    @property
    def kept(self) -> int:
        """Samples not dropped by the gate."""
        return sum(n for st in self.by_task.values() for s, n in st.items() if s != "dropped")

    @property
    def dropped(self) -> int:
        """Samples the gate dropped."""
        return sum(st.get("dropped", 0) for st in self.by_task.values())

    def as_dict(self) -> dict[str, Any]:
        """Plain dict (for the runs table and JSON output)."""
        from dataclasses import asdict

        return {**asdict(self), "kept": self.kept, "dropped": self.dropped}


#: a job's samples made early, each with the (verdict, evidence) of a gate worker or None
Presampled = list[tuple[Sample, Any]]


def _gate_view(s: Sample) -> Sample:
    """The fields of a sample the gate's verdict reads (what is sent to a gate worker)."""
    return Sample(
        sample_id=s.sample_id,
        task=s.task,
        instruction=s.instruction,
        input=s.input,
        output=s.output,
        source="",
        doc_id="",
        pages=s.pages,
        chunk_ids=s.chunk_ids,
        created_at=0.0,
        metadata=s.metadata,
    )


@dataclass
class RunContext:
    """Everything a job needs."""

    ws: Workspace
    cfg: GenerateConfig
    client: LLMClient
    gate: Any
    candidates: int = 0
    store: Any = None  # where commits write (its own connection when commits run in a worker thread)
    summary: GenerateSummary = field(default_factory=GenerateSummary)
    active: dict[str, Any] = field(default_factory=dict)  # doc_id -> DocState of documents still being asked
    pending: dict[str, Sample] = field(default_factory=dict)  # gated and counted, not written yet
    _stored: dict[str, Sample | None] = field(default_factory=dict)  # prefetched store copies
    _in_store: set[str] = field(default_factory=set)  # ids of this commit found stored: not written again
    _prompts: dict[tuple[str, str], Prompt] = field(default_factory=dict)
    _superseded_seen: int = 0
    n_workers: int = 0  # gate worker processes the run starts (generate.gate_workers)
    workers: Any = None  # GateWorkers scoring fresh samples in other processes (None: all in this one)

    def __post_init__(self) -> None:
        if self.store is None:
            self.store = self.ws.store

    def prompt(self, task: str, lang: str, folder: Path | None = None) -> Prompt:
        """The (possibly user-overridden) prompt of a task in a language.

        Args:
            folder: where ``<task>.<lang>.yaml`` lies when it is not a built-in prompt (``Task.prompt_folder``).
        """
        if (task, lang) not in self._prompts:
            override = self.cfg.prompts_dir
            if override and not Path(override).is_absolute():
                override = str(self.ws.root / override)
            self._prompts[(task, lang)] = load_prompt(task, lang, override or None, folder=folder)
        return self._prompts[(task, lang)]

    def task_prompt(self, task: Task, lang: str) -> Prompt:
        """The prompt of a task object (from its own prompt folder when it names one)."""
        return self.prompt(task.name, lang, task.prompt_folder)

    def error(self, line: str) -> None:
        """Count an error line (the first few hundred are kept for the summary)."""
        self.summary.n_errors += 1
        if len(self.summary.errors) < MAX_ERRORS:
            self.summary.errors.append(line)
        log.warning("%s", line)

    def make_sample(self, task: Task, unit: Unit, prompt: Prompt, item: Item, round_: int = 0) -> Sample:
        """The sample of one item, with provenance and a deterministic id."""
        instruction, output = task.fields(item.data, prompt, self.cfg)
        if self.cfg.source_in_instruction:
            instruction = prompt.fill("source_instruction", title=unit.title, instruction=instruction)
        tags = unit_tags(unit)
        if self.cfg.tags_in_instruction:
            instruction = tag_prefix(tags, unit.lang) + instruction
        meta: dict[str, Any] = {"lang": unit.lang, "round": round_, "item": item.idx, "title": unit.title}
        if task.question(item.data):
            meta["question"] = task.question(item.data)
        if task.item_in_metadata:
            meta[task.name] = item.data
        comp = item.completion
        s = Sample(
            sample_id=content_hash(f"{item.key}:{item.idx}"),
            task=task.name,
            instruction=instruction,
            input=unit.text if task.with_input else "",
            output=output,
            source=unit.doc.source,
            doc_id=unit.doc.doc_id,
            pages=unit.pages,
            chunk_ids=unit.chunk_ids,
            backend=comp.backend,
            model=comp.model,
            prompt_version=prompt.version,
            request_key=item.key,
            tags=tags,
            metadata=meta,
        )
        s.messages = s.default_messages()
        return s

    async def presample(
        self, task: Task, made: list[tuple[Unit, Item]], round_: int = 0
    ) -> Presampled | None:
        """The samples of a job's items, made as soon as its replies are in, and the verdicts the gate
        workers give the fresh ones (:mod:`corpusforge.quality.workers`); None: made and gated at commit.

        Only for tasks whose ``on_commit`` is the default (it may change an item at commit), and not when
        every reply came from the cache (their samples are mostly stored, with reusable verdicts).
        """
        w = self.workers
        if (
            w is None
            or not w.usable
            or not made
            or not task.commits_as_asked
            or all(it.completion.cached for _, it in made)
        ):
            return None
        samples = [self.make_sample(task, u, self.task_prompt(task, u.lang), it, round_) for u, it in made]
        fresh = [i for i, (_, it) in enumerate(made) if not it.completion.cached]
        sent = [(_gate_view(samples[i]), made[i][0].text, task.gate_answer(samples[i])) for i in fresh]
        got = await w.verdicts(sent, {task.name: self.gate.traits(task.name)})
        results: list[Any] = [None] * len(made)
        for i, r in zip(fresh, got, strict=True):
            results[i] = r
        return list(zip(samples, results, strict=True))

    def committed_samples(
        self, task: Task, made: list[tuple[Unit, Item]], pre: Presampled | None, round_: int = 0
    ) -> list[tuple[Unit, Item, Sample, Any]]:
        """A job's items at commit, after the task's ``on_commit``: (unit, item, sample, what a gate
        worker gave it or None), the samples made then or taken from :meth:`presample`."""
        early = iter(pre or ())
        out = []
        for unit, item in made:
            task.on_commit(self, unit, item)
            if pre is None:
                s, v = self.make_sample(task, unit, self.task_prompt(task, unit.lang), item, round_), None
            else:
                s, v = next(early)
            out.append((unit, item, s, v))
        return out

    def gate_sample(
        self, task: Task, s: Sample, context: str, batch: dict[str, Sample], pre: Any = None
    ) -> None:
        """Give a sample its verdict; a duplicate it supersedes (in the batch or the store) is dropped.

        A sample stored by an earlier run with the same reply and gate settings keeps its verdict; only
        de-duplication is replayed (:mod:`corpusforge.quality.reuse`). So it is with ``pre``, the
        (verdict, evidence) a gate worker gave it.
        """
        v = stored_verdict(self.gate, s, self._stored_copy(s.sample_id))
        if v is not None:
            self.gate.replay(s, v)
            self.summary.reused += 1
        elif pre is not None:
            s.evidence = pre[1]
            self.gate.replay(s, pre[0])
        else:
            self.gate.apply(s, context, answer=task.gate_answer(s))
        sup = self.gate.superseded[self._superseded_seen :]
        self._superseded_seen = len(self.gate.superseded)
        for old, new in sup:
            self._supersede(old, new, batch)

    def prefetch(self, sample_ids: list[str]) -> None:
        """Read the stored copies of a job's samples in one query (what :meth:`gate_sample` compares with)."""
        ids = [i for i in sample_ids if i not in self.pending]
        found = self.store.get_samples(ids) if ids else {}
        self._stored = {i: found.get(i) for i in ids}
        self._in_store = set(found)

    def _stored_copy(self, sample_id: str) -> Sample | None:
        """The sample as stored, or pending (gated earlier in this run, not written yet)."""
        if sample_id in self.pending:
            return self.pending[sample_id]
        if sample_id in self._stored:
            return self._stored.pop(sample_id)
        return self.store.get_sample(sample_id)

    def _supersede(self, old: str, new: str, batch: dict[str, Sample]) -> None:
        reason = f"duplicate_question:{new}"
        s = batch.get(old)
        if s is not None:  # not counted yet: write() counts the batch
            self.gate.add_reasons(s, reason)
        else:
            self._stored.pop(old, None)  # changed now: read it again if it is asked for
            waiting = self.pending.get(old)
            s = waiting if waiting is not None else self.store.get_sample(old)
            if s is None:
                return
            if s.status in ("passed", "flagged") and reason not in s.reasons:
                self._count(s, -1)
                self.gate.add_reasons(s, reason)
                if waiting is None:
                    self.store.update_sample(old, status=s.status, reasons=s.reasons)
                self._count(s, +1)
            elif reason in s.reasons and s.reasons[-1] == reason:  # a rerun: stored already, counted without
                was = self.gate.decide(s.reasons[:-1])
                if was in ("passed", "flagged"):
                    self._count(replace(s, status=was, reasons=s.reasons[:-1]), -1)
                    self._count(s, +1)
        state = self.active.get(s.doc_id)
        if state is not None:
            state.kept.discard(old)

    def _count(self, s: Sample, sign: int) -> None:
        st = self.summary.by_task.setdefault(s.task, {})
        st[s.status] = st.get(s.status, 0) + sign
        self.summary.samples += sign
        target = (
            self.summary.dropped_by_reason
            if s.status == "dropped"
            else self.summary.flagged_by_reason
            if s.status == "flagged"
            else None
        )
        if target is not None:
            count_reasons(target, s.reasons, sign)

    def write(self, batch: dict[str, Sample]) -> None:
        """Count a batch of gated samples and queue it for :meth:`flush` (ids already there are kept)."""
        for sid, s in batch.items():
            self._count(s, +1)
            if sid not in self._in_store:  # a stored one would be ignored by the insert anyway
                self.pending.setdefault(sid, s)
        self._in_store = set()
        if len(self.pending) >= FLUSH_AT:
            self.flush()

    def flush(self) -> None:
        """Store the pending samples in one transaction (ids already stored are kept)."""
        if self.pending:
            self.summary.new_samples += self.store.add_samples(self.pending.values())
            self.pending.clear()
