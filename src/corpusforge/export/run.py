"""``run_export``: select samples, split them by source document, write each requested format.

The whole export is built beside the export folder and swapped in at the end, manifest last (see
``corpusforge.export.folder``); splits with no record are left out of every format.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain, repeat
from pathlib import Path
from typing import Any, cast

from corpusforge.corpus.decontam import drop_contaminated
from corpusforge.export.config import ExportConfig
from corpusforge.export.context import ExportContext
from corpusforge.export.folder import DATASET_INFO, MANIFEST, foreign_entries, previous_export, write_json
from corpusforge.export.formats import get_format
from corpusforge.export.selection import (
    Filters,
    Picked,
    SplitSamples,
    count_selected,
    iter_picked,
    select_pairs,
)
from corpusforge.export.split import SPLITS, split_sources
from corpusforge.io import atomic_dir
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
        splits: split -> samples, for the splits that have samples; ``pair_splits``: split -> preference
            pairs, likewise.
        empty_splits: splits with no sample, left out of every format and of dataset_info.json;
            ``empty_pair_splits``: splits with no preference pair (when ``preference`` is written).
        empty_files: other files a format had no record for, so did not write (``pretrain/test.jsonl``).
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
    empty_splits: list[str] = field(default_factory=list)
    empty_pair_splits: list[str] = field(default_factory=list)
    empty_files: list[str] = field(default_factory=list)
    split_of_source: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    cross_split: int = 0


def cross_split(ws: Workspace, samples: Iterable[Sample | Picked], where: dict[str, str]) -> dict[str, str]:
    """Samples showing a chunk (``<doc_id>-<index>``) of a document assigned to another split: id -> the
    sample's own split."""
    if len(set(where.values())) < 2:  # one split: nothing can cross (and no chunk list is read)
        return {}
    source_of = {d.doc_id: d.source for d in ws.store.iter_documents(include_stale=True)}
    out = {}
    for s in samples:
        for cid in s.chunk_ids:
            src = source_of.get(cid.rsplit("-", 1)[0])
            if src in where and where[src] != where[s.source]:
                out[s.sample_id] = where[s.source]
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
        out_dir: export folder, replaced whole (see ``corpusforge.export.folder``); default
            ``export.out_dir`` under the workspace.
        **filters: overrides of the ``export`` config: ``tasks``/``task``, ``statuses``/``status``,
            ``sources``/``source`` (globs), ``min_grounding``/``score``, ``system_prompt``, ``seed``,
            ``validation_size``, ``test_size``, ``preference_style``.

    Returns:
        ExportSummary with the files and counts written.

    Raises:
        corpusforge.export.formats.UnknownFormat: for a format name not in the registry.
        corpusforge.export.folder.ExportTargetError: the folder is not empty and not a previous export.
    """
    cfg = export_config(ws.config.export, filters)
    formats = list(dict.fromkeys(formats or cfg.formats))
    writers = {name: get_format(name) for name in formats}  # fail before writing anything
    out = Path(os.path.abspath(out_dir if out_dir else ws.root / cfg.out_dir))
    previous = previous_export(out)  # refuse a folder that is not a previous export, before writing
    flt = Filters(
        statuses=cfg.statuses, tasks=cfg.tasks, sources=cfg.sources, min_grounding=cfg.min_grounding
    )
    skipped: Counter[str] = Counter()
    counts = count_selected(ws.store, flt, skipped)  # one grouped query: the split reads no sample
    pairs = select_pairs(ws.store, flt, skipped) if "preference" in formats else []
    items = chain(
        chain.from_iterable(repeat(k, n) for k, n in counts.items()),
        ((p["source"], "preference") for p in pairs),
    )
    where = split_sources(items, {"validation": cfg.validation_size, "test": cfg.test_size}, cfg.seed)
    crossing = cross_split(ws, iter_picked(ws.store, flt), where)
    if crossing:
        log.info(
            "export: %d samples show passages of documents in another split (rag distractors)%s",
            len(crossing),
            "; left out" if cfg.drop_cross_split else "",
        )
        if cfg.drop_cross_split:
            skipped["cross_split"] += len(crossing)
    left_out = crossing if cfg.drop_cross_split else {}
    n_left = Counter(left_out.values())
    per_split: Counter[str] = Counter()
    for (src, _), n in counts.items():
        per_split[where[src]] += n
    # each split streams its samples from the store whenever a format writes it
    streams = {
        sp: SplitSamples(
            ws.store, flt, {s for s, w in where.items() if w == sp}, per_split[sp] - n_left[sp], left_out
        )
        for sp in SPLITS
        if per_split[sp] - n_left[sp] > 0
    }
    # corpus.decontam: n-gram overlap with held-out text (a split it drops samples from becomes a list)
    by_split = drop_contaminated(ws, cast("dict[str, list[Sample]]", streams), skipped)
    pairs_split = {sp: ps for sp in SPLITS if (ps := [p for p in pairs if where[p["source"]] == sp])}
    empty = [sp for sp in SPLITS if sp not in by_split]
    if empty:
        log.info("export: no sample in %s: left out of every format", ", ".join(empty))
    with atomic_dir(out) as tmp:  # the whole export, swapped in at the end (a killed run changes nothing)
        ctx = ExportContext(ws=ws, cfg=cfg, out_dir=tmp, samples=by_split, pairs=pairs_split)
        for name, fmt in writers.items():
            log.info("export: writing %s", name)
            fmt.write(ctx)
        entries = {**foreign_entries(out, previous), **ctx.lf_entries}
        if entries:
            write_json(tmp / DATASET_INFO, entries, sort_keys=True)
            ctx.files[DATASET_INFO] = len(ctx.lf_entries)
        summary = ExportSummary(
            out_dir=out,
            formats=formats,
            files=dict(sorted(ctx.files.items())),
            splits={k: len(v) for k, v in by_split.items()},
            pair_splits={k: len(v) for k, v in pairs_split.items()},
            empty_splits=empty,
            empty_pair_splits=[sp for sp in SPLITS if sp not in pairs_split]
            if "preference" in formats
            else [],
            empty_files=sorted(ctx.empty),
            split_of_source=dict(sorted(where.items())),
            skipped=dict(sorted(skipped.items())),
            cross_split=len(crossing),
        )
        write_json(tmp / MANIFEST, manifest(summary, cfg))  # last: a folder with a manifest is complete
    return summary


def manifest(summary: ExportSummary, cfg: ExportConfig) -> dict[str, Any]:
    """manifest.json: the split of every source, counts and the filters used (no timestamps: deterministic)."""
    return {
        "formats": summary.formats,
        "splits": summary.splits,
        "pair_splits": summary.pair_splits,
        "empty_splits": summary.empty_splits,
        "empty_pair_splits": summary.empty_pair_splits,
        "empty_files": summary.empty_files,
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
