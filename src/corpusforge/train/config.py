"""``train`` section of corpusforge.yaml."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from corpusforge.configbase import Section


class TrainConfig(Section):
    """Training defaults (each stage has a recipe YAML next to the code: corpusforge/train/recipes/)."""

    base_model: str = Field(
        "",
        description="HF id, local folder, GGUF path, or random:Qwen/Qwen2.5-7B-Instruct (published architecture, random weights: planning/benchmarks); empty = embedded SmolLM2.",
    )
    method: Literal["lora", "qlora", "full", "prompt", "ptuning"] = Field(
        "lora", description="Default training method: lora, qlora (4-bit, GPU only), full, prompt, ptuning."
    )
    out_dir: str = Field("out/train", description="Where runs are written (one folder per stage below it).")
    recipe_overrides: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Per-stage recipe keys to override, e.g. {sft: {max_length: 1024, 'lora.r': 8}}.",
    )
