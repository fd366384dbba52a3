"""The quality gate: grounding, filters and question de-duplication give each sample a verdict.

Usage::

    gate = QualityGate(ws.config.quality, store=ws.store)
    v = gate.check("若游戏中离，几分钟内不得配对？", "5分钟", chunk.text)
    v.verdict, v.reasons  # 'dropped', ['invented_number:5', 'low_grounding']
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from corpusforge.quality.config import DEFAULT_ACTIONS, QualityConfig
from corpusforge.quality.dedup import QuestionIndex
from corpusforge.quality.filters import question_reasons, run_filters
from corpusforge.quality.grounding import grounding_details
from corpusforge.quality.text import detect_lang
from corpusforge.records import Sample

log = logging.getLogger(__name__)

VERDICTS = ("passed", "flagged", "dropped")


@dataclass(slots=True)
class Verdict:
    """Outcome of the gate for one sample.

    Attributes:
        verdict: ``passed``, ``flagged`` (needs review) or ``dropped``.
        grounding: grounding score in [0, 1].
        reasons: why it was flagged or dropped (``low_grounding``, ``invented_number:1235``, ...).
        scores: the parts of the score (lexical, judge, numbers, entities ...).
    """

    verdict: str
    grounding: float
    reasons: list[str] = field(default_factory=list)
    scores: dict[str, Any] = field(default_factory=dict)


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
    """

    def __init__(self, cfg: QualityConfig | None = None, backend: Any = None, store: Any = None):
        self.cfg = cfg or QualityConfig()
        self.store = store
        self.index = QuestionIndex(self.cfg.dedup_similarity)
        self.superseded: list[tuple[str, str]] = []
        self.counts: Counter[str] = Counter()
        self._backend = backend
        self._judge: Any = None

    def action(self, reason: str) -> str:
        """``drop``, ``flag`` or ``ignore`` for a reason (by its name before ':')."""
        name = reason.split(":")[0]
        if name == "low_grounding":
            return self.cfg.below_threshold
        return self.cfg.actions.get(name) or DEFAULT_ACTIONS.get(name, "flag")

    def _judge_client(self) -> Any:
        if self._judge is None and self._backend is not None:
            from corpusforge.quality.judge import make_client

            self._judge = make_client(self._backend, self.store)
        return self._judge

    def score(self, question: str, answer: str, context: Any, *, task: str = "qa",
              lang: str | None = None) -> Verdict:
        """Grounding and filters, without de-duplication."""
        cfg = self.cfg
        ctx, ctx_lang = _context_text(context)
        lang = lang or ctx_lang or detect_lang(ctx)
        reasons = run_filters(question, answer, ctx, cfg)
        if task in cfg.question_tasks and question.strip():
            reasons += question_reasons(question, ctx, cfg)
        g = grounding_details(answer, ctx, question, check_numbers=cfg.check_numbers,
                              check_entities=cfg.check_entities, allow_derived=task in cfg.derived_number_tasks)
        reasons += [f"invented_number:{n}" for n in g.invented_numbers[:5]]
        reasons += [f"misplaced_number:{n}" for n in g.misplaced_numbers[:5]]
        reasons += [f"invented_entity:{e[:30]}" for e in g.invented_entities[:5]]
        scores: dict[str, Any] = {"lexical": round(g.lexical, 4), "consistency": round(g.score / g.lexical, 4)
                                  if g.lexical else 1.0, "numbers": g.n_numbers, "entities": g.n_entities}
        grounding = g.score
        if cfg.judge.enabled and answer.strip() and self._judge_client() is not None:
            from corpusforge.quality.judge import judge_score

            j = judge_score(self._judge, question, answer, ctx, lang, cfg.judge.max_tokens)
            if j is not None:
                scores["judge"] = round(j, 4)
                grounding = round((1 - cfg.judge.weight) * grounding + cfg.judge.weight * j, 4)
                if j * 4 + 1 < cfg.judge.min_score:
                    reasons.append(f"judge_low:{round(j * 4 + 1)}")
        if task not in cfg.ungrounded_tasks and grounding < cfg.grounding_threshold:
            reasons.append("low_grounding")
        return Verdict(self._decide(reasons), grounding, reasons, scores)

    def _decide(self, reasons: list[str]) -> str:
        acts = {self.action(r) for r in reasons}
        return "dropped" if "drop" in acts else "flagged" if "flag" in acts else "passed"

    def check(self, question: str, answer: str, context: Any, *, task: str = "qa", lang: str | None = None,
              key: str | None = None, scope: str = "") -> Verdict:
        """Score one sample; with ``key`` its question is also de-duplicated and remembered.

        Args:
            key: id of the sample (e.g. ``sample_id``); without it nothing is remembered.
            scope: de-duplication scope (the doc_id when ``dedup`` is ``document``).
        """
        v = self.score(question, answer, context, task=task, lang=lang)
        if self.cfg.dedup != "off" and question.strip():
            scope = scope if self.cfg.dedup == "document" else ""
            hit = self.index.find(question, scope)
            if hit and (v.verdict == "dropped" or self.index.entries[hit[0]].grounding >= v.grounding):
                v.reasons.append(f"duplicate_question:{hit[0]}")
                v.scores["duplicate_similarity"] = round(hit[1], 3)
                v.verdict = self._decide(v.reasons)
            elif key is not None and v.verdict != "dropped":
                if hit:
                    self._supersede(hit[0], key)
                self.index.add(key, question, v.grounding, scope)
        self.counts.update([v.verdict] + [r.split(":")[0] for r in v.reasons])
        return v

    def remember_store(self, store: Any) -> int:
        """Remember the questions of samples already kept in a store (passed, flagged, accepted), so a new
        run de-duplicates against earlier runs too; returns how many. Accepted samples are never replaced.
        """
        n = 0
        for s in store.iter_samples(status=("passed", "flagged", "accepted")):
            if s.input or not s.instruction.strip() or s.sample_id in self.index.entries:
                continue
            grounding = 2.0 if s.status == "accepted" else (s.grounding or 0.0)
            self.index.add(s.sample_id, s.instruction, grounding, s.doc_id if self.cfg.dedup == "document" else "")
            n += 1
        return n

    def _supersede(self, old: str, new: str) -> None:
        """A better-grounded duplicate replaces a kept question: drop the old one."""
        self.index.remove(old)
        self.superseded.append((old, new))
        if self.store is not None:
            s = self.store.get_sample(old)
            if s is not None and s.status in VERDICTS:
                reasons = [*s.reasons, f"duplicate_question:{new}"]
                self.store.update_sample(old, status=self._decide(reasons), reasons=reasons)

    def apply(self, sample: Sample, context: Any) -> Sample:
        """Gate a sample in place (status, grounding, reasons, scores) and remember its question."""
        meta = sample.metadata or {}
        v = self.check(sample.instruction, sample.output, context, task=sample.task,
                       lang=meta.get("lang") or None, key=sample.sample_id, scope=sample.doc_id)
        if meta.get("finish_reason") == "length":
            v.reasons.append("truncated")
            v.verdict = self._decide(v.reasons)
        sample.status, sample.grounding, sample.reasons = v.verdict, v.grounding, v.reasons
        sample.scores = {**(sample.scores or {}), **v.scores}
        return sample
