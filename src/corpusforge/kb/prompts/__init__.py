"""Prompt and template files of the kb stage: ``<name>.<lang>.yaml`` (``ask``, ``rag``; ``zh`` and ``en``)."""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from typing import Any

import yaml

from corpusforge.generate.prompts import render


@lru_cache(maxsize=8)
def load(name: str, lang: str) -> dict[str, Any]:
    """The texts of ``<name>.<lang>.yaml`` (English when the language has no file)."""
    res = files(__name__) / f"{name}.{lang}.yaml"
    if not res.is_file():
        res = files(__name__) / f"{name}.en.yaml"
    return yaml.safe_load(res.read_text(encoding="utf-8"))


def fill(name: str, lang: str, key: str, **values: Any) -> str:
    """One text with its ``{placeholders}`` filled."""
    return render(str(load(name, lang)[key]), **values)
