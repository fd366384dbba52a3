"""The quality gate: the one place where a sample gets its verdict (passed, flagged, dropped) and why.

Grounding, the filters and question de-duplication give the reasons; the configured actions
(``quality.actions``) turn reasons into the verdict (:meth:`QualityGate.decide`). A reason added later
(a reply cut off by the token budget, a duplicate, a better-grounded copy superseding a kept question)
goes through :meth:`QualityGate.add_reasons`, so the verdict always follows from the reasons. What a
task's answers must satisfy comes from the task itself (see :mod:`corpusforge.quality.traits`).

Usage::

    gate = QualityGate(ws.config.quality, store=ws.store, tasks=TASKS)
    v = gate.check("若游戏中离，几分钟内不得配对？", "5分钟", chunk.text)
    v.verdict, v.reasons  # 'dropped', ['invented_number:5', 'low_grounding']
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from corpusforge.quality.config import DEFAULT_ACTIONS, QualityConfig
from corpusforge.quality.dedup import SPILL_AT, DiskQuestionIndex, QuestionIndex
from corpusforge.quality.evidence import EvidenceFinder
from corpusforge.quality.filters import question_reasons, run_filters
from corpusforge.quality.grounding import grounding_details
from corpusforge.quality.relevance import relevance
from corpusforge.quality.text import detect_lang
from corpusforge.quality.traits import TaskLookup, Traits, resolve
from corpusforge.records import Sample, content_hash

log = logging.getLogger(__name__)

VERDICTS = ("passed", "flagged", "dropped")
#: bump when a check changes what it returns for the same input, so stored verdicts are not reused
GATE_VERSION = "1"


def settings_hash(cfg: QualityConfig) -> str:
    """A short hash of every gate setting (and :data:`GATE_VERSION`): stored with each verdict so a rerun
    can reuse it (:mod:`corpusforge.quality.reuse`)."""
    text = json.dumps(cfg.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return content_hash(f"{GATE_VERSION}:{text}")


@dataclass(slots=True)
class Verdict:
    """Outcome of the gate for one sample.

    Attributes:
        verdict: ``passed``, ``flagged`` (needs review) or ``dropped``.
        grounding: grounding score in [0, 1].
        reasons: why it was flagged or dropped (``low_grounding``, ``invented_number:1235``, ...).
        scores: the parts of the score (lexical, judge, numbers, entities ...).
        relevance: score in [0, 1] that the answer answers the question (:func:`~.relevance.relevance`).
    """

    verdict: str
    grounding: float
    reasons: list[str] = field(default_factory=list)
    scores: dict[str, Any] = field(default_factory=dict)
    relevance: float | None = None


def dedup_question(sample: Sample) -> str:
    """The question a sample is de-duplicated by: the bare question it was generated with
    (``metadata["question"]``), else its instruction. A source or tag prefix in the instruction
    (``generate.source_in_instruction``) is shared by every question of a document and would make
    them all near duplicates of each other."""
    asked = (sample.metadata or {}).get("question")
    return asked if isinstance(asked, str) and asked.strip() else sample.instruction


def _context_text(context: Any) -> tuple[str, str]:
    """(text, lang) of a context given as a string, a list of strings or a list of Chunks."""
    if isinstance(context, str):
        return context, ""
    if isinstance(context, Sequence):
        texts = [c if isinstance(c, str) else getattr(c, "text", "") for c in context]
        langs = [getattr(c, "lang", "") for c in context if not isinstance(c, str)]
        return "\n".join(texts), next((x for x in langs if x), "")
    return str(getattr(context, "text", context)), str(getattr(context, "lang", "") or "")


class QualityGate:
    """Scores samples and remembers their questions for de-duplication.

    Args:
        cfg: the ``quality`` config section (defaults when None).
        backend: for the optional LLM judge: an ``LLMClient`` (anything with ``chat_sync``) or an
            ``LLMConfig``; the judge runs only when ``cfg.judge.enabled``.
        store: when given, a kept sample that a better-grounded duplicate replaces is marked dropped there.
        tasks: the tasks by name (``corpusforge.generate.tasks.TASKS``), for what each declares (grounded
            answers, a question, computed numbers); without it every task is gated as grounded text.

    Attributes:
        superseded: (old, new) sample ids: kept questions that a better-grounded duplicate replaced.
    """

    def __init__(
        self,
        cfg: QualityConfig | None = None,
        backend: Any = None,
        store: Any = None,
        tasks: TaskLookup | None = None,
    ):
        self.cfg = cfg or QualityConfig()
        self.store = store
        self.tasks = tasks
        self.index: QuestionIndex | DiskQuestionIndex = QuestionIndex(self.cfg.dedup_similarity)
        self.superseded: list[tuple[str, str]] = []
        self._traits: dict[str, Traits] = {}
        self._backend = backend
        self._judge: Any = None
        self.evidence = EvidenceFinder()
        self.settings_hash = settings_hash(self.cfg)  # stored with each verdict (see quality.reuse)

    def action(self, reason: str) -> str:
        """``drop``, ``flag`` or ``ignore`` for a reason (by its name before ':')."""
        name = reason.split(":")[0]
        if name == "low_grounding":
            return self.cfg.below_threshold
        return self.cfg.actions.get(name) or DEFAULT_ACTIONS.get(name, "flag")

    def decide(self, reasons: Iterable[str]) -> str:
        """The verdict the configured actions give a list of reasons: any drop drops, any flag flags."""
        acts = {self.action(r) for r in reasons}
        return "dropped" if "drop" in acts else "flagged" if "flag" in acts else "passed"

    def add_reasons(self, target: Verdict | Sample, *reasons: str) -> None:
        """Append reasons to a verdict or a sample and give it the verdict they now lead to."""
        target.reasons = [*target.reasons, *reasons]
        if isinstance(target, Sample):
            target.status = self.decide(target.reasons)
        else:
            target.verdict = self.decide(target.reasons)

    def traits(self, task: str) -> Traits:
        """What ``task``'s answers must satisfy (the config's task lists, else what the task declares)."""
        if task not in self._traits:
            self._traits[task] = resolve(task, self.cfg, self.tasks)
        return self._traits[task]

    def learn_traits(self, traits: dict[str, Traits]) -> None:
        """Take tasks' traits as resolved elsewhere (a gate worker is told them by its run)."""
        self._traits.update(traits)

    def _judge_client(self) -> Any:
        if self._judge is None and self._backend is not None:
            from corpusforge.quality.judge import make_client

            self._judge = make_client(self._backend, self.store)
        return self._judge

    def score(
        self,
        question: str,
        answer: str,
        context: Any,
        *,
        task: str = "qa",
        lang: str | None = None,
        evidence: str | None = None,
    ) -> Verdict:
        """Grounding, relevance and filters, without de-duplication.

        Args:
            evidence: the quote the answer gives as its support, if any (relevance scores where it is).
        """
        cfg, traits = self.cfg, self.traits(task)
        ctx, ctx_lang = _context_text(context)
        lang = lang or ctx_lang or detect_lang(ctx)
        reasons = run_filters(question, answer, ctx, cfg)
        if traits.has_question and question.strip():
            reasons += question_reasons(question, ctx, cfg)
        g = grounding_details(
            answer,
            ctx,
            question,
            check_numbers=cfg.check_numbers,
            check_entities=cfg.check_entities,
            allow_derived=traits.derived_numbers,
        )
        reasons += [f"invented_number:{n}" for n in g.invented_numbers[:5]]
        reasons += [f"misplaced_number:{n}" for n in g.misplaced_numbers[:5]]
        reasons += [f"invented_entity:{e[:30]}" for e in g.invented_entities[:5]]
        scores: dict[str, Any] = {
            "lexical": round(g.lexical, 4),
            "consistency": round(g.score / g.lexical, 4) if g.lexical else 1.0,
            "numbers": g.n_numbers,
            "entities": g.n_entities,
        }
        grounding = g.score
        if cfg.judge.enabled and answer.strip() and self._judge_client() is not None:
            from corpusforge.quality.judge import judge_score

            j = judge_score(self._judge, question, answer, ctx, lang, cfg.judge.max_tokens)
            if j is not None:
                scores["judge"] = round(j, 4)
                grounding = round((1 - cfg.judge.weight) * grounding + cfg.judge.weight * j, 4)
                if j * 4 + 1 < cfg.judge.min_score:
                    reasons.append(f"judge_low:{round(j * 4 + 1)}")
        if traits.grounded and grounding < cfg.grounding_threshold:
            reasons.append("low_grounding")
        v = Verdict(self.decide(reasons), grounding, reasons, scores)
        self.set_relevance(v, task, relevance(question, answer, ctx, scores.get("judge"), evidence))
        return v

    def set_relevance(self, v: Verdict, task: str, score: float) -> None:
        """Give a verdict its relevance; below ``quality.relevance_min`` a task that asks a grounded question
        gets the reason ``low_relevance`` (its action from ``quality.actions``), and only then."""
        v.relevance = score
        low = score < self.cfg.relevance_min
        traits = self.traits(task)
        if not (traits.grounded and traits.has_question) or low == ("low_relevance" in v.reasons):
            return
        if low:
            self.add_reasons(v, "low_relevance")
        else:
            v.reasons = [r for r in v.reasons if r != "low_relevance"]
            v.verdict = self.decide(v.reasons)

    def dedup(self, v: Verdict, question: str, *, key: str | None = None, scope: str = "") -> Verdict:
        """The de-duplication step: a near duplicate of a kept question gets ``duplicate_question:<kept id>``.

        The kept copy stays when it is at least as well grounded (or this one is dropped anyway); otherwise
        this one replaces it and the kept one is superseded (see :attr:`superseded`). A stream of samples
        (``generate``) thus keeps the best copy by superseding as it goes; ``check_workspace`` scores every
        sample first and de-duplicates best-grounded first, so nothing is ever superseded there.

        Args:
            v: the sample's verdict from :meth:`score` (updated in place and returned).
            key: id of the sample; with it a question that is not dropped is remembered, without it the
                question is only looked up.
            scope: the document id (used when ``dedup`` is ``document``).
        """
        if self.cfg.dedup == "off" or not question.strip():
            return v
        scope = scope if self.cfg.dedup == "document" else ""
        hit = self.index.find(question, scope)
        if hit and (v.verdict == "dropped" or self.index.grounding(hit[0]) >= v.grounding):
            self.add_reasons(v, f"duplicate_question:{hit[0]}")
            v.scores["duplicate_similarity"] = round(hit[1], 3)
        elif key is not None and v.verdict != "dropped":
            if hit:
                self._supersede(hit[0], key)
            self.index.add(key, question, v.grounding, scope)
            self._maybe_spill()
        return v

    def _maybe_spill(self) -> None:
        """Move the question index to disk once it is large (memory stays flat at any corpus size)."""
        if isinstance(self.index, QuestionIndex) and len(self.index) >= SPILL_AT:
            self.index = DiskQuestionIndex.from_memory(self.index)

    def check(
        self,
        question: str,
        answer: str,
        context: Any,
        *,
        task: str = "qa",
        lang: str | None = None,
        key: str | None = None,
        scope: str = "",
        evidence: str | None = None,
    ) -> Verdict:
        """Score one sample and de-duplicate its question (:meth:`score`, then :meth:`dedup`).

        Args:
            key: id of the sample (e.g. ``sample_id``); without it nothing is remembered.
            scope: de-duplication scope (the doc_id when ``dedup`` is ``document``).
            evidence: the quote the answer gives as its support, if any.
        """
        v = self.score(question, answer, context, task=task, lang=lang, evidence=evidence)
        return self.dedup(v, question, key=key, scope=scope)

    def remember_store(self, store: Any) -> int:
        """Remember the questions of samples already kept in a store (passed, flagged, accepted), so a new
        run de-duplicates against earlier runs too; returns how many. Accepted samples are never replaced.
        """
        n = 0
        for s in store.iter_samples(status=("passed", "flagged", "accepted")):
            if s.input or not s.instruction.strip() or s.sample_id in self.index:
                continue
            grounding = 2.0 if s.status == "accepted" else (s.grounding or 0.0)
            self.index.add(
                s.sample_id, dedup_question(s), grounding, s.doc_id if self.cfg.dedup == "document" else ""
            )
            self._maybe_spill()
            n += 1
        return n

    def _supersede(self, old: str, new: str) -> None:
        """A better-grounded duplicate replaces a kept question: drop the old one."""
        self.index.remove(old)
        self.superseded.append((old, new))
        if self.store is not None:
            s = self.store.get_sample(old)
            if s is not None and s.status in VERDICTS:
                self.add_reasons(s, f"duplicate_question:{new}")
                self.store.update_sample(old, status=s.status, reasons=s.reasons)

    def unsourced(self, sample: Sample) -> Sample:
        """A sample none of whose chunks is in the store any more: flagged for review, reason ``no_source``."""
        sample.status, sample.reasons = "flagged", ["no_source"]
        return sample

    def settle(self, sample: Sample, v: Verdict) -> Sample:
        """Give a sample its verdict (status, grounding, reasons, scores), in place.

        A reply the token budget cut off (``metadata["finish_reason"] == "length"``) also gets ``truncated``.
        The scores get the gate's :attr:`settings_hash` under ``gate``.
        """
        if (sample.metadata or {}).get("finish_reason") == "length":
            self.add_reasons(v, "truncated")
        sample.status, sample.grounding, sample.reasons = v.verdict, v.grounding, v.reasons
        sample.relevance = v.relevance
        sample.scores = {**(sample.scores or {}), **v.scores, "gate": self.settings_hash}
        return sample

    def apply(self, sample: Sample, context: Any, *, answer: str | None = None) -> Sample:
        """Gate a sample in place (:meth:`score`, :meth:`annotate`, :meth:`dedup`, then :meth:`settle`)
        and remember its question unless it is dropped.

        A sample with an ``input`` (an open-book task: its instruction is generic or is answered from the
        input) is looked up among the kept questions but not remembered. For a task whose items quote
        their evidence (``quotes``), the quote is looked up in the context (:meth:`quote`).

        Args:
            answer: the text to judge when it is not the sample's output (``Task.gate_answer``).
        """
        return self.replay(sample, self.verdict(sample, context, answer=answer))

    def verdict(self, sample: Sample, context: Any, *, answer: str | None = None) -> Verdict:
        """The verdict of a sample before de-duplication (:meth:`score`, then :meth:`annotate`, which
        may set ``sample.evidence``). It reads the sample and the settings only, never what was gated
        before, so it may run anywhere (the gate workers of :mod:`corpusforge.quality.workers`)."""
        meta = sample.metadata or {}
        ans = sample.output if answer is None else answer
        v = self.score(sample.instruction, ans, context, task=sample.task, lang=meta.get("lang") or None)
        self.annotate(sample, v, context, answer=answer)  # before dedup: a dropped question is not kept
        return v

    def replay(self, sample: Sample, v: Verdict) -> Sample:
        """The end of :meth:`apply` (:meth:`dedup`, then :meth:`settle`) for a sample's verdict before
        de-duplication: from :meth:`score` and :meth:`annotate`, or one stored by an earlier run
        (:func:`~corpusforge.quality.reuse.stored_verdict`).
        """
        key, scope = (sample.sample_id, sample.doc_id) if not sample.input else (None, "")
        return self.settle(sample, self.dedup(v, dedup_question(sample), key=key, scope=scope))

    def annotate(self, sample: Sample, v: Verdict, context: Any, *, answer: str | None = None) -> None:
        """What :meth:`score` cannot see of a sample: for tasks that quote (``quotes``), the evidence
        (:meth:`quote`), and relevance to its bare question (the instruction may carry a source or tag
        prefix) scored where the quote was found.
        """
        quoted = self.traits(sample.task).quotes
        if quoted:
            self.quote(sample, v, context)
        found = sample.evidence[0].get("quote") if quoted and sample.evidence else None
        stale = {"evidence_not_found", "evidence_missing"} & set(v.reasons)
        found = found if found and not stale else None
        asked = (sample.metadata or {}).get("question")
        if found or (asked and asked != sample.instruction):
            ctx, _ = _context_text(context)
            ans = sample.output if answer is None else answer
            question = asked or sample.instruction
            score = relevance(question, ans, ctx, v.scores.get("judge"), found)
            self.set_relevance(v, sample.task, score)

    def quote(self, sample: Sample, v: Verdict, context: Any) -> None:
        """Look the sample's ``evidence`` quote (its item in ``metadata[task]``) up in the context.

        Found: ``sample.evidence`` gets the quote with its chunk, offsets into that chunk's text, page and
        alignment score. Not found: reason ``evidence_not_found``; no quote given: ``evidence_missing``.
        """
        item = (sample.metadata or {}).get(sample.task)
        quote = item.get("evidence") if isinstance(item, dict) else None
        if not isinstance(quote, str) or not quote.strip():
            self.add_reasons(v, "evidence_missing")
            return
        if isinstance(context, str) or not isinstance(context, Sequence):
            text, _ = _context_text(context)
            cid = sample.chunk_ids[0] if sample.chunk_ids else ""
            pieces = [(text, cid, sample.pages)]
        else:
            pieces = [
                (c, sample.chunk_ids[0] if sample.chunk_ids else "", sample.pages)
                if isinstance(c, str)
                else (
                    str(getattr(c, "text", "")),
                    str(getattr(c, "chunk_id", "")),
                    list(getattr(c, "pages", [])),
                )
                for c in context
            ]
        for text, cid, pages in pieces:
            found = self.evidence.find(quote, text, cid, pages)
            if found is not None:
                sample.evidence = [found]
                return
        sample.evidence = []
        self.add_reasons(v, "evidence_not_found")
