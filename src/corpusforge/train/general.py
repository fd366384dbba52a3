"""General text mixed into continued pretraining (stage ``pt``) to limit forgetting.

The share comes from the recipe (``general_share``); the text from a user JSONL file (``general_data``,
lines ``{"text"}``) or, when none is given, from the base model's own answers to neutral prompts
(``data_files/general_prompts.yaml``) -- a cheap form of self-distillation replay.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any

import yaml

from corpusforge.train.data import read_records

log = logging.getLogger(__name__)
PROMPTS_FILE = Path(__file__).parent / "data_files" / "general_prompts.yaml"


def general_count(n_domain: int, share: float) -> int:
    """How many general records make ``share`` of the final mix (at least one when share > 0)."""
    if share <= 0 or n_domain <= 0:
        return 0
    return max(1, math.ceil(n_domain * share / (1 - share)))


def general_prompts() -> list[str]:
    """The neutral prompts, English and Chinese interleaved."""
    data = yaml.safe_load(PROMPTS_FILE.read_text(encoding="utf-8"))
    en, zh = data.get("en", []), data.get("zh", [])
    out: list[str] = []
    for i in range(max(len(en), len(zh))):
        out.extend(x[i] for x in (en, zh) if i < len(x))
    return out


def self_generated(model: Any, tok: Any, n: int, max_new_tokens: int) -> list[dict[str, str]]:
    """``n`` texts written by the model itself (greedy), one per prompt, cycling through the prompts."""
    import torch

    prompts = general_prompts()
    rows = []
    model.eval()
    for i in range(n):
        msgs = [{"role": "user", "content": prompts[i % len(prompts)]}]
        ids = tok.apply_chat_template(msgs, add_generation_prompt=True, return_tensors="pt", return_dict=True)
        ids = {k: v.to(model.device) for k, v in ids.items()}
        with torch.no_grad():
            out = model.generate(
                **ids, max_new_tokens=max_new_tokens, do_sample=False, pad_token_id=tok.pad_token_id
            )
        text = tok.decode(out[0, ids["input_ids"].shape[1] :], skip_special_tokens=True).strip()
        if text:
            rows.append({"text": text})
    model.train()
    return rows


def mix_general(
    rows: list[dict[str, str]], share: float, general_data: str, model: Any, tok: Any, max_new_tokens: int
) -> tuple[list[dict[str, str]], int]:
    """Append general text to domain ``rows``; return (mixed rows, number of general records added)."""
    n = general_count(len(rows), share)
    if n == 0:
        return rows, 0
    if general_data:
        general, _ = read_records("pt", Path(general_data))
        general = [general[i % len(general)] for i in range(n)]
    else:
        log.info("writing %d general texts with the base model (general_share=%.2f)", n, share)
        general = self_generated(model, tok, n, max_new_tokens)
    return rows + general, len(general)
