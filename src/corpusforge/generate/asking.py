"""Ask the LLM for a task's items about a passage; a cut-off or unreadable reply is asked again.

A reply cut off by the token budget keeps its complete items; the request is then repeated for the
missing ones with a larger budget (``generate.retry_budget_factor``). Every item remembers the cache
key of the request that produced it and its index in that reply: the sample id is derived from both,
so a re-run (answered from the cache) rebuilds exactly the same samples.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from corpusforge.generate.config import GenerateConfig
from corpusforge.generate.prompts import Prompt
from corpusforge.generate.units import Unit, pages_label
from corpusforge.llm.jsonreply import JSONReply, parse_json_reply

if TYPE_CHECKING:
    from corpusforge.generate.tasks.base import Task
    from corpusforge.llm import Completion, LLMClient

SEED_STEP = 7919  # seed offset of a retry, so that a retry is a new request (and a new cache key)
MAX_AVOID = 10


def _may_loop(text: str, min_len: int, max_period: int) -> bool:
    """False only when :func:`runaway` is false: no aligned block of ``b`` characters comes again within
    ``max_period`` characters after it.

    A run of ``need`` matches at period ``p`` is a stretch of ``need + p`` characters of period ``p``;
    with ``need >= 2b - 1`` it holds a whole block starting at a multiple of ``b`` together with the
    same ``b`` characters ``p`` further on.
    """
    b = max(1, min((max(min_len, 3 * p) - p + 1) // 2 for p in range(1, max_period + 1)))
    find = text.find
    for a in range(0, len(text) - b, b):
        if find(text[a : a + b], a + 1, a + max_period + b) >= 0:
            return True
    return False


def runaway(text: str, min_len: int = 48, max_period: int = 42) -> bool:
    """True when a reply holds one pattern repeated over and over (``1.1.1.1…``, ``"Aurora", "Aurora", …``).

    Such a reply was cut off because the model looped, not because the budget was small: asking again
    with a bigger budget would only buy more of the same, so it is not asked again. The exact scan runs
    only on the few texts :func:`_may_loop` finds a repeated block in.
    """
    if not _may_loop(text, min_len, max_period):
        return False
    n = len(text)
    for p in range(1, max_period + 1):
        need, run = max(min_len, 3 * p) - p, 0
        for i in range(p, n):
            run = run + 1 if text[i] == text[i - p] else 0
            if run >= need:
                return True
    return False


def parse(task: Task, text: str, finish_reason: str) -> JSONReply:
    """Parse a reply; a cut-off reply of a one-object task has no usable part (it is asked again)."""
    if task.list_key is None and finish_reason == "length":
        reply = parse_json_reply(text, "stop")
        if reply.repaired or reply.error:
            return JSONReply(truncated=True, error="reply cut off")
        reply.truncated = True
        return reply
    return parse_json_reply(text, finish_reason, key=task.list_key)


@dataclass(slots=True)
class Item:
    """One usable item of a reply, with the request it came from."""

    data: dict[str, Any]
    key: str
    idx: int
    completion: Completion


def quoted(used: Collection[str], items: list[Item]) -> list[str]:
    """``used`` plus the evidence quotes of ``items``, in order, without repeats."""
    more = [q for i in items if isinstance(q := i.data.get("evidence"), str) and q]
    return list(dict.fromkeys([*used, *more]))


@dataclass(slots=True)
class Asked:
    """Items got for one unit, and one-line errors (requests that failed, replies that were unusable)."""

    items: list[Item] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def build_messages(prompt: Prompt, unit: Unit, request: str) -> list[dict[str, str]]:
    """System message, then one user message: the passage first, then the task's request."""
    passage = prompt.fill("passage", source=unit.doc.source, pages=pages_label(unit.pages), text=unit.text)
    return [
        {"role": "system", "content": str(prompt["system"]).strip()},
        {"role": "user", "content": passage + str(prompt["separator"]) + request},
    ]


def where(unit: Unit) -> str:
    """``source p.3 (chunk id)`` for error lines."""
    return (
        f"{unit.doc.source} p.{pages_label(unit.pages)} ({unit.chunks[0].chunk_id if unit.chunks else '-'})"
    )


async def ask(
    client: LLMClient,
    task: Task,
    unit: Unit,
    prompt: Prompt,
    cfg: GenerateConfig,
    n: int,
    seed: int,
    avoid: list[str] | None = None,
    used: Collection[str] = (),
) -> Asked:
    """Up to ``n`` usable items of ``task`` about ``unit``.

    Args:
        avoid: questions asked before about this document (listed in the request so they are not repeated).
        used: evidence quotes of the document's earlier items (not offered again as evidence choices;
            neither are the quotes of this request's own earlier attempts).
    """
    from corpusforge.generate.evidence import evidence_mode
    from corpusforge.llm import LLMError

    out = Asked()
    choices = evidence_mode(cfg, client.cfg) if task.quotes else "off"
    budget = int((cfg.max_tokens or client.cfg.max_tokens) * task.budget_scale)
    want = n
    for attempt in range(cfg.truncation_retries + 1):
        request = task.request_text(cfg, prompt, want)
        asked = [q for q in [*(avoid or []), *(task.question(i.data) for i in out.items)] if q]
        if asked and task.list_key:
            request += "\n" + prompt.fill("avoid", questions="; ".join(asked[-MAX_AVOID:]))
        try:
            comp = await client.chat(
                build_messages(prompt, unit, request),
                schema=task.request_schema(cfg, want, unit, choices, quoted(used, out.items)),
                max_tokens=budget,
                seed=seed + SEED_STEP * attempt,
                prompt_version=prompt.version,
            )
        except LLMError as e:
            out.errors.append(f"{task.name} {where(unit)}: {e}")
            return out
        reply = parse(task, comp.text, comp.finish_reason)
        got = task.items(reply, cfg)[:want]
        out.items += [Item(data=d, key=comp.key, idx=i, completion=comp) for i, d in enumerate(got)]
        want = n - len(out.items)
        if want <= 0 or (got and not reply.truncated):
            return out  # complete, or the model had no more to say
        if reply.truncated and runaway(comp.text):
            out.errors.append(
                f"{task.name} {where(unit)}: the reply ran away repeating itself; not asked again"
            )
            return out
        if reply.truncated:
            budget = int(budget * cfg.retry_budget_factor)
    if not out.items:
        out.errors.append(
            f"{task.name} {where(unit)}: no usable item in the reply "
            f"after {cfg.truncation_retries + 1} attempts"
        )
    return out


async def ask_text(
    client: LLMClient,
    unit: Unit,
    prompt: Prompt,
    question: str,
    temperature: float,
    seed: int,
    max_tokens: int,
) -> Completion:
    """A plain-text answer to ``question`` about ``unit`` (for candidate answers)."""
    request = prompt.fill("request", question=question)
    return await client.chat(
        build_messages(prompt, unit, request),
        temperature=temperature,
        max_tokens=max_tokens,
        seed=seed,
        prompt_version=prompt.version,
    )
