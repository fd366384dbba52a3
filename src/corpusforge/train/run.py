"""``train(stage, data, out, ...)``: one training run of pt, sft or dpo, resumable, with card and curves.

Layout of ``out``: ``checkpoint-N/`` (Trainer checkpoints, the resume points), ``adapter/`` (PEFT methods)
or ``model/`` (full fine-tuning) with the model card ``README.md``, ``loss.png`` and ``train_result.json``.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from corpusforge.io import atomic_open
from corpusforge.train.data import read_records, resolve_data_path
from corpusforge.train.methods import check_method, load_base, peft_config
from corpusforge.train.random_model import is_random, random_shape
from corpusforge.train.recipe import load_recipe

log = logging.getLogger(__name__)


@dataclass
class TrainResult:
    """What a training run did and wrote.

    Attributes:
        final_dir: the saved adapter (``adapter/``) or full model (``model/``).
        steps: optimizer steps done in total (including those before a resume).
        losses: (step, loss) pairs as logged, over the whole run.
        resumed_from: the checkpoint the run continued from, if any.
        data: what was read (path, read, used, skipped reasons, general records mixed in).
        hyperparameters: the effective recipe and method settings.
        memory: MiB: ``baseline_rss`` (after imports, before the model), ``peak_rss`` (process high-water
            mark), ``peak_rss_delta`` (their difference) and ``cuda_peak`` (max allocated) on a GPU.
        num_tokens, tokens_per_s: tokens trained on (as TRL counts them) and their rate in this run.
    """

    stage: str
    method: str
    base_model: str
    out: str
    final_dir: str
    steps: int = 0
    losses: list[tuple[int, float]] = field(default_factory=list)
    resumed_from: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    hyperparameters: dict[str, Any] = field(default_factory=dict)
    trainable_params: int = 0
    total_params: int = 0
    runtime_s: float = 0.0
    memory: dict[str, float | None] = field(default_factory=dict)
    num_tokens: int = 0
    tokens_per_s: float = 0.0
    plot: str | None = None
    run_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict."""
        return asdict(self)


def _recipe_overrides(overrides: dict[str, Any], method: str, stage: str, ws: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if ws is not None:
        out.update(ws.config.train.recipe_overrides.get(stage, {}))
    for k, v in overrides.items():
        if v is None:
            continue
        if k in ("lr", "learning_rate") and not isinstance(v, dict):
            out[f"learning_rate.{method}"] = float(v)
        else:
            out[k.replace("__", ".")] = v
    return out


def _count_params(model: Any) -> tuple[int, int]:
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return trainable, sum(p.numel() for p in model.parameters())


def train(
    stage: str,
    data: str | Path,
    out: str | Path,
    *,
    base_model: str | None = None,
    method: str = "lora",
    max_steps: int | None = None,
    resume: bool = True,
    ws: Any = None,
    recipe_file: str | Path | None = None,
    **overrides: Any,
) -> TrainResult:
    """Train one stage with TRL and save the adapter (or model), its card, the loss curve and a summary.

    Args:
        stage: ``pt``, ``sft`` or ``dpo``.
        data: a JSONL file or an export folder (see :mod:`corpusforge.train.data`).
        out: run folder; rerunning with the same folder resumes from its last checkpoint.
        base_model: HF id, local folder or GGUF file (empty = embedded SmolLM2).
        method: ``lora``, ``qlora``, ``full``, ``prompt`` or ``ptuning``.
        max_steps: stop after this many optimizer steps (quick checks); None = recipe epochs.
        resume: continue from the last ``checkpoint-N`` in ``out`` when there is one.
        ws: an open workspace: the run and its loss curve are recorded in its store.
        recipe_file: a recipe YAML replacing the shipped one.
        **overrides: recipe keys (``max_length=256``, ``lora__r=8``, ``lr=1e-4``, ``general_share=0``).

    Raises:
        corpusforge.train.methods.MethodError, corpusforge.train.data.DataError,
        corpusforge.train.recipe.RecipeError: one-line reasons the run cannot start.
    """
    t0 = time.time()
    recipe = load_recipe(stage, _recipe_overrides(overrides, method, stage, ws), recipe_file)
    check_method(method)
    base_model = base_model or (ws.config.train.base_model if ws is not None else "") or ""
    if is_random(base_model):
        random_shape(base_model)  # a bad spec fails here, in one line, before any heavy import
    path = resolve_data_path(stage, data)
    rows, summary = read_records(stage, path)

    import trl  # noqa: F401  (heavy imports before the RSS baseline, so it excludes them)
    from transformers.trainer_utils import get_last_checkpoint

    from corpusforge.train.general import mix_general
    from corpusforge.train.memory import cuda_peak_mb, peak_rss_mb, reset_cuda_peak, rss_mb
    from corpusforge.train.stages import build_trainer

    baseline = rss_mb()
    reset_cuda_peak()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    model, tok = load_base(base_model, method)
    if stage == "pt" and recipe.general_share > 0:
        rows, summary.general = mix_general(
            rows, recipe.general_share, recipe.general_data, model, tok, recipe.general_max_new_tokens
        )
    trainer, facts = build_trainer(
        stage, model, tok, rows, recipe, method, str(out), max_steps, peft_config(method, recipe)
    )
    last = get_last_checkpoint(str(out)) if resume and any(out.glob("checkpoint-*")) else None
    if last:
        log.info("resuming from %s", last)
    trainer.train(resume_from_checkpoint=last)
    peak = peak_rss_mb()
    memory = {
        "baseline_rss": baseline,
        "peak_rss": peak,
        "cuda_peak": cuda_peak_mb(),
        "peak_rss_delta": round(peak - baseline, 1) if peak and baseline else None,
    }

    final = out / ("model" if method == "full" else "adapter")
    trainer.save_model(str(final))  # collective under FSDP/ZeRO-3: every process calls it
    main = trainer.is_world_process_zero()
    world = int(trainer.args.world_size)
    if world > 1:  # launched (corpusforge.train.launch): each rank says what it did, in its own file
        from corpusforge.train.launch import write_rank_file

        write_rank_file(out, trainer, memory)
    if main:
        tok.save_pretrained(str(final))
    trainable, total = _count_params(trainer.model)
    logs = trainer.state.log_history
    num_tokens = int(max((h.get("num_tokens", 0) for h in logs), default=0))
    runtime = next((h["train_runtime"] for h in reversed(logs) if "train_runtime" in h), 0.0)
    rate = round(num_tokens / runtime, 1) if runtime and not last else 0.0  # resumed runs mix old tokens in
    losses = [(int(h["step"]), float(h["loss"])) for h in trainer.state.log_history if "loss" in h]
    hyper = {
        **recipe.model_dump(),
        **facts,
        "method": method,
        "max_steps": max_steps,
        "learning_rate_used": recipe.lr_for(method),
        "world_size": world,
    }
    result = TrainResult(
        stage=stage,
        method=method,
        base_model=base_model or "embedded",
        out=str(out),
        final_dir=str(final),
        steps=int(trainer.state.global_step),
        losses=losses,
        resumed_from=last,
        data=summary.as_dict(),
        hyperparameters=hyper,
        trainable_params=trainable,
        total_params=total,
        runtime_s=round(time.time() - t0, 2),
        memory=memory,
        num_tokens=num_tokens,
        tokens_per_s=rate,
    )
    if main:  # card, curve, store and summary once, not once per GPU process
        _write_outputs(result, ws)
    return result


def _write_outputs(result: TrainResult, ws: Any) -> None:
    from corpusforge.train.card import write_model_card
    from corpusforge.train.curves import record_in_store, save_loss_plot

    out = Path(result.out)
    if result.losses:
        result.plot = str(
            save_loss_plot(
                result.losses,
                out / "loss.png",
                f"{result.stage} / {result.method} on {Path(result.base_model).name}",
            )
        )
    if ws is not None:
        result.run_id = record_in_store(ws.store, result)
    write_model_card(result, Path(result.final_dir) / "README.md")
    with atomic_open(out / "train_result.json") as f:
        json.dump(result.to_dict(), f, ensure_ascii=False, indent=2)
