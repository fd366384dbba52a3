"""Export formats, one module each; ``FORMATS`` maps the ``--format`` name to the module's ``FORMAT``.

A format module defines ``FORMAT = Format(help="one line", write=write)`` (:class:`.base.Format`), where
``write(ctx: ExportContext) -> None`` writes its files through ``ctx.write_jsonl`` (or atomically by other
means) and may add LLaMA-Factory entries to ``ctx.lf_entries``. A new format is one such module plus one
line here (or one ``FORMATS.register("name", "package.module:FORMAT")`` call).
"""

from __future__ import annotations

from corpusforge.export.formats.base import Format
from corpusforge.registry import Registry, UnknownName

__all__ = ["FORMATS", "Format", "UnknownFormat", "describe", "get_format"]

FORMATS: Registry[Format] = Registry(
    "export format",
    {
        "messages": "corpusforge.export.formats.messages:FORMAT",
        "alpaca": "corpusforge.export.formats.alpaca:FORMAT",
        "sharegpt": "corpusforge.export.formats.sharegpt:FORMAT",
        "preference": "corpusforge.export.formats.preference:FORMAT",
        "pretrain": "corpusforge.export.formats.pretrain:FORMAT",
        "hf": "corpusforge.export.formats.hf:FORMAT",
    },
)


class UnknownFormat(UnknownName):
    """A format name not in the registry (one line listing the known ones)."""


def get_format(name: str) -> Format:
    """The format registered as ``name``.

    Raises:
        UnknownFormat: naming the format and the known ones.
    """
    try:
        return FORMATS.get(name)
    except UnknownName as e:
        raise UnknownFormat(str(e)) from None


def describe() -> dict[str, str]:
    """Format name -> one-line help."""
    return {name: get_format(name).help for name in FORMATS}
