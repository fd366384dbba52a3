"""Training recipes: one YAML file per stage next to this module, validated by :class:`Recipe`.

Recipes give defaults; the ``train`` section of ``corpusforge.yaml`` and keyword overrides (CLI flags)
replace single keys. Unknown keys are errors, like everywhere else in corpusforge.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError

from corpusforge.configbase import Section, first_error
from corpusforge.yamlfile import YAMLFileError, load_yaml_file

RECIPES_DIR = Path(__file__).parent / "recipes"
STAGES = ("pt", "sft", "dpo")
METHODS = ("lora", "qlora", "full", "prompt", "ptuning")


class RecipeError(ValueError):
    """A one-line error about a recipe or an override, naming the key."""


class LoraRecipe(Section):
    """LoRA adapter shape (also used by QLoRA)."""

    r: int = Field(16, ge=1, description="LoRA rank.")
    alpha: int = Field(32, ge=1, description="LoRA alpha (scale = alpha / r).")
    dropout: float = Field(0.05, ge=0, lt=1, description="Dropout on the LoRA input.")
    target_modules: list[str] = Field(
        default_factory=lambda: ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
        description="Linear layers that get adapters (Qwen2.5 / Llama names).",
    )


class PromptRecipe(Section):
    """Prompt tuning / P-tuning."""

    num_virtual_tokens: int = Field(32, ge=1, description="Number of trained virtual tokens.")


class Recipe(Section):
    """Hyper-parameters of one training stage."""

    stage: Literal["pt", "sft", "dpo"] = Field(..., description="Training stage.")
    learning_rate: dict[str, Annotated[float, Field(gt=0, le=1)]] = Field(
        ..., description="Peak learning rate per method."
    )
    max_length: int = Field(2048, ge=8, description="Sequence length (packed block length for pt).")
    per_device_train_batch_size: int = Field(4, ge=1, description="Micro-batch per device.")
    gradient_accumulation_steps: int = Field(4, ge=1, description="Micro-batches per optimizer step.")
    num_train_epochs: float = Field(1, gt=0, description="Epochs (ignored when max_steps is set).")
    warmup_ratio: float = Field(0.03, ge=0, lt=1, description="Share of steps spent warming up.")
    lr_scheduler_type: str = Field("cosine", description="Transformers scheduler name.")
    weight_decay: float = Field(0.0, ge=0, description="AdamW weight decay.")
    gradient_checkpointing: bool = Field(True, description="Recompute activations in backward (less memory).")
    logging_steps: int = Field(10, ge=1, description="Log the loss every N steps.")
    save_steps: int = Field(200, ge=1, description="Checkpoint every N steps (resume point).")
    save_total_limit: int = Field(2, ge=1, description="Checkpoints kept.")
    seed: int = Field(42, ge=0, description="Random seed.")
    lora: LoraRecipe = Field(default_factory=LoraRecipe, description="LoRA / QLoRA settings.")
    prompt: PromptRecipe = Field(default_factory=PromptRecipe, description="Prompt / P-tuning settings.")
    # pt
    packing: bool = Field(True, description="pt: pack texts into max_length blocks.")
    packing_strategy: Literal["wrapped", "bfd", "bfd_split"] = Field(
        "wrapped", description="pt: TRL packing strategy (bfd needs FlashAttention for correct masking)."
    )
    general_share: float = Field(
        0.0, ge=0, lt=1, description="pt: share of general text mixed into the corpus."
    )
    general_data: str = Field("", description="pt: JSONL of {'text'} general text; empty = own generations.")
    general_max_new_tokens: int = Field(
        256, ge=8, description="pt: length of each self-generated general text."
    )
    # sft
    loss_on: Literal["assistant", "all"] = Field("assistant", description="sft: tokens that carry the loss.")
    # dpo
    beta: float = Field(0.1, gt=0, description="dpo: KL strength.")
    loss_type: str = Field("sigmoid", description="dpo: TRL DPO loss type.")

    def lr_for(self, method: str) -> float:
        """The recipe's learning rate for a method."""
        if method not in self.learning_rate:
            raise RecipeError(f"recipe {self.stage}: learning_rate has no entry for method {method!r}")
        return self.learning_rate[method]


def recipe_path(stage: str) -> Path:
    """The YAML file of a stage's recipe."""
    if stage not in STAGES:
        raise RecipeError(f"unknown stage {stage!r} (choose from {', '.join(STAGES)})")
    return RECIPES_DIR / f"{stage}.yaml"


def _set(data: dict[str, Any], key: str, value: Any) -> None:
    parts = key.split(".")
    cur = data
    for p in parts[:-1]:
        cur = cur.setdefault(p, {})
    cur[parts[-1]] = value


def load_recipe(
    stage: str, overrides: dict[str, Any] | None = None, path: str | Path | None = None
) -> Recipe:
    """Load a stage recipe (the shipped one, or ``path``) and apply overrides (``lora.r`` style keys allowed).

    Raises:
        RecipeError: one line naming the file or key and the problem.
    """
    src = Path(path) if path else recipe_path(stage)
    try:
        data = load_yaml_file(src)
    except YAMLFileError as e:
        raise RecipeError(str(e)) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise RecipeError(f"{src}: expected a mapping of recipe keys at the top level")
    for k, v in (overrides or {}).items():
        if v is not None:
            _set(data, k, v)
    try:
        return Recipe.model_validate(data)
    except ValidationError as e:
        raise RecipeError(f"{src.name}: {first_error(e)}") from None
