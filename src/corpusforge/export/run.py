"""``run_export``: select samples, split them by source document, write each requested format."""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpusforge.export.config import ExportConfig
from corpusforge.export.context import ExportContext
from corpusforge.export.formats import get_format
from corpusforge.export.selection import Filters, select_pairs, select_samples
from corpusforge.export.split import SPLITS, split_sources
from corpusforge.io import atomic_open
from corpusforge.records import Sample
from corpusforge.workspace import Workspace

log = logging.getLogger(__name__)

_ALIASES = {
    "task": "tasks",
    "status": "statuses",
    "source": "sources",
    "score": "min_grounding",
    "min_score": "min_grounding",
}


@dataclass
class ExportSummary:
    """What an export wrote.

    Attributes:
        out_dir: the export folder.
        formats: the formats written.
        files: path relative to ``out_dir`` -> records in it.
        splits: split -> samples; ``pair_splits``: split -> preference pairs.
        split_of_source: source file -> split (each source in exactly one split).
        skipped: reason -> samples (or pairs, ``pair_*``) left out by the filters.
        cross_split: samples whose chunk_ids include a chunk of a document in another split (rag
            distractors); left out when ``export.drop_cross_split`` is set.
    """

    out_dir: Path
    formats: list[str]
    files: dict[str, int] = field(default_factory=dict)
    splits: dict[str, int] = field(default_factory=dict)
    pair_splits: dict[str, int] = field(default_factory=dict)
    split_of_source: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    cross_split: int = 0


def cross_split(ws: Workspace, samples: list[Sample], where: dict[str, str]) -> set[str]:
    """Ids of samples showing a chunk (``<doc_id>-<index>``) of a document assigned to another split."""
    source_of = {d.doc_id: d.source for d in ws.store.iter_documents(include_stale=True)}
    out = set()
    for s in samples:
        for cid in s.chunk_ids:
            src = source_of.get(cid.rsplit("-", 1)[0])
            if src in where and where[src] != where[s.source]:
                out.add(s.sample_id)
                break
    return out


def export_config(base: ExportConfig, overrides: dict[str, Any]) -> ExportConfig:
    """The export config with keyword overrides (``tasks=``, ``task=``, ``min_grounding=`` ...) applied.

    Raises:
        ValueError: naming an unknown filter or an invalid value.
    """
    data = base.model_dump()
    for key, value in overrides.items():
        if value is None:
            continue
        key = _ALIASES.get(key, key)
        if key not in ExportConfig.model_fields:
            raise ValueError(f"export: unknown option {key!r}")
        if key in {"tasks", "statuses", "sources", "formats"} and isinstance(value, str):
            value = [value]
        data[key] = value
    return ExportConfig.model_validate(data)


def run_export(
    ws: Workspace, formats: list[str] | None = None, out_dir: str | Path | None = None, **filters: Any
) -> ExportSummary:
    """Export the workspace's samples (and corpus, preference pairs) in the given formats.

    Args:
        ws: the workspace.
        formats: format names (see ``corpusforge.export.formats.FORMATS``); default ``export.formats``.
        out_dir: export folder; default ``export.out_dir`` under the workspace.
        **filters: overrides of the ``export`` config: ``tasks``/``task``, ``statuses``/``status``,
            ``sources``/``source`` (globs), ``min_grounding``/``score``, ``system_prompt``, ``seed``,
            ``validation_size``, ``test_size``, ``preference_style``.

    Returns:
        ExportSummary with the files and counts written.

    Raises:
        corpusforge.export.formats.UnknownFormat: for a format name not in the registry.
    """
    cfg = export_config(ws.config.export, filters)
    formats = list(dict.fromkeys(formats or cfg.formats))
    writers = {name: get_format(name) for name in formats}  # fail before writing anything
    out = Path(out_dir) if out_dir else ws.root / cfg.out_dir
    flt = Filters(
        statuses=cfg.statuses, tasks=cfg.tasks, sources=cfg.sources, min_grounding=cfg.min_grounding
    )
    skipped: Counter[str] = Counter()
    samples = select_samples(ws.store, flt, skipped)
    pairs = select_pairs(ws.store, flt, skipped) if "preference" in formats else []
    items = [(s.source, s.task) for s in samples] + [(p["source"], "preference") for p in pairs]
    where = split_sources(items, {"validation": cfg.validation_size, "test": cfg.test_size}, cfg.seed)
    crossing = cross_split(ws, samples, where)
    if crossing:
        log.info(
            "export: %d samples show passages of documents in another split (rag distractors)%s",
            len(crossing),
            "; left out" if cfg.drop_cross_split else "",
        )
        if cfg.drop_cross_split:
            samples = [s for s in samples if s.sample_id not in crossing]
            skipped["cross_split"] += len(crossing)
    by_split = {sp: [s for s in samples if where[s.source] == sp] for sp in SPLITS}
    pairs_split = {sp: [p for p in pairs if where[p["source"]] == sp] for sp in SPLITS}
    ctx = ExportContext(ws=ws, cfg=cfg, out_dir=out, samples=by_split, pairs=pairs_split)
    for name, fmt in writers.items():
        log.info("export: writing %s", name)
        fmt.write(ctx)
    if ctx.lf_entries:
        _merge_dataset_info(out / "dataset_info.json", ctx.lf_entries)
        ctx.files["dataset_info.json"] = len(ctx.lf_entries)
    summary = ExportSummary(
        out_dir=out,
        formats=formats,
        files=dict(sorted(ctx.files.items())),
        splits={k: len(v) for k, v in by_split.items()},
        pair_splits={k: len(v) for k, v in pairs_split.items()},
        split_of_source=dict(sorted(where.items())),
        skipped=dict(sorted(skipped.items())),
        cross_split=len(crossing),
    )
    _write_manifest(out / "manifest.json", summary, cfg)
    return summary


def _merge_dataset_info(path: Path, entries: dict[str, dict[str, Any]]) -> None:
    """Add/replace entries in LLaMA-Factory's dataset_info.json, keeping entries written by others."""
    current: dict[str, Any] = {}
    if path.exists():
        try:
            current = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            log.warning("%s: not valid JSON (%s); rewriting it", path, e.msg)
    current.update(entries)
    with atomic_open(path) as f:
        f.write(json.dumps(current, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def _write_manifest(path: Path, summary: ExportSummary, cfg: ExportConfig) -> None:
    """manifest.json: the split of every source, counts and the filters used (no timestamps: deterministic)."""
    data = {
        "formats": summary.formats,
        "splits": summary.splits,
        "pair_splits": summary.pair_splits,
        "split_of_source": summary.split_of_source,
        "skipped": summary.skipped,
        "cross_split": summary.cross_split,
        "files": summary.files,
        "filters": {
            "statuses": cfg.statuses,
            "tasks": cfg.tasks,
            "sources": cfg.sources,
            "min_grounding": cfg.min_grounding,
        },
        "seed": cfg.seed,
        "validation_size": cfg.validation_size,
        "test_size": cfg.test_size,
    }
    with atomic_open(path) as f:
        f.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
