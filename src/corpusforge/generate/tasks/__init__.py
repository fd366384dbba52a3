"""Generation tasks, one module each; the registry lives here (name -> task object).

A task module defines a :class:`~corpusforge.generate.tasks.base.Task` subclass and ``TASK``, an
instance of it; adding a task is one module plus one line below, and its prompt files
``prompts/<name>.zh.yaml`` and ``prompts/<name>.en.yaml``.
"""

from __future__ import annotations

from corpusforge.generate.tasks.base import Task
from corpusforge.generate.tasks.claim import TASK as CLAIM
from corpusforge.generate.tasks.classify import TASK as CLASSIFY
from corpusforge.generate.tasks.cot import TASK as COT
from corpusforge.generate.tasks.entities import TASK as ENTITIES
from corpusforge.generate.tasks.qa import TASK as QA
from corpusforge.generate.tasks.rag import TASK as RAG
from corpusforge.generate.tasks.report import TASK as REPORT
from corpusforge.generate.tasks.summary import TASK as SUMMARY

TASKS: dict[str, Task] = {t.name: t for t in (QA, SUMMARY, CLASSIFY, REPORT, CLAIM, COT, ENTITIES, RAG)}

__all__ = ["TASKS", "Task", "get_task"]


def get_task(name: str) -> Task:
    """The task registered under ``name``.

    Raises:
        ValueError: unknown task (one line listing the known ones).
    """
    try:
        return TASKS[name]
    except KeyError:
        raise ValueError(f"unknown task {name!r} (known: {', '.join(TASKS)})") from None
