"""Answer metrics against hand-computed values."""

from __future__ import annotations

import pytest

from corpusforge.evaluate import metrics


def test_char_f1_chinese_hand_computed():
    # prediction 4 chars, reference 6 chars, 4 in common -> P=1, R=2/3, F1=0.8
    assert metrics.char_f1("供水管网", "城市供水管网") == pytest.approx(0.8)
    assert metrics.char_f1("", "水") == 0.0


def test_rouge_l_english_and_chinese():
    # LCS of [the, plant, treats, water] and [the, plant, cleans, water] = 3 -> P=R=3/4
    assert metrics.rouge_l("The plant treats water.", "the plant cleans water") == pytest.approx(0.75)
    zh = metrics.rouge_l("青溪市自来水公司负责供水", "青溪市自来水公司负责城市供水")
    assert 0.7 < zh < 1.0
    assert metrics.rouge_l("完全无关", "青溪市供水") == 0.0


def test_rouge_l_matches_rouge_chinese_package():
    from rouge_chinese import Rouge

    pred, ref = "水费 每 立方米 3.2 元", "居民 水费 每 立方米 3.2 元 起"
    expected = Rouge().get_scores(" ".join(metrics.tokens(pred)), " ".join(metrics.tokens(ref)))[0][
        "rouge-l"
    ]["f"]
    assert metrics.rouge_l(pred, ref) == pytest.approx(expected, abs=1e-6)


def test_exact_match_and_labels():
    assert metrics.exact_match("3.2元。", "3.2元") == 1.0
    assert metrics.exact_match("3.5元", "3.2元") == 0.0
    labels = ["water_quality", "billing", "outage"]
    assert metrics.label_accuracy('{"label": "billing", "reasons": "..."}', "billing", labels) == 1.0
    assert metrics.label_accuracy("This is about outage.", "billing", labels) == 0.0
