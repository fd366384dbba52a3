"""Hugging Face ``datasets``: ``hf/`` holds a DatasetDict (save_to_disk), Parquet splits and a dataset card.

``datasets.load_from_disk("hf")`` and ``datasets.load_dataset("hf")`` (via the card's ``configs``, reading
``data/<split>-00000-of-00001.parquet``) both work; the folder can be pushed to the Hub as it is. Empty
splits are left out (``datasets`` can save but not load them). Like every format it is written inside
the export's temporary folder, which is swapped in whole (see ``corpusforge.export.folder``).
``tags`` is a JSON object as a string (its keys differ between documents); ``evidence`` is a list of
``{quote, chunk_id, start, end, page, score}``.
"""

from __future__ import annotations

from typing import Any

from corpusforge.export.context import ExportContext
from corpusforge.export.formats.base import Format, labels
from corpusforge.export.hf_card import render_card
from corpusforge.export.selection import chat_turns, provenance
from corpusforge.records import content_hash


def features() -> Any:
    """The column types (explicit, so empty splits keep the same schema)."""
    from datasets import Features, List, Value

    return Features(
        {
            "messages": List({"role": Value("string"), "content": Value("string")}),
            "instruction": Value("string"),
            "input": Value("string"),
            "output": Value("string"),
            "source": Value("string"),
            "pages": List(Value("int64")),
            "chunk_ids": List(Value("string")),
            "task": Value("string"),
            "sample_id": Value("string"),
            "tags": Value("string"),
            "evidence": List(
                {
                    "quote": Value("string"),
                    "chunk_id": Value("string"),
                    "start": Value("int64"),
                    "end": Value("int64"),
                    "page": Value("int64"),
                    "score": Value("float64"),
                }
            ),
        }
    )


def build(ctx: ExportContext) -> Any:
    """The DatasetDict of the split samples, with content-derived fingerprints (deterministic files)."""
    import json

    from datasets import Dataset, DatasetDict

    feats = features()
    dd = {}
    for split, samples in ctx.samples.items():
        rows = [
            {
                "messages": chat_turns(s, ctx.cfg.system_prompt),
                "instruction": s.instruction,
                "input": s.input,
                "output": s.output,
                **provenance(s),
                **labels(s),
            }
            for s in samples
        ]
        for r in rows:  # tag keys differ between documents: one JSON object per row keeps one schema
            r["tags"] = json.dumps(r["tags"], ensure_ascii=False, sort_keys=True)
        if not rows:  # datasets can save but not load an empty split: leave it out
            continue
        ds = Dataset.from_list(rows, features=feats)
        fp = content_hash(json.dumps(rows, ensure_ascii=False, sort_keys=True))
        dd[split] = Dataset(ds.data, info=ds.info, split=split, fingerprint=fp)
    return DatasetDict(dd)


def write(ctx: ExportContext) -> None:
    """Write hf/: the DatasetDict, one Parquet file per non-empty split and the dataset card."""
    from datasets.utils import logging as ds_logging

    dd = build(ctx)
    bars = ds_logging.is_progress_bar_enabled()
    ds_logging.disable_progress_bar()
    try:
        _save(ctx, dd)
    finally:
        if bars:
            ds_logging.enable_progress_bar()


def _save(ctx: ExportContext, dd: Any) -> None:
    target = ctx.out_dir / "hf"
    dd.save_to_disk(str(target))
    for split, ds in dd.items():
        (target / "data").mkdir(exist_ok=True)
        ds.to_parquet(str(target / "data" / f"{split}-00000-of-00001.parquet"))
        ctx.files[f"hf/data/{split}-00000-of-00001.parquet"] = len(ds)
    (target / "README.md").write_text(render_card(ctx, dict(features())), encoding="utf-8")
    ctx.files["hf/README.md"] = 1


FORMAT = Format(
    help="Hugging Face datasets: hf/ (save_to_disk + data/*.parquet + README.md dataset card)",
    write=write,
)
