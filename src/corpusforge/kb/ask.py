"""``ask``: retrieve passages for a question, answer through the configured LLM backend, cite files and pages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from corpusforge.generate.units import pages_label
from corpusforge.kb.index import Hit, KnowledgeBase
from corpusforge.kb.prompts import fill, load
from corpusforge.kb.text import query_lang
from corpusforge.workspace import Workspace


@dataclass
class Answer:
    """An answer with its evidence.

    Attributes:
        text: the model's answer (sentences repeating an earlier one removed); hits: the passages it was given (best first).
        sources: file and pages of each passage given, best first (what the answer is drawn from).
        cited: files the answer itself names (a weak model may name none; ``sources`` still lists them).
    """

    question: str
    text: str
    hits: list[Hit] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    cited: list[str] = field(default_factory=list)
    model: str = ""
    cached: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON for ``ask --json``."""
        return {
            "question": self.question,
            "answer": self.text,
            "sources": self.sources,
            "cited": self.cited,
            "model": self.model,
            "cached": self.cached,
        }

    def render(self) -> str:
        """The answer followed by its sources as ``[n] file, p. N``."""
        lines = [self.text.strip(), "", "Sources:"]
        lines += [f"[{i}] {s['file']}, p. {pages_label(s['pages'])}" for i, s in enumerate(self.sources, 1)]
        return "\n".join(lines)


def build_messages(question: str, hits: list[Hit], lang: str) -> list[dict[str, str]]:
    """System and user messages: the numbered passages, then the question."""
    passages = "\n\n".join(
        fill(
            "ask",
            lang,
            "passage",
            n=i,
            source=h.passage.source,
            pages=pages_label(h.passage.pages),
            text=h.passage.text,
        )
        for i, h in enumerate(hits, 1)
    )
    return [
        {"role": "system", "content": str(load("ask", lang)["system"]).strip()},
        {"role": "user", "content": fill("ask", lang, "user", passages=passages, question=question)},
    ]


_SENTENCE = re.compile(r"[^.!?。！？\n]+[.!?。！？]?\s*")


def collapse_repeats(text: str) -> str:
    """The answer with sentences that repeat an earlier one removed (small models loop)."""
    seen: set[str] = set()
    out = []
    for m in _SENTENCE.finditer(text):
        key = " ".join(m.group(0).split()).lower()
        if key and key in seen:
            continue
        seen.add(key)
        out.append(m.group(0))
    return "".join(out).strip()


def cited_files(text: str, hits: list[Hit]) -> list[str]:
    """Files of the given passages that the answer names (by file name, stem, or ``[n]`` passage number)."""
    out = []
    for i, h in enumerate(hits, 1):
        src = h.passage.source
        stem = src.rsplit(".", 1)[0]
        if src in text or (len(stem) >= 4 and stem in text) or re.search(rf"\[{i}\]", text):
            out.append(src)
    return list(dict.fromkeys(out))


def ask(
    ws: Workspace, question: str, k: int | None = None, kb: KnowledgeBase | None = None, client: Any = None
) -> Answer:
    """Retrieve ``k`` passages and answer ``question`` from them through the configured backend.

    Args:
        kb: an opened knowledge base (default: the workspace's, see ``kb build``).
        client: an ``LLMClient`` (default: one for ``llm`` in corpusforge.yaml, closed afterwards).

    Raises:
        corpusforge.kb.index.KBMissing: before ``kb build``.
    """
    from corpusforge.kb.build import open_kb

    cfg = ws.config.kb
    kb = kb or open_kb(ws)
    lang = query_lang(question)
    hits = kb.search(question, k or cfg.k)
    if not hits:
        return Answer(question=question, text=fill("ask", lang, "no_passages"))
    own = client is None
    if own:
        from corpusforge.llm import get_client

        client = get_client(ws.config.llm, ws.store)
    try:
        comp = client.chat_sync(
            build_messages(question, hits, lang),
            max_tokens=cfg.ask_max_tokens,
            temperature=0.1,
            seed=0,
            prompt_version=f"ask.{lang}.v{load('ask', lang)['version']}",
        )
    finally:
        if own:
            client.close()
    sources = [
        {"file": h.passage.source, "pages": h.passage.pages, "id": h.passage.id, "score": round(h.score, 6)}
        for h in hits
    ]
    return Answer(
        question=question,
        text=collapse_repeats(comp.text),
        hits=hits,
        sources=sources,
        cited=cited_files(comp.text, hits),
        model=getattr(comp, "model", ""),
        cached=comp.cached,
    )
