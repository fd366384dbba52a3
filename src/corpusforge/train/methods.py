"""Training methods: the base model as each method loads it, and the PEFT config it trains.

``lora`` (bf16 base on GPU, fp32 on CPU), ``qlora`` (4-bit NF4 base through bitsandbytes, CUDA only),
``full`` (every weight), ``prompt`` (prompt tuning) and ``ptuning`` (P-tuning, an MLP prompt encoder).
"""

from __future__ import annotations

import logging
from typing import Any

from corpusforge.train.recipe import Recipe

log = logging.getLogger(__name__)


class MethodError(RuntimeError):
    """A method cannot run here (e.g. QLoRA without a CUDA GPU)."""


def has_cuda() -> bool:
    """Whether a CUDA GPU is usable."""
    import torch

    return bool(torch.cuda.is_available())


def check_method(method: str) -> None:
    """Fail early, in one line, when the method cannot run on this machine.

    Raises:
        MethodError: qlora without CUDA or without bitsandbytes.
    """
    from corpusforge.train.recipe import METHODS

    if method not in METHODS:
        raise MethodError(f"unknown method {method!r} (choose from {', '.join(METHODS)})")
    if method != "qlora":
        return
    if not has_cuda():
        raise MethodError(
            "qlora needs a CUDA GPU (4-bit bitsandbytes); none found on this machine "
            "-- use --method lora on CPU"
        )
    try:
        import bitsandbytes  # noqa: F401
    except ImportError:
        raise MethodError("qlora needs the package bitsandbytes: pip install bitsandbytes") from None


def load_base(base_model: str | None, method: str) -> tuple[Any, Any]:
    """Load (model, tokenizer) the way ``method`` trains it."""
    import torch

    from corpusforge.train.random_model import is_random, load_any

    check_method(method)
    cuda = has_cuda()
    kwargs: dict[str, Any] = {}
    if method == "qlora" and is_random(base_model):
        raise MethodError(f"{base_model}: qlora quantises saved weights; random: bases train with lora/full")
    if method == "qlora":
        from transformers import BitsAndBytesConfig

        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True,
            bnb_4bit_quant_type="nf4",
            bnb_4bit_use_double_quant=True,
            bnb_4bit_compute_dtype=torch.bfloat16,
        )
        from accelerate import PartialState

        kwargs["device_map"] = {"": PartialState().local_process_index}  # one GPU per DDP process
        dtype = torch.bfloat16
    elif cuda and method != "full":
        dtype = torch.bfloat16  # frozen base in bf16; adapters stay fp32
    else:
        dtype = torch.float32  # full fine-tuning keeps fp32 master weights (bf16 autocast on GPU)
    # QLoRA: no prepare_model_for_kbit_training -- it upcasts embeddings and lm_head to fp32 (GiBs for
    # Qwen's 152k vocabulary); TRL enables input gradients and casts the adapters to bf16 itself.
    return load_any(base_model, dtype=dtype, **kwargs)


def peft_config(method: str, recipe: Recipe) -> Any:
    """The PEFT config a method trains (None for full fine-tuning)."""
    if method == "full":
        return None
    if method in ("lora", "qlora"):
        from peft import LoraConfig

        lo = recipe.lora
        return LoraConfig(
            r=lo.r,
            lora_alpha=lo.alpha,
            lora_dropout=lo.dropout,
            target_modules=lo.target_modules,
            bias="none",
            task_type="CAUSAL_LM",
        )
    if method == "prompt":
        from peft import PromptTuningConfig

        return PromptTuningConfig(task_type="CAUSAL_LM", num_virtual_tokens=recipe.prompt.num_virtual_tokens)
    if method == "ptuning":
        from peft import PromptEncoderConfig

        return PromptEncoderConfig(
            task_type="CAUSAL_LM",
            num_virtual_tokens=recipe.prompt.num_virtual_tokens,
            encoder_hidden_size=128,
        )
    raise MethodError(f"unknown method {method!r} (choose from lora, qlora, full, prompt, ptuning)")
