"""Per-stage TRL wiring: the config class, the dataset shape and the trainer for pt, sft and dpo.

No training loop lives here: each stage builds an ``SFTConfig`` or ``DPOConfig`` and hands the model,
tokenizer, dataset and PEFT config to TRL's trainer.
"""

from __future__ import annotations

import logging
from typing import Any

from corpusforge.train.recipe import Recipe

log = logging.getLogger(__name__)


def sft_loss_mode(tok: Any, loss_on: str) -> str:
    """How SFT masks the loss for this tokenizer's chat template.

    Returns:
        ``assistant_only`` when the template has (or TRL can patch in) ``{% generation %}`` markers,
        ``completion_only`` when it cannot (e.g. SmolLM2's template): the last assistant turn becomes the
        completion of a prompt-completion example, so only its tokens carry the loss; ``all`` for loss_on=all.
    """
    if loss_on == "all":
        return "all"
    from trl.chat_template_utils import get_training_chat_template, has_generation_markers

    if tok.chat_template and has_generation_markers(tok.chat_template):
        return "assistant_only"
    try:
        get_training_chat_template(tok)
        return "assistant_only"
    except (ValueError, TypeError):
        return "completion_only"


def shape_sft_rows(rows: list[dict[str, Any]], mode: str) -> list[dict[str, Any]]:
    """Rows as TRL wants them for the loss mode (``messages`` or ``prompt``/``completion``)."""
    if mode != "completion_only":
        return rows
    return [{"prompt": r["messages"][:-1], "completion": r["messages"][-1:]} for r in rows]


def common_args(recipe: Recipe, method: str, out: str, max_steps: int | None) -> dict[str, Any]:
    """TrainingArguments shared by every stage."""
    from corpusforge.train.methods import has_cuda

    cuda = has_cuda()
    save_steps = min(recipe.save_steps, max_steps) if max_steps else recipe.save_steps
    bf16 = False
    if cuda:
        import torch

        bf16 = bool(torch.cuda.is_bf16_supported())
    return dict(
        output_dir=out,
        learning_rate=recipe.lr_for(method),
        max_steps=max_steps or -1,
        num_train_epochs=recipe.num_train_epochs,
        per_device_train_batch_size=recipe.per_device_train_batch_size,
        gradient_accumulation_steps=recipe.gradient_accumulation_steps,
        warmup_steps=recipe.warmup_ratio,
        lr_scheduler_type=recipe.lr_scheduler_type,
        weight_decay=recipe.weight_decay,
        gradient_checkpointing=recipe.gradient_checkpointing and method not in ("prompt", "ptuning"),
        logging_steps=recipe.logging_steps,
        save_strategy="steps",
        save_steps=save_steps,
        save_total_limit=recipe.save_total_limit,
        seed=recipe.seed,
        report_to="none",
        bf16=bf16,
        fp16=False,
        use_cpu=not cuda,
        dataloader_num_workers=0,
        # DDP: every trainable (adapter) parameter gets a gradient each step; searching for unused ones
        # costs a graph walk per step and breaks with gradient checkpointing (LLaMA-Factory sets it too).
        ddp_find_unused_parameters=False,
        max_length=recipe.max_length,
        dataset_num_proc=None,
    )


def build_trainer(
    stage: str,
    model: Any,
    tok: Any,
    rows: list[dict[str, Any]],
    recipe: Recipe,
    method: str,
    out: str,
    max_steps: int | None,
    peft_cfg: Any,
) -> tuple[Any, dict[str, Any]]:
    """The TRL trainer for a stage, and the stage facts worth recording (loss mode, packing)."""
    from datasets import Dataset

    args = common_args(recipe, method, out, max_steps)
    facts: dict[str, Any] = {}
    if stage == "dpo":
        from trl import DPOConfig, DPOTrainer

        cfg = DPOConfig(**args, beta=recipe.beta, loss_type=[recipe.loss_type])
        trainer = DPOTrainer(
            model=model,
            args=cfg,
            train_dataset=Dataset.from_list(rows),
            processing_class=tok,
            peft_config=peft_cfg,
        )
        facts.update(beta=recipe.beta, loss_type=recipe.loss_type)
        return trainer, facts

    from trl import SFTConfig, SFTTrainer

    if stage == "pt":
        extra: dict[str, Any] = dict(
            packing=recipe.packing,
            packing_strategy=recipe.packing_strategy,
            dataset_text_field="text",
            completion_only_loss=False,
        )
        facts.update(packing=recipe.packing, packing_strategy=recipe.packing_strategy)
    else:
        mode = sft_loss_mode(tok, recipe.loss_on)
        rows = shape_sft_rows(rows, mode)
        extra = dict(
            packing=False,
            assistant_only_loss=mode == "assistant_only",
            completion_only_loss=mode == "completion_only",
        )
        facts["loss_mode"] = mode
        log.info("sft loss mode: %s", mode)
    sft_cfg = SFTConfig(**args, **extra)
    sft_trainer = SFTTrainer(
        model=model,
        args=sft_cfg,
        train_dataset=Dataset.from_list(rows),
        processing_class=tok,
        peft_config=peft_cfg,
    )
    return sft_trainer, facts
