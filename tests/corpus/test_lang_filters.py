from corpus_testlib import novel, pdf_pages

from corpusforge.corpus.config import FilterConfig
from corpusforge.corpus.filters import build_filters, repeated_line_ratio, repeated_ngram_ratio, symbol_ratio
from corpusforge.corpus.lang import assign_languages, detect
from corpusforge.corpus.layout import Para


def test_mixed_chinese_english_paragraphs():
    assert (
        detect("Qwen2模型在MMLU上取得了84.2分，超过了Llama-3-70B，并且支持128K的上下文长度。", ("zh", "en"))
        == "zh"
    )
    assert (
        detect(
            "We trained the model on the 青溪 corpus with LoRA adapters and evaluated it on held-out data.",
            ("zh", "en"),
        )
        == "en"
    )
    assert detect("話說天下大勢，分久必合，合久必分。", ("zh", "en")) == "zh"
    assert (
        detect(
            "Les résumés de requêtes OLAP permettent d'interroger efficacement un log volumineux.",
            ("zh", "en"),
        )
        == "fr"
    )


def test_short_paragraphs_take_their_neighbours_language():
    texts = [
        "Best Regards,",
        "The delivery of water bottles and blankets was completed on time by three trucks.",
        "Mallori",
        "话说天下大势，分久必合，合久必分。周末七国分争，并入于秦。及秦灭之后，楚、汉分争，又并入于汉。",
    ]
    assert assign_languages(texts, 40, ("zh", "en")) == ["en", "en", "en", "zh"]
    assert assign_languages(["Main document"], 40, ("zh", "en"), fallback="en") == ["en"]


def test_symbol_ratio_counts_numbers_as_units():
    assert symbol_ratio("2025年度满意度目标为95%，实际达到96.2%。") < 0.5
    assert symbol_ratio("82.15 72.94 64.6 89.5 | 37.9 | 84.2") > 0.5


def test_repetition_filters_on_real_broken_pdf(fixtures_dir):
    (page,) = pdf_pages(fixtures_dir / "pdf" / "zh_pymupdf_broken-font-mapping_has-bad-fonts.pdf")
    assert repeated_ngram_ratio("佛佛佛佛佛佛佛佛佛佛佛佛佛佛佛佛佛佛佛佛佛") > 0.9
    story = novel(fixtures_dir, "shuihuzhuan", 2000)
    assert repeated_ngram_ratio(story) < 0.1
    assert "佛佛佛佛" in page
    assert repeated_line_ratio(["same line"] * 8 + ["other", "lines"]) > 0.5
    assert repeated_line_ratio(story.split("\n")) < 0.1


def test_boilerplate_filter_on_real_notices(fixtures_dir):
    filters = dict(build_filters(FilterConfig(), ["zh", "en"]))
    text = novel(fixtures_dir, "shuihuzhuan", None)
    head = text[:600]
    notices = [ln for ln in head.splitlines() if "电子书" in ln or "版权" in ln]
    assert len(notices) >= 3
    for ln in notices:
        assert filters["boilerplate"](Para(ln, [1])) == "boilerplate", ln
    for ln in text[2000:20000].splitlines():
        if ln.strip():
            assert filters["boilerplate"](Para(ln.strip(), [1])) is None, ln
    assert (
        filters["boilerplate"](Para("Copyright © 2024 Qingxi Water. All rights reserved.", [1]))
        == "boilerplate"
    )
