"""Export formats, one module each; ``FORMATS`` maps the ``--format`` name to its module.

A format module defines ``HELP`` (one line) and ``write(ctx: ExportContext) -> None``, which writes its
files through ``ctx.write_jsonl`` (or atomically by other means) and may add LLaMA-Factory entries to
``ctx.lf_entries``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

FORMATS: dict[str, str] = {
    "messages": "corpusforge.export.formats.messages",
    "alpaca": "corpusforge.export.formats.alpaca",
    "sharegpt": "corpusforge.export.formats.sharegpt",
    "preference": "corpusforge.export.formats.preference",
    "pretrain": "corpusforge.export.formats.pretrain",
    "hf": "corpusforge.export.formats.hf",
}


class UnknownFormat(ValueError):
    """A format name not in the registry."""


def get_format(name: str) -> ModuleType:
    """The module of one format.

    Raises:
        UnknownFormat: naming the format and the known ones.
    """
    if name not in FORMATS:
        raise UnknownFormat(f"unknown export format {name!r}; known: {', '.join(FORMATS)}")
    return importlib.import_module(FORMATS[name])


def describe() -> dict[str, str]:
    """Format name -> one-line help."""
    return {name: get_format(name).HELP for name in FORMATS}
