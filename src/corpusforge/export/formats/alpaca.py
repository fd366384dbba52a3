"""LLaMA-Factory alpaca JSONL: instruction, input, output, system (+ provenance), with dataset_info entries."""

from __future__ import annotations

from corpusforge.export.context import ExportContext
from corpusforge.export.formats.base import Format, labels
from corpusforge.export.selection import provenance


def write(ctx: ExportContext) -> None:
    """Write alpaca/<split>.jsonl and one dataset_info.json entry per split."""
    for split, samples in ctx.samples.items():
        rel = f"alpaca/{split}.jsonl"
        records = (  # a generator: the samples stream from the store to the file
            {
                "instruction": s.instruction,
                "input": s.input,
                "output": s.output,
                "system": ctx.cfg.system_prompt,
                **provenance(s),
                **labels(s),
            }
            for s in samples
        )
        if ctx.write_jsonl(rel, records):
            ctx.lf_entries[ctx.lf_name("alpaca", split)] = {
                "file_name": rel,
                "columns": {
                    "prompt": "instruction",
                    "query": "input",
                    "response": "output",
                    "system": "system",
                },
            }


FORMAT = Format(
    help="LLaMA-Factory alpaca (instruction/input/output/system): alpaca/{split}.jsonl + dataset_info.json",
    write=write,
)
