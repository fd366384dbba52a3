"""``plan_memory(model, method, seq_len, batch)``: memory a training run needs, before any download.

Peak = weights + gradients + optimizer states + activations + logits/loss + runtime overhead; the formula
and its comparison with published figures are in docs/training.md. All sizes are bytes inside, GiB out.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from corpusforge.train.plan_models import ModelShape, PlanError, resolve_shape

GIB = 2**30
DEFAULT_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
# 4-bit NF4 with double quantisation: 4 bits + 8-bit absmax per 64 + fp32 per 256 absmax groups.
NF4_BYTES = 0.5 + 1 / 64 + 4 / (64 * 256)
# Measured on CPU (torch 2.13, transformers 5, TRL 1.16): RSS the run adds beyond the modelled tensors
# (allocator caches, autograd scratch, Trainer/accelerate state, Arrow dataset). See docs/training.md.
CPU_OVERHEAD = 0.25 * GIB
# Per vocab entry per token: logits, fp32 log-softmax and their gradients (16 bytes), plus the entropy and
# token-accuracy metrics TRL's SFTTrainer computes from the logits (12 bytes, pt and sft only).
LOSS_BYTES = 16
METRIC_BYTES = 12
ATTN_COPIES_CPU = (
    4  # math SDPA on CPU keeps scores, masked scores, softmax and its gradient (heads x seq each)
)


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


def activation_elems_per_token_layer(
    shape: ModelShape, method: str, lora_r: int, targets: tuple[str, ...], seq_len: int, device: str
) -> int:
    """Elements one decoder block keeps for backward, per token (no checkpointing).

    RMSNorm in/out (2h) twice, q/k/v (h + 2kv), rotated q/k (h + kv), attention output and o_proj input (2h),
    SwiGLU gate, up, act(gate), product (4i); LoRA adds its dropout output and A output per target; the
    CPU's math attention also keeps the softmax (heads x seq per token).
    """
    h, i, kv = shape.hidden, shape.intermediate, shape.kv_heads * shape.hd
    n = 7 * h + 3 * kv + 4 * i
    if method in ("lora", "qlora"):
        sh = shape.linear_shapes()
        n += sum(sh[t][0] + lora_r for t in targets if t in sh)
    if device == "cpu":
        n += ATTN_COPIES_CPU * shape.heads * seq_len
    return n


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
    tokens = batch * (seq_len + (virtual_tokens if method in ("prompt", "ptuning") else 0))
    if stage == "dpo":
        tokens *= 2
    per_layer = activation_elems_per_token_layer(shape, method, lora_r, targets, seq_len, device)
    if gradient_checkpointing and method not in ("prompt", "ptuning"):
        acts = act_bytes * tokens * (shape.layers * shape.hidden + per_layer)
    else:
        acts = act_bytes * tokens * shape.layers * per_layer
    # dpo: no SFT metrics, but the reference model's logits (no grad) for chosen and rejected
    logits = (LOSS_BYTES + (4 if stage == "dpo" else METRIC_BYTES)) * tokens * shape.vocab
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
