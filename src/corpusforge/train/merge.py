"""``corpusforge train merge``: fold a LoRA adapter into its base model and save a standalone model."""

from __future__ import annotations

import json
import logging
from pathlib import Path

log = logging.getLogger(__name__)


class MergeError(RuntimeError):
    """The adapter cannot be merged (missing, not LoRA, base model unavailable)."""


def merge_adapter(adapter: str | Path, out: str | Path, base_model: str | None = None) -> Path:
    """Load the base model (fp32), apply the adapter, merge it into the weights and save model + tokenizer.

    Args:
        adapter: folder with ``adapter_config.json`` (a run's ``adapter/``).
        out: folder for the merged model (``from_pretrained``-ready, safetensors).
        base_model: override the base recorded in the adapter (HF id, folder or GGUF).

    Raises:
        MergeError: one line naming the adapter and the reason.
    """
    from corpusforge.train.random_model import load_any

    adapter, out = Path(adapter), Path(out)
    cfg_path = adapter / "adapter_config.json"
    if not cfg_path.is_file():
        raise MergeError(f"{adapter}: no adapter_config.json (give the adapter/ folder of a train run)")
    cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
    if cfg.get("peft_type") != "LORA":
        raise MergeError(
            f"{adapter}: {cfg.get('peft_type')} adapters cannot be merged into weights (LoRA only)"
        )
    from peft import PeftModel

    base = base_model or cfg.get("base_model_name_or_path")
    model, tok = load_any(base)
    merged = PeftModel.from_pretrained(model, str(adapter)).merge_and_unload()
    out.mkdir(parents=True, exist_ok=True)
    merged.save_pretrained(str(out), safe_serialization=True)
    tok.save_pretrained(str(out))
    log.info("merged %s into %s -> %s", adapter, base, out)
    return out
