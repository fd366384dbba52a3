"""The interface every generation task implements.

A task says what JSON it wants (a schema), how the request text is filled in, which parts of a reply
are usable items, and how an item becomes a sample's instruction, input and output. It also declares
what the runner and the quality gate need to know of it: the jobs that run it (one request per chunk
by default), whether its answers must be grounded in the source, whether its instruction is a
question, where its prompt files are. The runner does the rest (requests, retries, the quality gate,
storing). A new task is one module plus one line in ``corpusforge.generate.tasks.TASKS``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from corpusforge.generate.config import GenerateConfig
from corpusforge.generate.prompts import Prompt
from corpusforge.llm.jsonreply import JSONReply

if TYPE_CHECKING:
    from corpusforge.generate.asking import Item
    from corpusforge.generate.context import RunContext
    from corpusforge.generate.units import Unit
    from corpusforge.records import Chunk, Document, Sample

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
        grounded: answers must be supported by the source (False: labels; no grounding threshold). The
            ``quality.ungrounded_tasks`` list overrides it when set.
        has_question: the instruction is a question asked of the source; the gate checks it is one
            (``not_a_question``, ``question_off_source``). ``quality.question_tasks`` overrides it.
        derived_numbers: answers may compute numbers from the source's (a sum, a ratio ...), which are
            then not invented. ``quality.derived_number_tasks`` overrides it.
        quotes: items carry an ``evidence`` quote from the source; the gate looks it up in the chunk
            (``evidence_not_found`` when absent from it, ``evidence_missing`` when none was given).
        item_in_metadata: the item itself is kept in the sample's metadata, under the task's name.
        candidates: kept samples get ``--candidates`` answers to their question (``generate.candidate_tasks``
            overrides it when set).
        prompt_folder: the folder holding ``<name>.zh.yaml`` and ``<name>.en.yaml`` (None: the built-in
            prompts, ``corpusforge/generate/prompts``); ``common.<lang>.yaml`` always comes from there.
    """

    name: ClassVar[str] = ""
    list_key: ClassVar[str | None] = None
    with_input: ClassVar[bool] = False
    question_key: ClassVar[str | None] = None
    budget_scale: ClassVar[float] = 1.0
    grounded: ClassVar[bool] = True
    has_question: ClassVar[bool] = False
    derived_numbers: ClassVar[bool] = False
    quotes: ClassVar[bool] = False
    item_in_metadata: ClassVar[bool] = False
    candidates: ClassVar[bool] = False
    prompt_folder: ClassVar[Path | None] = None

    def scope(self, cfg: GenerateConfig) -> str:
        """``chunk`` (a request per chunk) or ``document`` (units of work per document, for the progress total)."""
        return "chunk"

    def jobs(self, ctx: RunContext, doc: Document, chunks: list[Chunk]) -> Iterator[Any]:
        """The jobs of this task on one document: by default one request per chunk, or for the
        ``document`` scope one over the document's first ``generate.summary_max_chars``."""
        from corpusforge.generate.jobs import unit_jobs

        return unit_jobs(self, ctx, doc, chunks)

    def on_commit(self, ctx: RunContext, unit: Unit, item: Item) -> None:
        """Called for each usable item before it becomes a sample (may clean ``item.data`` or store more)."""

    @property
    def commits_as_asked(self) -> bool:
        """Whether an item becomes its sample unchanged at commit (``on_commit`` not overridden): its
        sample can then be made, and scored by a gate worker, as soon as the reply is in."""
        return type(self).on_commit is Task.on_commit

    def gate_answer(self, sample: Sample) -> str:
        """The text the quality gate judges against the source (default: the sample's output)."""
        return sample.output

    def schema(self, cfg: GenerateConfig, n: int) -> dict[str, Any]:
        """The JSON schema the reply must follow (sent to backends that enforce it)."""
        raise NotImplementedError

    def request_schema(
        self, cfg: GenerateConfig, n: int, unit: Unit, choices: str, used: Collection[str] = ()
    ) -> dict[str, Any]:
        """The schema of one request about ``unit`` (default: :meth:`schema`; qa narrows its evidence).

        Args:
            choices: ``generate.evidence_choices`` as it applies to this run's backend (``off``, ``on``
                or ``assign``: :func:`~corpusforge.generate.evidence.evidence_mode`).
            used: evidence quotes the document's earlier items gave (qa offers other sentences).
        """
        return self.schema(cfg, n)

    def request_vars(self, cfg: GenerateConfig, prompt: Prompt, n: int) -> dict[str, Any]:
        """Values for the placeholders of the prompt's ``request`` text."""
        return {"n": n}

    def request_text(self, cfg: GenerateConfig, prompt: Prompt, n: int) -> str:
        """The request text: the prompt's ``request`` filled with :meth:`request_vars`."""
        return prompt.fill("request", **self.request_vars(cfg, prompt, n))

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
