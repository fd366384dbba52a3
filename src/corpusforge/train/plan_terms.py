"""The activation and logits terms of the memory planner, derived from what autograd keeps alive.

Nothing here is fitted. Each term names the tensors it counts; they were found by walking the autograd
graph of a random-weight Qwen2.5 block (the ``_saved_*`` tensors of every backward node, excluding the
parameters) on CPU, torch 2.13, transformers 5.24, PEFT 0.21, TRL 1.16, and are the same per layer for
every Qwen2.5 size. The CPU figures are checked against measured peak RSS in docs/training.md; the CUDA
variants (bf16, SDPA flash/memory-efficient kernels, a bool dropout mask, TRL's Triton head) follow from
the same accounting but have not been measured here.
"""

from __future__ import annotations

from corpusforge.train.plan_models import ModelShape

# TRL's fused lm-head (trl/kernels/chunked_logprob.py, used by SFTTrainer and DPOTrainer) never builds the
# [tokens, vocab] logits: it projects tiles of at most TOKEN_TILE tokens x VOCAB_TILE vocabulary entries.
TOKEN_TILE = 4096
VOCAB_TILE = 32768
# Tile-sized fp32 buffers alive at once in the head's backward on CPU (the torch fallback of the Triton
# kernel, ``_backward_tile``): the projection buffer, y, z, log_p, p, grad, then a float copy of the bool
# target mask (plus the 1-byte mask itself, 0.25) and one temporary of the product. 8 + 0.25 = 8.25; the
# forward (``_forward_tile``) peaks at 4.25. Measured with /proc VmHWM: 8.26 tiles (1024 tokens), 8.42 (512).
TILES_CPU = 8.25
# On CUDA the Triton kernels fold each tile in registers: only the bf16 projection buffer is a tile.
TILES_CUDA = 1.0


def _fp32_as_elems(n: float, act_bytes: int) -> float:
    """``n`` fp32 values expressed in activation-dtype elements."""
    return n * 4 / act_bytes


def activation_elems_per_token_layer(
    shape: ModelShape,
    method: str,
    lora_r: int,
    targets: tuple[str, ...],
    seq_len: int,
    device: str,
) -> float:
    """Activation-dtype elements one decoder block keeps for backward, per token (no checkpointing).

    Frozen base (what prompt tuning trains through): ``4h + 2kv + 3i + heads + 2``:

    - ``2h + 2``: each RMSNorm keeps its normalised input (``h``) and its inverse RMS (1 fp32 value).
    - ``2h + 2kv + heads``: SDPA keeps the rotated query (``h``), key and value (``kv`` each), its output
      (``h``) and a per-head logsumexp (fp32). Its flash kernels (``_scaled_dot_product_flash_attention
      _for_cpu`` here, flash/memory-efficient on CUDA) keep no ``heads x seq`` score matrix, so
      ``seq_len`` appears nowhere.
    - ``3i``: SwiGLU keeps SiLU's input and both factors of ``act(gate) * up``.

    A frozen linear layer keeps no input: its weight needs no gradient and the input's gradient needs only
    the weight. Full tuning makes every linear and norm weight keep its input: ``+4h + i`` (q/k/v's shared
    input, o_proj's, gate/up's shared one, the norms' weighted inputs, and down_proj's ``i``). LoRA adds per
    target its dropout output (lora_A's input) and the dropout mask, ``in`` each (the mask is float on
    CPU; a bool, half a bf16 element, on CUDA), and lora_A's output, ``r``. The walk that found these
    (``_saved_*`` of every backward node, 1 vs 3 layers of random Qwen2.5-0.5B, CPU) matches them exactly.

    Args:
        shape: the model's shape.
        method: ``lora``, ``qlora``, ``full``, ``prompt`` or ``ptuning``.
        lora_r: LoRA rank.
        targets: LoRA target module names.
        seq_len: kept for the call signature; no term depends on it (no seq^2 attention scores).

    Returns:
        Elements of the activation dtype (fp32 on CPU, bf16 on CUDA) per token per decoder block.
        device: ``cpu`` (fp32 activations) or ``cuda`` (bf16).
    """
    del seq_len  # SDPA keeps no score matrix, see above
    b = 4 if device == "cpu" else 2
    h, i, kv = shape.hidden, shape.intermediate, shape.kv_heads * shape.hd
    n = 4 * h + 2 * kv + 3 * i + _fp32_as_elems(shape.heads + 2, b)
    if method == "full":
        n += 4 * h + i
    elif method in ("lora", "qlora"):
        sh = shape.linear_shapes()
        mask = 1.0 if device == "cpu" else 0.5
        n += sum((1 + mask) * sh[t][0] + lora_r for t in targets if t in sh)
    return n


def head_bytes(shape: ModelShape, tokens: int, device: str) -> float:
    """Bytes of the loss head at its peak (the backward of TRL's fused lm-head).

    The tile buffers (:data:`TILES_CPU` or :data:`TILES_CUDA` tiles of ``min(tokens, 4096) x
    min(vocab, 32768)``; fp32 on CPU, bf16 on CUDA), plus per token the final norm's input and the
    head's saved input (activation dtype) and its fp32 gradient accumulator (``h`` each).
    """
    b = 4 if device == "cpu" else 2
    tiles = TILES_CPU if device == "cpu" else TILES_CUDA
    tile = min(tokens, TOKEN_TILE) * min(shape.vocab, VOCAB_TILE) * b
    return tiles * tile + tokens * shape.hidden * (2 * b + 4)


def tied_embedding_grad_bytes(shape: ModelShape, method: str) -> int:
    """Full tuning of a tied embedding: its backward builds a second fp32 ``vocab x h`` gradient.

    The lm-head's gradient becomes ``.grad`` first; the input embedding's dense backward then allocates
    another ``vocab x h`` tensor that is added into it, so both exist at the end of the backward.
    """
    return 4 * shape.vocab * shape.hidden if method == "full" and shape.tie_embeddings else 0
