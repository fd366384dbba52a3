"""Text helpers: units, language, numbers (Arabic and Chinese numerals)."""

from corpusforge.quality.cnnum import cn_to_int
from corpusforge.quality.numbers import invented_numbers, source_numbers
from corpusforge.quality.text import detect_lang, numbers, units


def test_units_mix_characters_and_words():
    assert units("东湖水厂 has 25万 m3!") == ["东", "湖", "水", "厂", "has", "25", "万", "m", "3"]
    assert units("Ｔｅｓｔ １２３") == ["test", "123"]  # full-width letters and digits


def test_detect_lang():
    assert detect_lang("青溪市自来水公司成立于1987年") == "zh"
    assert detect_lang("由韩国Nexon开发") == "zh"
    assert detect_lang("The utility tested 106 indicators every month.") == "en"
    assert detect_lang("1,246") == ""


def test_numbers_normalised():
    assert numbers("在职员工1,246人，合格率99.96%，１２人") == ["1246", "99.96", "12"]


def test_chinese_numerals_support_arabic_answers():
    assert cn_to_int("三十五") == 35
    assert cn_to_int("一九八七") == 1987
    assert cn_to_int("两万三千") == 23000
    assert {"3", "1987", "430000"} <= source_numbers("铃响三声；一九八七年；43万立方米")


def test_invented_numbers_ignores_list_markers_but_not_decimals():
    bad, n = invented_numbers("1. 东湖水厂 2. 西山水厂", "东湖水厂和西山水厂")
    assert (bad, n) == ([], 0)
    bad, n = invented_numbers("81.6万册", "藏书81.6万册")
    assert (bad, n) == ([], 1)
    bad, _ = invented_numbers("1.8万册", "藏书81.6万册")
    assert bad == ["1.8"]
