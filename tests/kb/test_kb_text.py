"""BM25 terms: jieba words for Chinese, word tokens for English, stop words out."""

from corpusforge.kb.text import is_cjk, query_lang, words


def test_chinese_is_segmented_into_words():
    toks = words("东湖水厂二期扩建工程正式通水")
    assert "东湖" in toks and "水厂" in toks and "扩建" in toks
    assert "的" not in words("公司的服务热线")


def test_english_words_lowercased_without_stop_words():
    assert words("Why is the Water cloudy?") == ["water", "cloudy"]
    assert words("  ,,, ") == []


def test_mixed_text_keeps_both_scripts():
    toks = words("966123服务热线 hotline")
    assert "966123" in toks and "热线" in toks and "hotline" in toks


def test_language_guess():
    assert is_cjk("青溪市自来水公司") and query_lang("停水怎么办?") == "zh"
    assert query_lang("How hard is the water?") == "en"
