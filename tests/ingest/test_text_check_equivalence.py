"""check_text's counts read off code points (garble.FLAGS) give the verdicts the regular expressions gave:
the old regex check, kept here as the reference, on thousands of random and fixture-like texts."""

from __future__ import annotations

import random
import re

from corpusforge.ingest import garble
from corpusforge.ingest.garble import _COMMON, _ODD, MIN_CHARS, visible_without_runs
from corpusforge.ingest.lang import unplaced_reason
from corpusforge.ingest.quality import Verdict, check_text, letter_runs

_DOUBLE_LINE = re.compile(r"^\s*([\u4e00-\u9fff])\1\s*$", re.M)
_RARE_CJK = re.compile(r"[\u3400-\u4dbf\U00020000-\U0003134f\uf900-\ufaff]")
_CJK_RE = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134f\uf900-\ufaff]")
_BAD = re.compile(r"[\ufffd\ue000-\uf8ff\x00-\x08\x0b\x0e-\x1f]")
_UNCOMMON = re.compile("[^\x00-\x7f" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _COMMON) + "]")
_PUNCT = re.compile(r"[!-/:-@\[-`{-~]")


def _old_soup(text: str) -> str:
    chars = visible_without_runs(text)
    n = len(chars)
    if n < MIN_CHARS:
        return ""
    punct = len(_PUNCT.findall(chars))
    if punct / n > 0.4:
        return f"ASCII punctuation soup ({punct} of {n} characters), font without ToUnicode map?"
    odd = len(_ODD.findall(chars))
    if odd / n > 0.08 and odd >= 5:
        return f"Latin-1 symbols/control characters ({odd} of {n}), font without ToUnicode map?"
    stray: dict[int, int] = {}
    for c in _UNCOMMON.findall(chars):
        if c.isalpha():
            stray[ord(c) >> 7] = stray.get(ord(c) >> 7, 0) + 1
    total = sum(stray.values())
    if len(stray) >= 4 and total / n > 0.05:
        return f"letters from {len(stray)} unrelated scripts ({total} of {n}), font without ToUnicode map?"
    return ""


def _old_check(text: str, has_images: bool = False) -> Verdict:
    letters = len("".join(text.split()))
    if letters == 0 or (has_images and letters < 8):
        return Verdict("empty", f"no text layer ({letters} characters)")
    bad = len(_BAD.findall(text))
    if bad / letters > 0.1:
        return Verdict("garbage", f"{bad} replacement/private-use/control characters of {letters}")
    junk = letter_runs(text) + 2 * len(_DOUBLE_LINE.findall(text))
    if junk >= 6 and junk / letters > 0.05:
        return Verdict("garbage", f"repeated junk characters ({junk} of {letters}), broken font mapping?")
    cjk = len(_CJK_RE.findall(text))
    rare = len(_RARE_CJK.findall(text)) if cjk else 0
    if rare >= 2 and rare / cjk > 0.2:
        return Verdict(
            "garbage", f"{rare} of {cjk} CJK characters from rare extension blocks, broken font mapping?"
        )
    soup = _old_soup(text) or unplaced_reason(text)
    return Verdict("garbage", soup) if soup else Verdict("ok")


POOLS = [
    "abcdefghij klmnop ", "the and of to is ", "!\"#$%&'()*+,-./:;<=>?@[]^_`{|}~", "0123456789.,",
    "组合收益率的变化与投资者情绪密切相关佛佛", "あいうえおカタカナ", "한국어텍스트", "\u3400\u4dbf\uf900\ufa00",
    "\U00020000\U0002a700\U0003134f\U0001f600\U0001d400", "\x00\x01\x08\x0b\x0e\x1f\x7f\x85\x9f",
    "\xa0\xa9\xb5\xbf\xd7\xf7þ»", "\ufffd\ue000\uf8ff", "ЖжЦцΑβγ\u0780\u0781\u1900\u0a90\u1100\u11ff",
    "\n\n\t  \u3000\u2028\r", "...---___", "éèàçœ", "\ud800\udfff", "xQ3kZ pL0vNw Qzxj ",
]  # fmt: skip


def _texts(count: int) -> list[str]:
    rng = random.Random(14)
    out = []
    for _ in range(count):
        pools = rng.sample(POOLS, rng.randint(1, 5))
        size = rng.choice((5, 30, 200, 1500))
        text = "".join(rng.choice(rng.choice(pools)) for _ in range(size))
        if rng.random() < 0.15:  # word-shaped glyph codes, maybe with some function words: no language fits?
            words = ["".join(rng.choices("bcdkxzQZX3", k=rng.randint(2, 7))) for _ in range(300)]
            share = rng.choice((0.0, 0.01, 0.03, 0.2))
            text = " ".join(rng.choice(("the", "de")) if rng.random() < share else w for w in words)
        if rng.random() < 0.3:  # lines of one Han character doubled, runs, dot leaders
            text += "\n".join(rng.choice(("佛佛", " 釉釉 ", "谢谢你", "。。。", "a a a", "...."))
                              for _ in range(rng.randint(1, 9)))  # fmt: skip
        out.append(text)
    return out


def _outcome(check, text: str, has_images: bool = False) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    try:
        verdict = check(text, has_images)
    except UnicodeError as e:  # lone surrogates reaching the function-word pass: both raise alike
        return "raised", type(e).__name__
    return verdict.quality, verdict.reason


def test_check_text_same_verdicts_as_the_regular_expressions():
    for text in _texts(3000):
        for has_images in (False, True):
            new, old = _outcome(check_text, text, has_images), _outcome(_old_check, text, has_images)
            assert new == old, repr(text[:80])


def test_check_text_same_verdicts_on_fixture_pages(fixtures_dir):
    from corpusforge.ingest.config import IngestConfig
    from corpusforge.ingest.pdf import read

    paths = sorted((fixtures_dir / "pdf").glob("*.pdf")) + sorted((fixtures_dir / "pdf-gold").glob("*.pdf"))
    cfg = IngestConfig(ocr=False, pdf_tables="off", pdf_passwords=["foo"])
    for path in paths:
        for page in read(path.read_bytes(), path, cfg).pages:
            for text in (page.text, page.text[: len(page.text) // 3]):
                new, old = check_text(text), _old_check(text)
                assert (new.quality, new.reason) == (old.quality, old.reason), path.name


def test_flag_table_is_the_regular_expressions():
    classes = {
        garble.BAD: _BAD, garble.CJK: _CJK_RE, garble.RARE: _RARE_CJK, garble.HAN: re.compile("[\u4e00-\u9fff]"),
        garble.HAN_KANA_HANGUL: re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf\u3040-\u30ff\uac00-\ud7af]"),
        garble.ODD: _ODD, garble.PUNCT: _PUNCT, garble.ASCII_LETTER: re.compile("[A-Za-z]"),
        garble.SURROGATE: re.compile("[\ud800-\udfff]"),
    }  # fmt: skip
    for c in range(0x10000):
        ch, flags = chr(c), int(garble.FLAGS[c])
        for bit, regex in classes.items():
            assert bool(flags & bit) == bool(regex.match(ch)), (hex(c), bit)
        assert bool(flags & garble.STRAY) == bool(_UNCOMMON.match(ch) and ch.isalpha()), hex(c)
        assert not flags & garble.ASTRAL
    assert garble.FLAGS[0x10000] == garble.ASTRAL
