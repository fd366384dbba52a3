"""Near copies of documents and chunks: sampled shingles and their containment in what was kept.

Text is folded first (NFKC, case, punctuation, symbols and whitespace removed, Traditional characters
mapped to Simplified one by one), so two digitisations of one work with different punctuation, spacing or
script give the same shingles. Shingles are character n-grams (unspaced scripts) or word n-grams, hashed
to 64 bits; only the hashes below ``2^64 / sample_rate`` are kept (a fixed, content-defined sample: two
texts sample the same shingles, so the share of a text's sampled shingles found in another estimates
its containment |A & B| / |A| without bias, whatever the lengths; MinHash estimates Jaccard, which is
small for an excerpt of a long book).

:class:`SampleIndex` maps each sampled hash to the first item that had it, in sorted numpy arrays
(12 bytes a sample, about 1.5 bytes a character of kept text at the default rate of 8).
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from pathlib import Path

import numpy as np

from corpusforge.corpus.normalize import count_han, word_chars

log = logging.getLogger(__name__)

_WORD = re.compile(r"\w+")
_POLY = np.uint64(1_000_003)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_FULL = 1 << 64


@functools.lru_cache(maxsize=1)
def t2s_table() -> dict[int, str]:
    """Traditional -> Simplified, character by character, from OpenCC's ``TSCharacters`` dictionary
    (``str.translate`` table; empty when the dictionary is not installed)."""
    try:
        import opencc
    except ImportError:
        log.info("opencc is not installed: near-duplicate folding keeps Traditional characters")
        return {}
    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    table: dict[int, str] = {}
    if not path.is_file():
        return table
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and len(parts[0]) == 1 and parts[1]:
            table[ord(parts[0])] = parts[1].split()[0]
    return table


@functools.lru_cache(maxsize=1)
def _t2s_map() -> np.ndarray | None:
    """Code point -> its Simplified code point (itself where :func:`t2s_table` has nothing), up to the
    highest Traditional one; None when the table is empty or maps a character to more than one."""
    table = {k: v for k, v in t2s_table().items() if v != chr(k)}
    if not table or any(len(v) != 1 for v in table.values()):
        return None
    out = np.arange(max(table) + 1, dtype=np.uint32)
    out[list(table)] = [ord(v) for v in table.values()]
    return out


def to_simplified(text: str) -> str:
    """``text.translate(t2s_table())``, by a code point array (the table maps single characters)."""
    if not text:
        return text
    m = _t2s_map()
    if m is None:
        return text.translate(t2s_table()) if t2s_table() else text
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    low = cps < len(m)
    new = np.where(low, m[np.where(low, cps, 0)], cps)
    if np.array_equal(new, cps):
        return text
    return new.astype(np.uint32).tobytes().decode("utf-32-le", "surrogatepass")


def fold(text: str) -> str:
    """Text as compared for near copies: NFKC, casefolded, t2s by character, without punctuation,
    symbols or whitespace (for unspaced scripts) or with single spaces between words (otherwise)."""
    sp = unspaced(text)
    if sp:  # punctuation and spaces go first: NFKC then only runs where letters need it
        t = word_chars(text)
        if not unicodedata.is_normalized("NFKC", t):
            t = word_chars(unicodedata.normalize("NFKC", t))
    else:
        t = text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)
    t = t.casefold()
    t = to_simplified(t)
    return t if sp else " ".join(_WORD.findall(t))


def unspaced(text: str) -> bool:
    """True when the text is mostly Chinese/Japanese (shingled by characters)."""
    sample = text[:2000]
    return count_han(sample, kana=True) >= 0.3 * max(1, len(sample) - sample.count(" "))


def _mix(h: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        h = h ^ (h >> np.uint64(30))
        h = h * _M1
        h = h ^ (h >> np.uint64(27))
        h = h * _M2
        return h ^ (h >> np.uint64(31))


def _rolling64(ids: np.ndarray, n: int) -> np.ndarray:
    n = max(1, min(n, len(ids)))
    m = len(ids) - n + 1
    h = np.zeros(m, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(n):
            h = h * _POLY + ids[k : k + m]
    return _mix(h)


def shingle_hashes(folded: str, char_n: int, word_n: int) -> np.ndarray:
    """64-bit hashes of the shingles of folded text (character n-grams, or word n-grams if it has spaces)."""
    if not folded:
        return np.zeros(0, dtype=np.uint64)
    if " " not in folded:
        ids = np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        return _rolling64(ids, char_n)
    words = folded.split(" ")
    ids = _mix(np.array([hash_word(w) for w in words], dtype=np.uint64))
    return _rolling64(ids, word_n)


@functools.lru_cache(maxsize=65536)
def hash_word(w: str) -> int:
    """A deterministic 64-bit id of a word (FNV-1a over UTF-8)."""
    h = 0xCBF29CE484222325
    for b in w.encode("utf-8"):
        h = ((h ^ b) * 0x100000001B3) & (_FULL - 1)
    return h


def sample(hashes: np.ndarray, rate: int) -> np.ndarray:
    """The distinct hashes below ``2^64 / rate``, sorted (rate 1 keeps them all)."""
    if rate > 1:
        hashes = hashes[hashes < np.uint64(_FULL // rate)]
    return np.unique(hashes)


def sampled_shingles(text: str, char_n: int = 5, word_n: int = 3, rate: int = 8) -> np.ndarray:
    """Sorted distinct sampled shingle hashes of ``text`` (folded first)."""
    return sample(shingle_hashes(fold(text), char_n, word_n), rate)


class SampleIndex:
    """Sampled shingle hash -> id of the first item added with it, for containment look-ups.

    Two sorted levels (a main array and a smaller recent one, merged when the recent one grows past an
    eighth of the main one) keep additions and look-ups ``O(log n)`` per hash without a Python dict.
    """

    def __init__(self) -> None:
        self._keys = np.zeros(0, dtype=np.uint64)
        self._vals = np.zeros(0, dtype=np.int32)
        self._rk = np.zeros(0, dtype=np.uint64)
        self._rv = np.zeros(0, dtype=np.int32)

    def __len__(self) -> int:
        return len(self._keys) + len(self._rk)

    @staticmethod
    def _merge(
        k1: np.ndarray, v1: np.ndarray, k2: np.ndarray, v2: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Insert the sorted keys ``k2`` (none of them in ``k1``) into the sorted ``k1`` (a memmove, no sort)."""
        if not len(k1):
            return k2.copy(), v2.copy()
        at = np.searchsorted(k1, k2) + np.arange(len(k2))  # where each new key lands in the merged array
        old = np.ones(len(k1) + len(k2), dtype=bool)
        old[at] = False
        keys, vals = np.empty(len(old), dtype=k1.dtype), np.empty(len(old), dtype=v1.dtype)
        keys[at], vals[at] = k2, v2
        keys[old], vals[old] = k1, v1
        return keys, vals

    def add(self, hashes: np.ndarray, item: int) -> None:
        """Record the (sorted, distinct) hashes of one item; hashes already present keep their first item."""
        if not len(hashes):
            return
        new = hashes[self.lookup(hashes) < 0]
        self._rk, self._rv = self._merge(self._rk, self._rv, new, np.full(len(new), item, dtype=np.int32))
        if len(self._rk) > max(1 << 12, len(self._keys) // 8):
            self._keys, self._vals = self._merge(self._keys, self._vals, self._rk, self._rv)
            self._rk, self._rv = self._rk[:0], self._rv[:0]

    def lookup(self, hashes: np.ndarray) -> np.ndarray:
        """The first item of each hash, -1 where absent."""
        out = np.full(len(hashes), -1, dtype=np.int32)
        for keys, vals in ((self._keys, self._vals), (self._rk, self._rv)):
            if not len(keys) or not len(hashes):
                continue
            pos = np.minimum(np.searchsorted(keys, hashes), len(keys) - 1)
            hit = (keys[pos] == hashes) & (out < 0)
            out[hit] = vals[pos[hit]]
        return out

    def containment(self, hashes: np.ndarray) -> float:
        """Share of the hashes present in the index (of any item)."""
        return float(np.count_nonzero(self.lookup(hashes) >= 0)) / len(hashes) if len(hashes) else 0.0

    def best(self, hashes: np.ndarray) -> tuple[int, float]:
        """The item sharing most of the hashes and that share (containment of ``hashes`` in it), or (-1, 0)."""
        owners = self.lookup(hashes)
        owners = owners[owners >= 0]
        if not len(owners) or not len(hashes):
            return -1, 0.0
        counts = np.bincount(owners)
        item = int(np.argmax(counts))
        return item, float(counts[item]) / len(hashes)
