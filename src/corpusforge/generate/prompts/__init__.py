"""Prompt files: ``<name>.<lang>.yaml`` in this folder, overridable by files of the same name elsewhere.

``common.<lang>.yaml`` holds what every task shares (the system message, how the passage is shown);
``<task>.<lang>.yaml`` holds the task's request text and how its replies become samples. It lies in
this folder, or for a task from elsewhere in the folder its class names (``Task.prompt_folder``). A user folder
(``generate.prompts_dir``) may hold files with any subset of the keys; they override the built-in ones,
and the prompt version then carries a hash of the override so cached replies are not reused for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from corpusforge.records import content_hash

LANGS = ("zh", "en")
_VAR = re.compile(r"\{(\w+)\}")


class PromptError(ValueError):
    """A prompt file is missing, not valid YAML or lacks a key (one line naming the file)."""


def render(template: str, **values: Any) -> str:
    """Fill ``{name}`` placeholders that appear in ``values``; any other braces (JSON examples) stay."""
    return _VAR.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), template)


@dataclass(slots=True)
class Prompt:
    """The merged prompt texts of one task in one language.

    Attributes:
        task: task name; lang: ``zh`` or ``en``.
        version: prompt version recorded on every sample and in the cache key.
        texts: every key of common.<lang>.yaml and <task>.<lang>.yaml (task keys win).
    """

    task: str
    lang: str
    version: str
    texts: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        try:
            return self.texts[key]
        except KeyError:
            raise PromptError(f"prompt {self.task}.{self.lang}: missing key {key!r}") from None

    def get(self, key: str, default: Any = None) -> Any:
        """A text, or ``default`` when the prompt files lack the key."""
        return self.texts.get(key, default)

    def fill(self, key: str, **values: Any) -> str:
        """The text under ``key`` with its placeholders filled."""
        return render(str(self[key]), **values)


def _read(path: Path | Any, origin: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise PromptError(f"{origin}: not valid YAML: {str(e).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise PromptError(f"{origin}: expected a mapping of prompt texts")
    return data


@lru_cache(maxsize=64)
def _builtin(name: str) -> dict[str, Any]:
    res = files(__name__) / f"{name}.yaml"
    if not res.is_file():
        raise PromptError(f"no built-in prompt file {name}.yaml")
    return _read(res, f"{name}.yaml")


def _task_file(task: str, lang: str, folder: str | Path | None) -> dict[str, Any]:
    """The texts of ``<task>.<lang>.yaml``: built in, or from ``folder``."""
    if folder is None:
        return _builtin(f"{task}.{lang}")
    path = Path(folder) / f"{task}.{lang}.yaml"
    if not path.is_file():
        raise PromptError(f"no prompt file {path}")
    return _read(path, str(path))


def load_prompt(
    task: str, lang: str, override_dir: str | Path | None = None, *, folder: str | Path | None = None
) -> Prompt:
    """The prompt of ``task`` in ``lang`` (``zh``/``en``), with the user's overrides merged in.

    Args:
        override_dir: the user's prompt folder (``generate.prompts_dir``); its files override.
        folder: where ``<task>.<lang>.yaml`` lies when it is not built in (a task's ``prompt_folder``).

    Raises:
        PromptError: a file is missing or malformed (one line naming it).
    """
    texts = {**_builtin(f"common.{lang}"), **_task_file(task, lang, folder)}
    version = f"{task}.{lang}.v{texts.get('version', 1)}"
    if override_dir:
        extra: dict[str, Any] = {}
        for name in (f"common.{lang}", f"{task}.{lang}"):
            path = Path(override_dir) / f"{name}.yaml"
            if path.is_file():
                extra.update(_read(path, str(path)))
        if extra:
            texts.update(extra)
            version += "+" + content_hash(yaml.safe_dump(extra, allow_unicode=True, sort_keys=True), 8)
    return Prompt(task=task, lang=lang, version=version, texts=texts)
