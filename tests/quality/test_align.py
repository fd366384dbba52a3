"""Finding a model's quote in the chunk: exact, normalised (punctuation, width, traditional), fuzzy."""

from corpusforge.quality.align import find_quote, fold, page_at

CHUNK = "第一章 概述\n本公司于2019年成立，总部位于上海。\n员工人数为1,200人，营业收入增长了15%。"


def test_exact_quote_offsets_give_back_the_quote():
    q = "总部位于上海"
    m = find_quote(q, CHUNK)
    assert m is not None and m.score == 1.0
    assert CHUNK[m.start : m.end] == q


def test_changed_punctuation_and_traditional_characters_are_found():
    q = "本公司於2019年成立,總部位於上海."
    m = find_quote(q, CHUNK)
    assert m is not None and m.score == 1.0
    assert CHUNK[m.start : m.end] == "本公司于2019年成立，总部位于上海"


def test_fuzzy_alignment_tolerates_one_changed_character():
    q = "员工人数为1,200人，营业收入增加了15%"
    m = find_quote(q, CHUNK)
    assert m is not None and 0.9 <= m.score < 1.0
    assert CHUNK[m.start : m.end].startswith("员工人数")
    assert CHUNK[m.start : m.end].endswith("15")  # trailing punctuation is not part of the span


def test_quote_not_in_source_is_not_found():
    assert find_quote("公司计划在北京开设新的研发中心", CHUNK) is None
    assert find_quote("", CHUNK) is None


def test_fold_keeps_original_offsets():
    text, offs = fold("Ａ，b c")
    assert text == "abc"
    assert offs == [0, 2, 4]


def test_page_of_an_offset_follows_the_marks():
    marks = [[0, 3], [40, 4]]
    assert page_at(10, [3, 4], marks) == 3
    assert page_at(40, [3, 4], marks) == 4
    assert page_at(5, [7]) == 7
