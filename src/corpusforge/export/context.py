"""What every export format gets: the selected samples and pairs, already split, and the output folder."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpusforge.export.config import ExportConfig
from corpusforge.io import atomic_open
from corpusforge.records import Sample
from corpusforge.workspace import Workspace


@dataclass
class ExportContext:
    """Inputs shared by the format writers.

    Attributes:
        ws: the workspace (store, config, root).
        cfg: the export config (with CLI overrides applied).
        out_dir: the export folder; each format writes under ``out_dir/<format>/``.
        samples: split name -> samples in that split (train, validation, test), in a stable order.
        pairs: split name -> preference pairs (same document split as the samples).
        lf_entries: LLaMA-Factory ``dataset_info.json`` entries the formats add (merged into the file).
        files: relative path -> records written, filled by the writers.
    """

    ws: Workspace
    cfg: ExportConfig
    out_dir: Path
    samples: dict[str, list[Sample]]
    pairs: dict[str, list[dict[str, Any]]]
    lf_entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, int] = field(default_factory=dict)

    def write_jsonl(self, rel: str, records: Iterable[dict[str, Any]]) -> None:
        """Write records (streamed) atomically as JSON lines under the export folder and note the count."""
        n = 0
        with atomic_open(self.out_dir / rel) as f:
            for r in records:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
                n += 1
        self.files[rel] = n

    def lf_name(self, *parts: str) -> str:
        """An entry name in dataset_info.json: ``<dataset_name>_<parts...>``."""
        return "_".join((self.cfg.dataset_name, *parts))
