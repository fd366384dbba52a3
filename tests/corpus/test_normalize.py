from corpusforge.corpus.normalize import normalize_text


def test_fullwidth_ascii_to_halfwidth_but_chinese_punctuation_kept():
    out = normalize_text("　　ＱＷＥＮ２模型在ＭＭＬＵ上得分８４．２，超过了基线！Ｈｅｌｌｏ，ｗｏｒｌｄ")
    assert "QWEN2模型在MMLU上得分84.2，超过了基线！" in out
    assert out.endswith("Hello,world")


def test_control_chars_soft_hyphens_and_spaces():
    out = normalize_text("infor\u00admation\u200b here\x07\r\nnext\u00a0line\x0cpage")
    assert out == "information here\nnext line\npage"


def test_ellipsis_kept_and_line_structure_preserved():
    out = normalize_text("他说……\n    下一段")
    assert out == "他说……\n    下一段"


def test_traditional_to_simplified_only_when_asked():
    trad = "話說天下大勢，分久必合"
    assert normalize_text(trad) == trad
    assert normalize_text(trad, t2s=True) == "话说天下大势，分久必合"


def test_entities_numbers_dates_kept():
    s = "2025年9月18日，东湖水厂日供水能力由25万立方米提高到33万立方米（+32%）。"
    assert normalize_text(s) == s
