"""Models under evaluation: a Transformers base model with optional LoRA adapter, or any LLM backend."""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class TransformersModel:
    """A causal LM loaded through Transformers (HF id, folder or GGUF), optionally with a PEFT adapter.

    Args:
        base: base model (empty = embedded SmolLM2).
        adapter: folder of a saved PEFT adapter, or None for the base model.
        name: label used in the report.
    """

    def __init__(self, base: str | None, adapter: str | Path | None = None, name: str | None = None):
        import torch

        from corpusforge.models import load_causal_lm

        torch.manual_seed(0)
        self.model, self.tok = load_causal_lm(base)
        if adapter is not None:
            from peft import PeftModel

            self.model = PeftModel.from_pretrained(self.model, str(resolve_adapter(adapter)))
        self.model.eval()
        self.tok.padding_side = "left"
        self.name = name or (Path(adapter).name if adapter else "base")
        self.adapter = str(adapter) if adapter else None

    def answer(
        self, prompts: list[list[dict[str, str]]], max_new_tokens: int = 128, batch_size: int = 4
    ) -> list[str]:
        """Greedy answers to chat prompts (rendered with the model's chat template)."""
        import torch

        out: list[str] = []
        for i in range(0, len(prompts), batch_size):
            texts = [
                self.tok.apply_chat_template(p, tokenize=False, add_generation_prompt=True)
                for p in prompts[i : i + batch_size]
            ]
            enc = self.tok(texts, return_tensors="pt", padding=True, add_special_tokens=False)
            with torch.no_grad():
                gen = self.model.generate(
                    **enc,
                    max_new_tokens=max_new_tokens,
                    do_sample=False,
                    pad_token_id=self.tok.pad_token_id,
                    repetition_penalty=1.1,
                )
            for row in gen[:, enc["input_ids"].shape[1] :]:
                out.append(self.tok.decode(row, skip_special_tokens=True).strip())
        return out

    def perplexity(self, texts: list[str], max_tokens: int = 256) -> float | None:
        """Token-weighted perplexity of the texts (each truncated to ``max_tokens``)."""
        import torch

        total_nll, total_tokens = 0.0, 0
        for text in texts:
            ids = self.tok(text, return_tensors="pt", truncation=True, max_length=max_tokens)["input_ids"]
            if ids.shape[1] < 2:
                continue
            with torch.no_grad():
                loss = self.model(input_ids=ids, labels=ids).loss
            n = ids.shape[1] - 1
            total_nll += float(loss) * n
            total_tokens += n
        return math.exp(total_nll / total_tokens) if total_tokens else None


class BackendModel:
    """Any configured LLM backend (llama.cpp, OpenAI-compatible server) as a model under evaluation."""

    def __init__(self, cfg: Any, store: Any = None, name: str | None = None):
        from corpusforge.llm import get_client

        self.client = get_client(cfg, store)
        self.name = name or f"{cfg.backend}:{cfg.model or 'embedded'}"
        self.adapter = None

    def answer(
        self, prompts: list[list[dict[str, str]]], max_new_tokens: int = 128, batch_size: int = 4
    ) -> list[str]:
        """Answers from the backend (temperature 0, cached in the store when one is given)."""
        return [
            self.client.chat_sync(
                p, temperature=0.0, max_tokens=max_new_tokens, prompt_version="eval"
            ).text.strip()
            for p in prompts
        ]

    def perplexity(self, texts: list[str], max_tokens: int = 256) -> float | None:
        """Backends give no log-probabilities here: perplexity is not available (None)."""
        return None


def resolve_adapter(path: str | Path) -> Path:
    """An adapter folder: the path itself, or the ``adapter/`` folder of a ``corpusforge train`` run.

    Raises:
        ValueError: naming the path when it holds no PEFT adapter.
    """
    root = Path(path)
    for cand in (root, root / "adapter"):
        if (cand / "adapter_config.json").exists():
            return cand
    raise ValueError(
        f"{root}: no PEFT adapter here (no adapter_config.json, nor adapter/adapter_config.json)"
    )


def training_loss(adapter: str | Path | None) -> list[dict[str, float]]:
    """Loss history of the run that made an adapter (``train_result.json`` or ``trainer_state.json``)."""
    import json

    if not adapter:
        return []
    root = Path(adapter)
    for cand in [
        root / "train_result.json",
        root.parent / "train_result.json",
        root / "trainer_state.json",
        *sorted(root.glob("checkpoint-*/trainer_state.json")),
    ]:
        if not cand.exists():
            continue
        data = json.loads(cand.read_text())
        if isinstance(data, dict) and isinstance(data.get("losses"), list):
            return [{"step": int(s), "loss": float(v)} for s, v in data["losses"]]
        hist = data.get("log_history", []) if isinstance(data, dict) else data
        return [{"step": h["step"], "loss": h["loss"]} for h in hist if isinstance(h, dict) and "loss" in h]
    return []
