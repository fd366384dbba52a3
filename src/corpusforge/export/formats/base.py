"""What an export format is: one line of help and a writer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from corpusforge.export.context import ExportContext


@dataclass(frozen=True, slots=True)
class Format:
    """One export format, the ``FORMAT`` object of its module.

    Attributes:
        help: one line for ``corpusforge export --list-formats``: what it is and the files it writes.
        write: ``write(ctx)`` writes the format's files through ``ctx.write_jsonl`` (or atomically by
            other means), notes them in ``ctx.files`` and may add LLaMA-Factory entries to
            ``ctx.lf_entries``.
    """

    help: str
    write: Callable[[ExportContext], None]
