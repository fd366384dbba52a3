"""Words for BM25: jieba segmentation for Chinese, lower-cased word tokens for other scripts."""

from __future__ import annotations

import logging
import re
from functools import lru_cache

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"\w", re.UNICODE)
STOP_EN = frozenset(
    "a an and are as at be by can do does for from has have how i in is it its my of on or our that the their "
    "them there this to was were what when where which who why will with you your".split()
)
STOP_ZH = frozenset(
    "的 了 是 在 和 与 及 或 也 就 都 而 把 被 对 为 以 之 其 吗 呢 吧 啊 什么 哪些 怎么 如何 多少 几 有".split()
)


def quiet_bm25s() -> None:
    """bm25s sets its logger to DEBUG; keep its messages at warnings like the rest of corpusforge."""
    logging.getLogger("bm25s").setLevel(logging.WARNING)


def is_cjk(text: str, share: float = 0.2) -> bool:
    """Whether at least ``share`` of the letters are Chinese characters."""
    letters = [c for c in text if c.isalnum()]
    return bool(letters) and sum(1 for c in letters if _CJK.match(c)) / len(letters) >= share


def query_lang(text: str) -> str:
    """``zh`` for mostly-Chinese text, else ``en`` (enough to pick the dense model and the prompt)."""
    return "zh" if is_cjk(text) else "en"


@lru_cache(maxsize=1)
def _jieba():  # type: ignore[no-untyped-def]
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def words(text: str) -> list[str]:
    """BM25 terms of a text: jieba search-mode words for Chinese runs, word tokens elsewhere, no stop words."""
    if _CJK.search(text):
        toks = _jieba().lcut_for_search(text)
    else:
        toks = re.findall(r"\w+", text)
    out = []
    for t in toks:
        t = t.strip().lower()
        if t and _WORD.search(t) and t not in STOP_EN and t not in STOP_ZH:
            out.append(t)
    return out
