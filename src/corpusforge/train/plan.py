"""``plan_memory(model, method, seq_len, batch)``: memory a training run needs, before any download.

Peak = weights + gradients + optimizer states + activations + loss head + runtime overhead; the formula,
its check against measured CPU runs and its comparison with published figures are in docs/training.md.
The activation and loss-head terms (:mod:`corpusforge.train.plan_terms`) come from what autograd keeps;
the one fitted constant is :data:`CPU_OVERHEAD`. All sizes are bytes inside, GiB out.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from corpusforge.train.plan_models import ModelShape, PlanError, resolve_shape
from corpusforge.train.plan_terms import (
    activation_elems_per_token_layer,
    head_bytes,
    tied_embedding_grad_bytes,
)

__all__ = ["Plan", "activation_elems_per_token_layer", "plan_memory", "trainable_params"]

GIB = 2**30
DEFAULT_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
# 4-bit NF4 with double quantisation: 4 bits + 8-bit absmax per 64 + fp32 per 256 absmax groups.
NF4_BYTES = 0.5 + 1 / 64 + 4 / (64 * 256)
# The only fitted constant: RSS a CPU run adds beyond the modelled tensors (the allocator's retained pages,
# Trainer/accelerate state, the Arrow dataset). Fitted on ONE run, SmolLM2-135M LoRA r=16, pt, seq 128 x
# batch 2, no checkpointing (torch 2.13, transformers 5.24, TRL 1.16); every Qwen2.5 run is a check.
CPU_OVERHEAD = 0.25 * GIB


@dataclass
class Plan:
    """A memory estimate (GiB) and a data-size recommendation for one training set-up."""

    model: str
    method: str
    stage: str
    device: str
    seq_len: int
    batch: int
    gradient_checkpointing: bool
    params: int
    trainable_params: int
    weights_gib: float
    gradients_gib: float
    optimizer_gib: float
    activations_gib: float
    logits_gib: float
    overhead_gib: float
    total_gib: float
    recommended_data: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly dict."""
        return asdict(self)


def trainable_params(
    shape: ModelShape,
    method: str,
    lora_r: int = 16,
    targets: tuple[str, ...] = DEFAULT_TARGETS,
    virtual_tokens: int = 32,
) -> int:
    """Parameters the method trains."""
    if method == "full":
        return shape.params()
    if method in ("lora", "qlora"):
        sh = shape.linear_shapes()
        return shape.layers * sum(lora_r * (sh[t][0] + sh[t][1]) for t in targets if t in sh)
    if method == "prompt":
        return virtual_tokens * shape.hidden
    if method == "ptuning":  # PEFT's MLP prompt encoder (hidden 128) plus the virtual-token embedding
        enc = 128
        return (
            virtual_tokens * shape.hidden
            + shape.hidden * enc
            + enc
            + enc * enc
            + enc
            + enc * shape.hidden
            + shape.hidden
        )
    raise PlanError(f"unknown method {method!r} (choose from lora, qlora, full, prompt, ptuning)")


def recommended_data(shape: ModelShape, method: str, trainable: int) -> dict[str, Any]:
    """Rules of thumb for how much data a method can use (docs/training.md gives the sources)."""
    sft = {
        "full": (10_000, 100_000),
        "lora": (1_000, 20_000),
        "qlora": (1_000, 20_000),
        "prompt": (100, 5_000),
        "ptuning": (100, 5_000),
    }[method]
    pt_tokens = max(1_000_000, 20 * trainable)
    return {
        "sft_samples": {"min": sft[0], "max": sft[1]},
        "dpo_pairs": {"min": sft[0] // 2, "max": sft[1] // 2},
        "pt_tokens": pt_tokens,
        "why": "pt: ~20 tokens per trained parameter (Chinchilla ratio, at least 1M tokens); "
        "sft: LIMA-style 1k curated samples suffice for adapters, full tuning needs 10x more",
    }


def _shape(model: str | None) -> ModelShape:
    from corpusforge.train.random_model import RandomModelError, is_random, random_shape

    if not is_random(model):
        return resolve_shape(model)
    try:
        return random_shape(str(model))
    except RandomModelError as e:
        raise PlanError(str(e)) from None


def plan_memory(
    model: str | None,
    method: str,
    seq_len: int,
    batch: int,
    *,
    stage: str = "sft",
    device: str = "cuda",
    gradient_checkpointing: bool = True,
    lora_r: int = 16,
    targets: tuple[str, ...] = DEFAULT_TARGETS,
    virtual_tokens: int = 32,
) -> Plan:
    """Estimate peak training memory of one device (GPU: ``max_memory_allocated``; CPU: RSS growth).

    Args:
        model: Qwen2.5 name (offline), local folder / config.json, GGUF, or empty for the embedded model.
        method: ``lora``, ``qlora``, ``full``, ``prompt`` or ``ptuning``.
        seq_len: tokens per sequence (the packed block length for pt).
        batch: micro-batch per device.
        stage: ``pt``/``sft`` (one forward) or ``dpo`` (chosen+rejected, plus a reference forward).
        device: ``cuda`` (bf16 compute) or ``cpu`` (fp32).
    """
    if device not in ("cuda", "cpu"):
        raise PlanError(f"unknown device {device!r} (cuda or cpu)")
    if method == "qlora" and device == "cpu":
        raise PlanError("qlora runs on a CUDA GPU only (4-bit bitsandbytes)")
    shape = _shape(model)
    P, T = shape.params(), trainable_params(shape, method, lora_r, targets, virtual_tokens)
    act_bytes = 4 if device == "cpu" else 2
    notes = []
    if method == "full":
        weights: float = 4 * P  # fp32 master weights (bf16 autocast on GPU)
        grads, optim = 4 * T, 8 * T
    elif method == "qlora":
        linear = shape.layers * shape.block_linear_params()
        weights = NF4_BYTES * linear + 2 * (P - linear) + 2 * T  # embeddings, lm_head, norms stay bf16
        grads, optim = 2 * T, 8 * T  # bf16 adapters (TRL casts them) with fp32 Adam moments
        notes.append(
            "qlora: embeddings and lm_head stay bf16 (bitsandbytes quantises the linear layers only)"
        )
    else:
        weights = (2 if device == "cuda" else 4) * P + 4 * T
        grads, optim = 4 * T, 8 * T
    grads += tied_embedding_grad_bytes(shape, method)
    tokens = batch * (seq_len + (virtual_tokens if method in ("prompt", "ptuning") else 0))
    if stage == "dpo":
        tokens *= 2
    per_layer = activation_elems_per_token_layer(shape, method, lora_r, targets, seq_len, device)
    if gradient_checkpointing and method not in ("prompt", "ptuning"):
        acts = act_bytes * tokens * (shape.layers * shape.hidden + per_layer)
    else:
        acts = act_bytes * tokens * shape.layers * per_layer
    # TRL's fused lm-head: tiles, never [tokens, vocab] logits (dpo's reference forward runs before, no grad)
    logits = head_bytes(shape, tokens, device)
    overhead = CPU_OVERHEAD if device == "cpu" else 0
    if device == "cuda":
        notes.append("cuda: add ~0.5-1 GiB for the CUDA context, which max_memory_allocated does not count")
    total = weights + grads + optim + acts + logits + overhead
    g = lambda x: round(x / GIB, 3)  # noqa: E731
    return Plan(
        model=shape.name,
        method=method,
        stage=stage,
        device=device,
        seq_len=seq_len,
        batch=batch,
        gradient_checkpointing=gradient_checkpointing,
        params=P,
        trainable_params=T,
        weights_gib=g(weights),
        gradients_gib=g(grads),
        optimizer_gib=g(optim),
        activations_gib=g(acts),
        logits_gib=g(logits),
        overhead_gib=g(overhead),
        total_gib=g(total),
        recommended_data=recommended_data(shape, method, T),
        notes=notes,
    )
