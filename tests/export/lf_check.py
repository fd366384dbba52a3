"""Load every entry of an export's dataset_info.json through LLaMA-Factory's own data loader.

Run with the Python of a virtual environment that has ``llamafactory`` (its pins clash with ours), e.g.::

    /tmp/lf-venv/bin/python tests/export/lf_check.py OUT_DIR TOKENIZER_DIR REPORT.json

Entries are grouped by kind (``<name>_alpaca_train``, ``..._test`` -> ``alpaca``); each group is loaded
and tokenized in one ``get_dataset`` call (train and test as the training set, validation as the eval
set). Pretraining text is packed into 32-token blocks so the small test corpus fills at least one.
Writes REPORT.json: kind -> {stage, entries, train_rows, eval_rows, has_labels, text}; exits non-zero
on the first group LLaMA-Factory cannot load.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections import defaultdict


def stage_of(entry: dict, kind: str) -> str:
    """LLaMA-Factory stage: rm for ranking data, pt for the corpus, sft otherwise."""
    if entry.get("ranking"):
        return "rm"
    return "pt" if kind == "pretrain" else "sft"


def check(out_dir: str, tokenizer_dir: str) -> dict:
    """Load and tokenize each group of entries; return a report."""
    from llamafactory.data import get_dataset, get_template_and_fix_tokenizer
    from llamafactory.hparams import get_train_args
    from llamafactory.model import load_tokenizer

    info = json.load(open(os.path.join(out_dir, "dataset_info.json"), encoding="utf-8"))
    groups: dict[str, dict[str, str]] = defaultdict(dict)
    for name in info:
        head, _, split = name.rpartition("_")
        if split in {"train", "validation", "test"}:
            groups[head.rpartition("_")[2]][split] = name
        else:
            groups[split]["train"] = name
    report, tok_module = {}, None
    for kind, names in sorted(groups.items()):
        stage = stage_of(info[next(iter(names.values()))], kind)
        train = ",".join(names[s] for s in ("train", "test") if s in names)
        with tempfile.TemporaryDirectory() as tmp:
            args = {
                "model_name_or_path": tokenizer_dir,
                "stage": stage,
                "do_train": True,
                "finetuning_type": "lora",
                "dataset": train,
                "dataset_dir": out_dir,
                "template": "qwen",
                "cutoff_len": 32 if stage == "pt" else 512,
                "output_dir": tmp,
                "overwrite_cache": True,
                "report_to": "none",
            }
            if "validation" in names and stage != "pt":
                args["eval_dataset"] = names["validation"]
            model_args, data_args, training_args, _, _ = get_train_args(args)
            tok_module = tok_module or load_tokenizer(model_args)
            template = get_template_and_fix_tokenizer(tok_module["tokenizer"], data_args)
            module = get_dataset(template, model_args, data_args, training_args, stage, **tok_module)
        ds = module["train_dataset"]
        first = ds[0]
        ids = first.get("input_ids") or first.get("chosen_input_ids")
        labels = first.get("labels") or first.get("chosen_labels") or []
        ev = module.get("eval_dataset")
        report[kind] = {
            "stage": stage,
            "entries": sorted(names.values()),
            "train_rows": len(ds),
            "eval_rows": len(ev) if ev is not None else 0,
            "has_labels": any(x != -100 for x in labels),
            "text": tok_module["tokenizer"].decode(ids),
        }
    return report


if __name__ == "__main__":
    result = check(sys.argv[1], sys.argv[2])
    with open(sys.argv[3], "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False, indent=1)
