"""Preference pairs for DPO (TRL) and LLaMA-Factory's ranking format, from rated review candidates.

``preference/<split>.jsonl``: ``prompt``/``chosen``/``rejected`` as chat turns (TRL's conversational
preference format; ``export.preference_style: standard`` writes plain strings), plus provenance.
``preference/ranking_<split>.jsonl``: LLaMA-Factory's alpaca ranking records (instruction, input, chosen,
rejected, system), registered in dataset_info.json with ``"ranking": true``.
"""

from __future__ import annotations

from typing import Any

from corpusforge.export.context import ExportContext
from corpusforge.export.formats.base import Format, labels
from corpusforge.export.selection import provenance


def trl_record(
    pair: dict[str, Any], system_prompt: str, style: str, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One TRL preference record (conversational or standard) with provenance (and ``extra`` fields)."""
    if style == "standard":
        body: dict[str, Any] = {
            "prompt": pair["prompt"],
            "chosen": pair["chosen"],
            "rejected": pair["rejected"],
        }
    else:
        prompt = [{"role": "system", "content": system_prompt}] if system_prompt else []
        prompt.append({"role": "user", "content": pair["prompt"]})
        body = {
            "prompt": prompt,
            "chosen": [{"role": "assistant", "content": pair["chosen"]}],
            "rejected": [{"role": "assistant", "content": pair["rejected"]}],
        }
    return {**body, **provenance(pair), **(extra or {})}


def write(ctx: ExportContext) -> None:
    """Write the TRL and LLaMA-Factory preference files of every split that has pairs."""
    cache: dict[str, dict[str, Any]] = {}

    def lab(pair: dict[str, Any]) -> dict[str, Any]:  # the pair's sample's tags and evidence
        sid = pair["sample_id"]
        if sid not in cache:
            cache[sid] = labels(ctx.ws.store.get_sample(sid))
        return cache[sid]

    for split, pairs in ctx.pairs.items():
        sys_prompt = ctx.cfg.system_prompt
        ctx.write_jsonl(
            f"preference/{split}.jsonl",
            [trl_record(p, sys_prompt, ctx.cfg.preference_style, lab(p)) for p in pairs],
        )
        rel = f"preference/ranking_{split}.jsonl"
        ranking = [
            {
                "instruction": p["prompt"],
                "input": "",
                "chosen": p["chosen"],
                "rejected": p["rejected"],
                "system": sys_prompt,
                **provenance(p),
                **lab(p),
            }
            for p in pairs
        ]
        if ctx.write_jsonl(rel, ranking):
            ctx.lf_entries[ctx.lf_name("ranking", split)] = {
                "file_name": rel,
                "ranking": True,
                "columns": {
                    "prompt": "instruction",
                    "query": "input",
                    "chosen": "chosen",
                    "rejected": "rejected",
                    "system": "system",
                },
            }


FORMAT = Format(
    help="DPO pairs (TRL prompt/chosen/rejected) + LLaMA-Factory ranking: preference/{split}.jsonl, ranking_{split}.jsonl",
    write=write,
)
