"""What an export format is: one line of help and a writer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from corpusforge.export.context import ExportContext
    from corpusforge.records import Sample

EVIDENCE_KEYS = ("quote", "chunk_id", "start", "end", "page", "score")


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


def labels(sample: Sample | None) -> dict[str, Any]:
    """The ``tags`` and ``evidence`` fields every exported record carries (trainers ignore them).

    ``tags``: the document's ingest tags (``{}`` when none); ``evidence``: the verified quotes, each with
    the keys of :data:`EVIDENCE_KEYS` (``[]`` when none).
    """
    if sample is None:
        return {"tags": {}, "evidence": []}
    return {
        "tags": dict(sample.tags or {}),
        "evidence": [{k: e.get(k) for k in EVIDENCE_KEYS} for e in sample.evidence or []],
    }
