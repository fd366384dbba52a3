"""MinHash signatures over shingles, vectorised with numpy, and the LSH banding parameters.

Shingles are hashed to 32 bits deterministically (no Python ``hash``, which is salted per process):
character n-grams by a rolling polynomial hash over code points, word n-grams over CRC32 word ids.
Permutations are multiply-add-shift hashes ``((a * x + b) mod 2^64) >> 32`` with random 64-bit ``a`` (odd)
and ``b``: strongly universal on 32-bit keys like datasketch's ``(a * x + b) mod (2^61 - 1)``, but with no
division, so signatures cost a multiply, an add and a shift per shingle and permutation. Band keys are
64-bit hashes of each band's rows.
"""

from __future__ import annotations

import functools
import re
import zlib

import numpy as np

MAX_HASH = np.uint64(0xFFFFFFFF)
_SHIFT = np.uint64(32)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_POLY = np.uint64(1_000_003)
_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")
_BLOCK = 1 << 14  # shingles per block: bounds the (block x num_perm) matrix to a few MB


def _rolling(ids: np.ndarray, n: int) -> np.ndarray:
    n = max(1, min(n, len(ids)))
    m = len(ids) - n + 1
    h = np.zeros(m, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            h = h * _POLY + ids[k : k + m]
        return (h * _MIX) >> np.uint64(32)


def char_shingles(text: str, n: int) -> np.ndarray:
    """Hashes (uint64 values below 2^32, repeats possible) of the character n-grams of ``text`` (spaces removed)."""
    s = _SPACE.sub("", text)
    if not s:
        return np.zeros(0, dtype=np.uint64)
    return _rolling(np.frombuffer(s.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64), n)


def word_shingles(text: str, n: int) -> np.ndarray:
    """Hashes of the lower-cased word n-grams of ``text``."""
    words = _WORD.findall(text.lower())
    if not words:
        return np.zeros(0, dtype=np.uint64)
    return _rolling(
        np.fromiter((zlib.crc32(w.encode()) for w in words), dtype=np.uint64, count=len(words)), n
    )


def shingles(text: str, unspaced: bool, char_n: int = 5, word_n: int = 3) -> np.ndarray:
    """Character shingles for unspaced scripts (Chinese), word shingles otherwise."""
    return char_shingles(text, char_n) if unspaced else word_shingles(text, word_n)


@functools.lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The (a, b) parameters of ``num_perm`` hash permutations."""
    gen = np.random.default_rng(seed)
    a = gen.integers(0, 1 << 64, size=num_perm, dtype=np.uint64, endpoint=False) | np.uint64(1)
    b = gen.integers(0, 1 << 64, size=num_perm, dtype=np.uint64, endpoint=False)
    return a, b


def _min_block(hv: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return _all_perm(hv, a, b).min(axis=0)


def signature(hv: np.ndarray, num_perm: int = 128, seed: int = 1) -> np.ndarray:
    """MinHash signature (uint64 values below 2^32) of one set of shingle hashes."""
    a, b = permutations(num_perm, seed)
    sig = np.full(num_perm, MAX_HASH, dtype=np.uint64)
    for i in range(0, len(hv), _BLOCK):
        sig = np.minimum(sig, _min_block(hv[i : i + _BLOCK], a, b))
    return sig


def signatures(sets: list[np.ndarray], num_perm: int = 128, seed: int = 1) -> np.ndarray:
    """Signatures of many shingle sets at once, shape (len(sets), num_perm); empty sets get all-max rows."""
    a, b = permutations(num_perm, seed)
    out = np.full((len(sets), num_perm), MAX_HASH, dtype=np.uint64)
    i = 0
    while i < len(sets):
        if len(sets[i]) >= _BLOCK:
            out[i] = signature(sets[i], num_perm, seed)
            i += 1
            continue
        j, total = i, 0
        while j < len(sets) and len(sets[j]) < _BLOCK and total + len(sets[j]) <= _BLOCK:
            total += len(sets[j])
            j += 1
        group = [s for s in sets[i:j] if len(s)]
        if group:
            starts = np.cumsum([0] + [len(s) for s in group[:-1]])
            mins = np.minimum.reduceat(_all_perm(np.concatenate(group), a, b), starts, axis=0)
            rows = [k for k in range(i, j) if len(sets[k])]
            out[rows] = mins
        i = j
    return out


def _all_perm(hv: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        out = hv[:, None] * a[None, :]
        out += b[None, :]
        out >>= _SHIFT
        return out


def jaccard(sig1: np.ndarray, sig2: np.ndarray) -> float:
    """Jaccard similarity estimated from two signatures."""
    return float(np.count_nonzero(sig1 == sig2)) / len(sig1)


def _integrate(f, lo: float, hi: float, steps: int = 200) -> float:  # type: ignore[no-untyped-def]
    x = np.linspace(lo, hi, steps)
    y = f(x)
    return float(np.sum((y[1:] + y[:-1]) * np.diff(x)) / 2)


@functools.lru_cache(maxsize=32)
def optimal_params(
    threshold: float, num_perm: int, fp_weight: float = 0.5, fn_weight: float = 0.5
) -> tuple[int, int]:
    """Bands and rows (b, r) minimising the weighted false-positive and false-negative areas."""
    best, best_err = (1, num_perm), float("inf")
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            fp = _integrate(lambda s, b=b, r=r: 1 - (1 - s**r) ** b, 0.0, threshold)
            fn = _integrate(lambda s, b=b, r=r: 1 - (1 - (1 - s**r) ** b), threshold, 1.0)
            err = fp * fp_weight + fn * fn_weight
            if err < best_err:
                best, best_err = (b, r), err
    return best


def band_keys(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """64-bit keys (as int64) of each band of each signature, shape (n, bands); bands are salted by index."""
    n = sigs.shape[0]
    x = sigs[:, : bands * rows].reshape(n, bands, rows)
    h = np.zeros((n, bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(rows):
            h = h * _POLY + x[:, :, j]
        h = (h ^ (np.arange(bands, dtype=np.uint64) * _MIX)) * _MIX
    return h.view(np.int64)
