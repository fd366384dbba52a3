"""Answer metrics: ROUGE-L (jieba-segmented for Chinese), character F1, exact match, label accuracy."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

_CJK = re.compile(r"[\u3400-\u9fff]")
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def normalize(text: str) -> str:
    """NFKC, lower case, punctuation and whitespace removed (for exact match and char F1)."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text).lower())


@lru_cache(maxsize=1)
def _jieba():  # type: ignore[no-untyped-def]
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def tokens(text: str) -> list[str]:
    """Words for ROUGE: jieba for text with Chinese, lower-cased word split otherwise (punctuation dropped)."""
    text = unicodedata.normalize("NFKC", text).lower()
    if _CJK.search(text):
        toks = _jieba().lcut(text)
    else:
        toks = re.findall(r"\w+", text)
    return [t for t in (t.strip() for t in toks) if t and not _PUNCT.fullmatch(t)]


def _lcs(a: list[str], b: list[str]) -> int:
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def rouge_l(prediction: str, reference: str) -> float:
    """ROUGE-L F1 over words (jieba-segmented Chinese), as in ``rouge-chinese``: 2PR/(P+R) of the LCS."""
    p, r = tokens(prediction), tokens(reference)
    if not p or not r:
        return 0.0
    lcs = _lcs(p, r)
    if lcs == 0:
        return 0.0
    prec, rec = lcs / len(p), lcs / len(r)
    return 2 * prec * rec / (prec + rec)


def char_f1(prediction: str, reference: str) -> float:
    """Character-level F1 of normalised texts (bag of characters, as in CMRC/SQuAD-zh evaluation)."""
    p, r = Counter(normalize(prediction)), Counter(normalize(reference))
    common = sum((p & r).values())
    if common == 0:
        return 0.0
    prec, rec = common / sum(p.values()), common / sum(r.values())
    return 2 * prec * rec / (prec + rec)


def exact_match(prediction: str, reference: str) -> float:
    """1.0 when the normalised texts are equal, or the normalised reference is the whole first line."""
    p, r = normalize(prediction), normalize(reference)
    first = normalize(prediction.strip().splitlines()[0]) if prediction.strip() else ""
    return float(bool(r) and (p == r or first == r))


def extract_label(text: str, labels: list[str]) -> str | None:
    """The first label from ``labels`` named in ``text`` (JSON ``"label"`` field first), else None."""
    m = re.search(r'"label"\s*:\s*"([^"]+)"', text)
    if m and m.group(1) in labels:
        return m.group(1)
    hits = [(text.find(lbl), lbl) for lbl in labels if lbl and lbl in text]
    return min(hits)[1] if hits else None


def label_accuracy(prediction: str, reference: str, labels: list[str]) -> float:
    """1.0 when the prediction names the same label as the reference."""
    ref = extract_label(reference, labels)
    return float(ref is not None and extract_label(prediction, labels) == ref)
