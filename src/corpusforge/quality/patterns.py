"""Phrase lists of the gate (lead-ins, refusals, prompt leaks), read once from ``data/patterns.yaml``."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files

import yaml

from corpusforge.quality.text import normalize


@lru_cache(maxsize=1)
def _patterns() -> dict[str, list[re.Pattern[str]]]:
    data = yaml.safe_load(
        (files("corpusforge.quality") / "data" / "patterns.yaml").read_text(encoding="utf-8")
    )
    return {
        kind: [
            re.compile(p, re.MULTILINE if kind == "leaks" else 0)
            for lang in ("zh", "en")
            for p in data[kind].get(lang, [])
        ]
        for kind in ("lead_ins", "refusals", "leaks")
    }


@lru_cache(maxsize=1)
def _any() -> dict[str, re.Pattern[str]]:
    """Per kind, one pattern matching where any of the kind's patterns does: a text it finds nothing in
    needs no look at each pattern (most texts)."""
    return {
        kind: re.compile("|".join(f"(?:{p.pattern})" for p in pats), pats[0].flags if pats else 0)
        for kind, pats in _patterns().items()
    }


@lru_cache(maxsize=4096)
def strip_lead_in(text: str) -> str:
    """Remove framing such as 「根据材料，」 or "According to the text," from the start (repeatedly)."""
    t = normalize(text).strip()
    if not _any()["lead_ins"].search(t):
        return t
    for _ in range(3):
        before = t
        for p in _patterns()["lead_ins"]:
            t = p.sub("", t, count=1).strip()
        if t == before:
            break
    return t


def find_refusal(text: str) -> str | None:
    """The refusal/boilerplate phrase an answer contains, or None."""
    t = normalize(text)
    for p in _patterns()["refusals"]:
        m = p.search(t)
        if m:
            return m.group(0)
    return None


def find_leak(text: str) -> str | None:
    """A piece of the prompt (passage header, separator, a new "Question:") copied into the answer."""
    t = normalize(text)
    for p in _patterns()["leaks"]:
        m = p.search(t)
        if m:
            return m.group(0).strip()
    return None
