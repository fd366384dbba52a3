"""Model card (``README.md``) written next to every saved adapter or model: data, counts, hyper-parameters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from corpusforge.io import atomic_open

_KEYS = (
    "learning_rate_used",
    "max_length",
    "per_device_train_batch_size",
    "gradient_accumulation_steps",
    "world_size",
    "num_train_epochs",
    "max_steps",
    "warmup_ratio",
    "lr_scheduler_type",
    "weight_decay",
    "gradient_checkpointing",
    "seed",
    "loss_mode",
    "packing",
    "packing_strategy",
    "general_share",
    "beta",
    "loss_type",
)

_RANDOM_NOTE = [
    "**The base model's weights are random.** `random:` builds the published architecture with random "
    "initialisation and no download, for memory planning and benchmarks: this "
    "adapter (or model) has learnt nothing useful and must not be used for generation.",
    "",
]


def _hyper_rows(result: Any) -> list[str]:
    h = result.hyperparameters
    rows = [f"| {k} | {h[k]} |" for k in _KEYS if k in h]
    if result.method in ("lora", "qlora"):
        lo = h.get("lora", {})
        rows.append(f"| lora r / alpha / dropout | {lo.get('r')} / {lo.get('alpha')} / {lo.get('dropout')} |")
        rows.append(f"| lora target_modules | {', '.join(lo.get('target_modules', []))} |")
    elif result.method in ("prompt", "ptuning"):
        rows.append(f"| num_virtual_tokens | {h.get('prompt', {}).get('num_virtual_tokens')} |")
    return rows


def render_model_card(result: Any) -> str:
    """The card's Markdown text for a :class:`corpusforge.train.run.TrainResult`."""
    d = result.data
    skipped = ", ".join(f"{k}: {v}" for k, v in d.get("skipped", {}).items()) or "none"
    first = f"{result.losses[0][1]:.4f} (step {result.losses[0][0]})" if result.losses else "n/a"
    last = f"{result.losses[-1][1]:.4f} (step {result.losses[-1][0]})" if result.losses else "n/a"
    peft = result.method != "full"
    lines = [
        "---",
        f"base_model: {result.base_model}",
        f"library_name: {'peft' if peft else 'transformers'}",
        f"tags: [corpusforge, {result.stage}, {result.method}, trl]",
        "---",
        "",
        f"# corpusforge {result.stage} ({result.method})",
        "",
        f"Trained with corpusforge (TRL + PEFT) from `{result.base_model}`.",
        "",
        *(_RANDOM_NOTE if str(result.base_model).startswith("random:") else []),
        "## Data",
        "",
        f"- file: `{d.get('path')}`",
        f"- lines read: {d.get('read')}, records used: {d.get('used')}, skipped: {skipped}",
        f"- general-text records mixed in: {d.get('general', 0)}",
        "",
        "## Training",
        "",
        f"- optimizer steps: {result.steps}"
        + (f" (resumed from `{result.resumed_from}`)" if result.resumed_from else ""),
        f"- trainable parameters: {result.trainable_params:,} of {result.total_params:,}",
        f"- loss: first {first}, last {last}",
        "",
        "| hyper-parameter | value |",
        "|---|---|",
        *_hyper_rows(result),
        "",
        "## Use",
        "",
        "```bash",
        f"corpusforge train merge {result.final_dir} --out merged/"
        if peft
        else f"# full model in {result.final_dir}",
        "```",
        "",
    ]
    return "\n".join(lines)


def write_model_card(result: Any, path: Path) -> Path:
    """Write the card (replacing PEFT's template card)."""
    with atomic_open(path) as f:
        f.write(render_model_card(result))
    return path
