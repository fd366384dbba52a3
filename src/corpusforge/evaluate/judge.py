"""Optional LLM judge: which of two answers is closer to the reference, with the judge's reason."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import yaml

SCHEMA = {
    "type": "object",
    "properties": {"winner": {"type": "string", "enum": ["A", "B", "tie"]}, "reason": {"type": "string"}},
    "required": ["winner", "reason"],
}


def load_prompt() -> dict[str, Any]:
    """The judge prompt file (zh and en)."""
    return yaml.safe_load((Path(__file__).parent / "prompts" / "judge.yaml").read_text(encoding="utf-8"))


def judge_pair(client: Any, question: str, reference: str, base: str, tuned: str) -> dict[str, str]:
    """Ask the judge; answers are shown in an order fixed by a hash of the question (position-bias control).

    Returns:
        ``{"winner": "tuned"|"base"|"tie", "reason": ...}``.
    """
    import json_repair

    prompt = load_prompt()
    lang = "zh" if re.search(r"[\u4e00-\u9fff]", question + reference) else "en"
    swap = int(hashlib.sha256(question.encode()).hexdigest(), 16) % 2 == 1
    a, b = (tuned, base) if swap else (base, tuned)
    msgs = [
        {"role": "system", "content": prompt[lang]["system"]},
        {
            "role": "user",
            "content": prompt[lang]["user"].format(
                question=question, reference=reference, answer_a=a, answer_b=b
            ),
        },
    ]
    reply = client.chat_sync(
        msgs, schema=SCHEMA, temperature=0.0, max_tokens=160, prompt_version=prompt["version"]
    )
    data = json_repair.loads(reply.text) if reply.text.strip() else {}
    win = data.get("winner", "tie") if isinstance(data, dict) else "tie"
    mapping = {"A": "tuned" if swap else "base", "B": "base" if swap else "tuned"}
    return {
        "winner": mapping.get(win, "tie"),
        "reason": str(data.get("reason", "")) if isinstance(data, dict) else "",
    }
