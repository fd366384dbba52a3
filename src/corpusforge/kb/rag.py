"""Retrieval-augmented training samples (task ``rag``): a question, its source passage among retrieved
distractors in random order, and an answer that cites the source file; a share of questions is also asked
without the source passage and answered "the passages do not say".

Seeds are gated samples whose question was generated from one chunk C: samples of the generate task
``rag`` (input = C alone until completed here, in place) and, for ``kb rag``, other tasks such as ``qa``
(each gets a new ``rag`` sample). Distractors are hard negatives: the best BM25/dense hits for the
question other than C. Everything is seeded per sample, so a rerun writes the same samples.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from corpusforge.generate.units import pages_label
from corpusforge.kb.index import KnowledgeBase
from corpusforge.kb.passages import Passage
from corpusforge.kb.prompts import fill
from corpusforge.kb.text import query_lang
from corpusforge.records import Sample, content_hash
from corpusforge.workspace import Workspace

NEGATIVE_SUPPORT = 0.6  # a distractor this supportive of the answer makes "the passages do not say" wrong


@dataclass
class RagSummary:
    """What ``build_rag_samples`` did: samples completed in place, added, negatives, and skips by reason."""

    completed: int = 0
    added: int = 0
    negatives: int = 0
    skipped: Counter[str] = field(default_factory=Counter)


def render_passages(passages: list[Passage], lang: str) -> str:
    """The numbered passages as the sample's input."""
    sep = fill("rag", lang, "passage_separator")
    return sep.join(
        fill("rag", lang, "passage", n=i, source=p.source, pages=pages_label(p.pages), text=p.text)
        for i, p in enumerate(passages, 1)
    )


def _oracle(ws: Workspace, by_id: dict[str, Passage], s: Sample) -> Passage | None:
    if not s.chunk_ids:
        return None
    cid = s.chunk_ids[0]
    if cid in by_id:
        return by_id[cid]
    c = ws.store.get_chunk(cid)
    return (
        Passage(id=c.chunk_id, text=c.text, source=c.source, pages=list(c.pages), doc_id=c.doc_id)
        if c
        else None
    )


def rag_fields(s: Sample, oracle: Passage, shown: list[Passage], lang: str, negative: bool) -> dict[str, Any]:
    """instruction, input, output, messages, chunk_ids and metadata of a rag sample."""
    question = str(s.metadata.get("question") or s.instruction)
    instruction = fill("rag", lang, "instruction", question=question)
    if negative:
        output = fill("rag", lang, "not_found", sources=", ".join(dict.fromkeys(p.source for p in shown)))
    else:
        output = fill(
            "rag",
            lang,
            "answer",
            answer=s.output.strip(),
            source=oracle.source,
            pages=pages_label(oracle.pages),
        )
    text = render_passages(shown, lang)
    meta = {
        **s.metadata,
        "question": question,
        "lang": lang,
        "rag": {
            "oracle": oracle.id,
            "shown": [p.id for p in shown],
            "negative": negative,
            "seed_sample": s.sample_id,
            "oracle_position": None if negative else [p.id for p in shown].index(oracle.id) + 1,
        },
    }
    user = f"{instruction}\n\n{text}"
    return {
        "instruction": instruction,
        "input": text,
        "output": output,
        "messages": [{"role": "user", "content": user}, {"role": "assistant", "content": output}],
        "chunk_ids": [oracle.id, *[p.id for p in shown if p.id != oracle.id]],
        "metadata": meta,
    }


def distractors(
    kb: KnowledgeBase, question: str, oracle: Passage, n: int, rng: random.Random
) -> list[Passage]:
    """``n`` passages other than the oracle: the best retrieved ones (hard negatives), topped up with random
    passages (seeded) when retrieval finds fewer, e.g. a specific Chinese question sharing few words."""
    same = oracle.text.strip()
    got = [h.passage for h in kb.search(question, n, exclude={oracle.id}) if h.passage.text.strip() != same]
    if len(got) < n:
        ids = {p.id for p in got} | {oracle.id}
        rest = [p for p in kb.passages if p.id not in ids and p.text.strip() != same]
        got += rng.sample(rest, min(n - len(got), len(rest)))
    return got[:n]


def build_rag_samples(ws: Workspace, kb: KnowledgeBase, tasks: list[str] | None = None) -> RagSummary:
    """Complete pending ``rag`` samples and derive ``rag`` samples from the other seed tasks.

    Args:
        kb: the opened knowledge base (distractors come from it).
        tasks: seed tasks (default ``kb.rag_source_tasks``).
    """
    from corpusforge.quality.grounding import grounding_score

    cfg, store = ws.config.kb, ws.store
    out = RagSummary()
    by_id = {p.id: p for p in kb.passages}
    for s in list(store.iter_samples(status=cfg.rag_statuses)):
        if s.task not in (tasks or cfg.rag_source_tasks) or s.metadata.get("rag"):
            continue
        new_id, neg_id = content_hash(f"rag:{s.sample_id}"), content_hash(f"rag-neg:{s.sample_id}")
        if s.task != "rag" and store.get_sample(new_id) is not None:
            out.skipped["already_done"] += 1
            continue
        oracle = _oracle(ws, by_id, s)
        if oracle is None:
            out.skipped["source_chunk_missing"] += 1
            continue
        question = str(s.metadata.get("question") or s.instruction)
        lang = str(s.metadata.get("lang") or query_lang(question))
        rng = random.Random(f"{cfg.seed}:{s.sample_id}")
        others = distractors(kb, question, oracle, cfg.rag_distractors + 1, rng)
        if len(others) < min(cfg.rag_distractors, 1):
            out.skipped["no_distractor"] += 1
            continue
        shown = [oracle, *others[: cfg.rag_distractors]]
        rng.shuffle(shown)
        pos = rag_fields(s, oracle, shown, lang, negative=False)
        new: list[Sample] = []
        if s.task == "rag":
            store.update_sample(s.sample_id, **pos)
            out.completed += 1
        else:
            new.append(_derived(s, new_id, pos))
        if rng.random() < cfg.rag_negative_share:
            neg_shown = others[
                : max(cfg.rag_distractors, 1) + (1 if len(others) > cfg.rag_distractors else 0)
            ]
            rng.shuffle(neg_shown)
            if any(grounding_score(s.output, p.text) >= NEGATIVE_SUPPORT for p in neg_shown):
                out.skipped["negative_answer_in_distractor"] += 1
            else:
                neg = rag_fields(s, oracle, neg_shown, lang, negative=True)
                neg["chunk_ids"] = [p.id for p in neg_shown]
                new.append(_derived(s, neg_id, neg))
                out.negatives += 1
        out.added += store.add_samples(new)
    return out


def _derived(seed: Sample, sample_id: str, f: dict[str, Any]) -> Sample:
    """A new rag sample from a seed sample (same provenance document, status and grounding)."""
    return Sample(
        sample_id=sample_id,
        task="rag",
        instruction=f["instruction"],
        input=f["input"],
        output=f["output"],
        source=seed.source,
        doc_id=seed.doc_id,
        pages=list(seed.pages),
        chunk_ids=f["chunk_ids"],
        messages=f["messages"],
        backend=seed.backend,
        model=seed.model,
        prompt_version=f"rag.v1+{seed.prompt_version}",
        request_key=seed.request_key,
        status=seed.status,
        grounding=seed.grounding,
        scores=dict(seed.scores),
        tags=dict(seed.tags),
        metadata=f["metadata"],
    )
