"""What the gate needs to know about a task: are its answers grounded, does it ask a question, may it compute.

The generation tasks declare this on their class (``grounded``, ``has_question``, ``derived_numbers``;
see ``corpusforge.generate.tasks``). The quality stage sits below generation, so the gate is handed
that registry (anything with ``in`` and ``[name]``) by whoever builds it: the generate runner and the
``check`` command pass ``corpusforge.generate.tasks.TASKS``. The task lists of the ``quality`` config,
when set, override the declarations; a task the gate is not told about is gated as plain text that
must be grounded in its source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from corpusforge.quality.config import QualityConfig


class TaskTraits(Protocol):
    """The part of a task the gate reads."""

    @property
    def grounded(self) -> bool:
        """Answers must be supported by the source (else: labels, no grounding threshold)."""

    @property
    def has_question(self) -> bool:
        """The instruction is a question asked of the source (checked: not_a_question, question_off_source)."""

    @property
    def derived_numbers(self) -> bool:
        """Answers may compute numbers (a sum or ratio of two source numbers is not invented)."""


class TaskLookup(Protocol):
    """Tasks by name: a ``corpusforge.registry.Registry`` of tasks, or a plain dict."""

    def __contains__(self, name: object) -> bool: ...

    def __getitem__(self, name: str) -> TaskTraits: ...


@dataclass(frozen=True, slots=True)
class Traits:
    """Resolved traits of one task (see :class:`TaskTraits`)."""

    grounded: bool = True
    has_question: bool = False
    derived_numbers: bool = False
    quotes: bool = False


PLAIN = Traits()


def resolve(task: str, cfg: QualityConfig, tasks: TaskLookup | None) -> Traits:
    """The traits the gate uses for ``task``: the config's lists where set, else what the task declares."""
    declared: TaskTraits = tasks[task] if tasks is not None and task in tasks else PLAIN
    return Traits(
        grounded=(task not in cfg.ungrounded_tasks)
        if cfg.ungrounded_tasks is not None
        else declared.grounded,
        has_question=(task in cfg.question_tasks)
        if cfg.question_tasks is not None
        else declared.has_question,
        derived_numbers=(
            (task in cfg.derived_number_tasks)
            if cfg.derived_number_tasks is not None
            else declared.derived_numbers
        ),
        quotes=bool(getattr(declared, "quotes", False)),
    )
