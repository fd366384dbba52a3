"""Generation tasks, one module each; :data:`TASKS` is the one list of them.

A task module defines a :class:`~corpusforge.generate.tasks.base.Task` subclass, which declares what
the runner and the quality gate need (its jobs, scope, whether its answers are grounded, whether it
asks a question ...), and ``TASK``, an instance of it; its prompt files ``<name>.zh.yaml`` and
``<name>.en.yaml`` lie in ``corpusforge/generate/prompts/`` or in the folder the class names
(``prompt_folder``). Adding a task is that module plus one line below, or, from outside the package,
``TASKS.register("name", "package.module:TASK")``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from corpusforge.registry import Registry

if TYPE_CHECKING:
    from corpusforge.generate.tasks.base import Task

TASKS: Registry[Task] = Registry(
    "task",
    {
        "qa": "corpusforge.generate.tasks.qa:TASK",
        "summary": "corpusforge.generate.tasks.summary:TASK",
        "classify": "corpusforge.generate.tasks.classify:TASK",
        "report": "corpusforge.generate.tasks.report:TASK",
        "claim": "corpusforge.generate.tasks.claim:TASK",
        "cot": "corpusforge.generate.tasks.cot:TASK",
        "entities": "corpusforge.generate.tasks.entities:TASK",
        "rag": "corpusforge.generate.tasks.rag:TASK",
    },
)

__all__ = ["TASKS", "get_task"]


def get_task(name: str) -> Task:
    """The task registered under ``name``.

    Raises:
        corpusforge.registry.UnknownName: unknown task (a ValueError; one line listing the known ones).
    """
    return TASKS.get(name)
