"""The table-driven fast paths give exactly what the regular expressions they replace give."""

import random
import re

from corpusforge.corpus.boilerplate import fold, fold_lines
from corpusforge.corpus.config import CorpusConfig
from corpusforge.corpus.lang import detect
from corpusforge.corpus.neardup import t2s_table, to_simplified
from corpusforge.corpus.normalize import count_letters, count_spaces, normalize_text, word_chars

ALPHA = list(
    "，！？：；（）…中文aZ1 _\n\t\u3000ＱＷ．、。ｶﾞ가\u00a8\u0301e\u00df①\u00ad\u200b\ue000\ufdd0ｏｗ,.!"
) + ["\U00020000"]


def _texts(n: int, longest: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(ALPHA) for _ in range(rng.randrange(longest))) for _ in range(n)]


def test_word_chars_and_counts_match_the_regular_expressions():
    for t in _texts(2000, 200, 1):
        assert word_chars(t) == re.sub(r"[\W_]+", "", t)
        assert count_letters(t) == len(re.findall(r"[^\W\d_]", t))
        assert count_spaces(t) == len(re.findall(r"\s", t))


def test_fold_lines_is_fold_of_each_line():
    rng = random.Random(2)
    for _ in range(2000):
        lines = [t.replace("\n", "") for t in _texts(rng.randrange(5), 12, rng.randrange(10**6))]
        assert fold_lines(lines) == [fold(x) for x in lines]
    assert fold_lines(["a\nb", "c"]) == [fold("a\nb"), "c"]  # a line with its own newline


def test_normalize_keeps_the_stand_in_characters_apart():
    assert normalize_text("他说，好\ufdd0").startswith("他说，好")
    assert normalize_text("a，b") == "a,b" and normalize_text("中，b") == "中，b"
    assert normalize_text("x\ue000y") == "x，y"  # the private-use stand-in, as before


def test_to_simplified_matches_translate():
    table = t2s_table()
    text = "話說天下大勢，分久必合 abc \U00020000"
    assert to_simplified(text) == text.translate(table)
    if table:
        assert to_simplified("話") != "話"


def test_han_text_without_kana_is_chinese_and_kana_still_goes_to_lingua():
    assert detect("话说天下大势，分久必合，合久必分。周末七国分争，并入于秦。") == "zh"
    assert detect("これは日本語の文章です。東京は大きな都市です。") == "ja"


def test_minhash_paragraph_pass_only_without_near_dup():
    cfg = CorpusConfig()
    assert cfg.dedup.near is None and cfg.near_dup.enabled
