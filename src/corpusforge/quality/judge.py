"""Optional LLM judge: asks any backend (a ``corpusforge.llm.LLMClient``) to score support 1-5."""

from __future__ import annotations

import json
import logging
import re
from functools import lru_cache
from importlib.resources import files
from typing import Any

import yaml

log = logging.getLogger(__name__)

SCHEMA = {
    "type": "object",
    "properties": {"score": {"type": "integer", "minimum": 1, "maximum": 5}},
    "required": ["score"],
}


@lru_cache(maxsize=1)
def prompts() -> dict[str, Any]:
    """The judge prompt (zh and en) from ``data/judge.yaml``."""
    return yaml.safe_load((files("corpusforge.quality") / "data" / "judge.yaml").read_text(encoding="utf-8"))


def make_client(backend: Any, store: Any = None) -> Any:
    """An object with ``chat_sync``: the backend itself, or the client ``get_client`` builds from an LLMConfig."""
    if backend is None or hasattr(backend, "chat_sync"):
        return backend
    from corpusforge.llm import get_client

    return get_client(backend, store)


def parse_score(text: str) -> int | None:
    """The 1-5 score of a judge reply (JSON, or the first digit 1-5 when the JSON is broken)."""
    try:
        v = json.loads(text).get("score")
        if isinstance(v, int | float) and 1 <= v <= 5:
            return int(v)
    except (ValueError, AttributeError):
        pass
    m = re.search(r"[1-5]", text or "")
    return int(m.group(0)) if m else None


def judge_score(
    client: Any, question: str, answer: str, context: str, lang: str = "zh", max_tokens: int = 64
) -> float | None:
    """Judge support of an answer by its source, mapped to [0, 1]; None when the reply has no score."""
    p = prompts()
    tmpl = p["zh" if lang == "zh" else "en"]
    messages = [
        {"role": "system", "content": tmpl["system"]},
        {
            "role": "user",
            "content": tmpl["user"].format(context=context[:6000], question=question, answer=answer),
        },
    ]
    try:
        done = client.chat_sync(
            messages, schema=SCHEMA, temperature=0.0, max_tokens=max_tokens, prompt_version=p["version"]
        )
    except Exception as e:  # a judge failure must not stop the gate
        log.warning("LLM judge failed: %s", e)
        return None
    score = parse_score(done.text)
    return None if score is None else (score - 1) / 4
