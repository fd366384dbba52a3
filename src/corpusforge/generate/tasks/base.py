"""The interface every generation task implements.

A task says what JSON it wants (a schema), how the request text is filled in, which parts of a reply
are usable items, and how an item becomes a sample's instruction, input and output. The runner does
the rest (requests, retries, the quality gate, storing). A new task is one module plus one line in
``corpusforge.generate.tasks.TASKS``.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from corpusforge.generate.backends.jsonreply import JSONReply
from corpusforge.generate.config import GenerateConfig
from corpusforge.generate.prompts import Prompt

_WORD = re.compile(r"\w")


def string(cfg: GenerateConfig) -> dict[str, Any]:
    """A string schema, bounded by ``generate.max_field_chars`` when set."""
    return {"type": "string", "maxLength": cfg.max_field_chars} if cfg.max_field_chars else {"type": "string"}


def string_list(cfg: GenerateConfig, max_items: int = 8) -> dict[str, Any]:
    """A list of at most ``max_items`` (bounded) strings: small models otherwise repeat one item forever."""
    return {"type": "array", "items": string(cfg), "maxItems": max_items}


def text(value: Any) -> str:
    """A stripped string; '' for anything that is not a string or has no letter or digit (``...``)."""
    if not isinstance(value, str) or not _WORD.search(value):
        return ""
    return value.strip()


def texts(value: Any) -> list[str]:
    """The non-empty strings of a list (a lone string counts as a list of one)."""
    if isinstance(value, str):
        value = [value]
    return [s for s in (text(v) for v in value) if s] if isinstance(value, list) else []


def looping(item: dict[str, Any], min_len: int = 24) -> bool:
    """Whether a text of the item repeats one short pattern (``1.1.2.2.3.3.3.3…``): a model stuck in a loop."""
    from corpusforge.generate.asking import runaway

    values = [v for x in item.values() for v in (x if isinstance(x, list) else [x]) if isinstance(v, str)]
    return any(runaway(v, min_len=min_len, max_period=8) for v in values)


class Task:
    """Base class of tasks.

    Attributes:
        name: registry name, also the sample's ``task``.
        list_key: for tasks whose reply is a list of items, the field holding it (None: one object).
        with_input: whether the passage goes into the sample's ``input`` (open-book tasks) or not
            (closed-book tasks, which teach the model the document's facts).
        scope: ``chunk`` (one request per chunk) or ``document``.
        question_key: the item field that is a question (for --candidates and de-duplication), or None.
        budget_scale: the task's first token budget, as a multiple of the configured one (long replies).
    """

    name: ClassVar[str] = ""
    list_key: ClassVar[str | None] = None
    with_input: ClassVar[bool] = False
    question_key: ClassVar[str | None] = None
    budget_scale: ClassVar[float] = 1.0

    def scope(self, cfg: GenerateConfig) -> str:
        """``chunk`` or ``document``."""
        return "chunk"

    def schema(self, cfg: GenerateConfig, n: int) -> dict[str, Any]:
        """The JSON schema the reply must follow (sent to backends that enforce it)."""
        raise NotImplementedError

    def request_vars(self, cfg: GenerateConfig, prompt: Prompt, n: int) -> dict[str, Any]:
        """Values for the placeholders of the prompt's ``request`` text."""
        return {"n": n}

    def valid(self, item: Any, cfg: GenerateConfig) -> dict[str, Any] | None:
        """The cleaned item, or None when it is unusable."""
        raise NotImplementedError

    def items(self, reply: JSONReply, cfg: GenerateConfig) -> list[dict[str, Any]]:
        """The usable items of a parsed reply, in order (items with a looping text are not usable)."""
        raw = reply.items if self.list_key else ([reply.data] if reply.data is not None else [])
        return [v for v in (self.valid(x, cfg) for x in raw) if v is not None and not looping(v)]

    def fields(self, item: dict[str, Any], prompt: Prompt, cfg: GenerateConfig) -> tuple[str, str]:
        """(instruction, output) of the sample made from an item (``input`` is the passage or '')."""
        raise NotImplementedError

    def question(self, item: dict[str, Any]) -> str:
        """The item's question ('' when the task has none)."""
        return text(item.get(self.question_key, "")) if self.question_key else ""
