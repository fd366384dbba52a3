"""What every export format gets: the selected samples and pairs, already split, and the output folder.

Empty splits are left out: a split with no sample is not in ``samples`` (nor one with no pair in
``pairs``), and ``write_jsonl`` writes no file for no record, because ``datasets.load_dataset`` cannot
read an empty JSONL file.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpusforge.export.config import ExportConfig
from corpusforge.io import atomic_open
from corpusforge.records import Sample
from corpusforge.workspace import Workspace

_ENCODE = json.JSONEncoder(ensure_ascii=False).encode  # what json.dumps(r, ensure_ascii=False) gives
_LINES_PER_WRITE = 512


@dataclass
class ExportContext:
    """Inputs shared by the format writers.

    Attributes:
        ws: the workspace (store, config, root).
        cfg: the export config (with CLI overrides applied).
        out_dir: the folder being built (a temporary sibling of the export folder, swapped in when
            every format is written); each format writes under ``out_dir/<format>/``.
        samples: split name -> samples in that split (train, validation, test), in a stable order;
            only the splits that have samples. Each is read from the store as it is iterated
            (:class:`~corpusforge.export.selection.SplitSamples`): iterate, do not hold them all.
        pairs: split name -> preference pairs (same document split as the samples); only non-empty ones.
        lf_entries: LLaMA-Factory ``dataset_info.json`` entries the formats add (merged into the file).
        files: relative path -> records written, filled by the writers.
        empty: relative paths ``write_jsonl`` got no record for (so wrote no file).
    """

    ws: Workspace
    cfg: ExportConfig
    out_dir: Path
    samples: Mapping[str, Collection[Sample]]
    pairs: dict[str, list[dict[str, Any]]]
    lf_entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, int] = field(default_factory=dict)
    empty: list[str] = field(default_factory=list)

    def write_jsonl(self, rel: str, records: Iterable[dict[str, Any]]) -> int:
        """Write records (streamed) as JSON lines under the export folder and note the count.

        Returns:
            the number of records; for none, no file is left and ``rel`` is noted in ``empty``.
        """
        n = 0
        path = self.out_dir / rel
        with atomic_open(path) as f:
            lines: list[str] = []
            for r in records:
                lines.append(_ENCODE(r))
                if len(lines) == _LINES_PER_WRITE:
                    f.write("\n".join(lines) + "\n")
                    n += len(lines)
                    lines.clear()
            if lines:
                f.write("\n".join(lines) + "\n")
                n += len(lines)
        if n:
            self.files[rel] = n
        else:
            path.unlink()
            self.empty.append(rel)
            if path.parent != self.out_dir:
                with contextlib.suppress(OSError):  # not empty: other files of the format
                    path.parent.rmdir()
        return n

    def lf_name(self, *parts: str) -> str:
        """An entry name in dataset_info.json: ``<dataset_name>_<parts...>``."""
        return "_".join((self.cfg.dataset_name, *parts))
