"""Supporting-span highlighting: shared n-grams between answer and passage, as escapable segments."""

from __future__ import annotations

from corpusforge.review.highlight import highlight, tokens

PASSAGE = (
    "Riverside plant opened in 1998. It treats 42,000 cubic metres of water each day for the city. "
    "Customers over 70 receive a discount."
)


def test_marks_the_span_the_answer_copies_and_keeps_the_text_whole():
    h = highlight("Every day the plant treats 42,000 cubic metres of water.", PASSAGE)
    assert h.marked == ["treats 42,000 cubic metres of water"]
    assert "".join(t for t, _ in h.segments) == PASSAGE
    assert 0.5 < h.coverage < 1.0


def test_several_spans_in_any_order_and_case():
    h = highlight("CUSTOMERS OVER 70 get money back. The plant opened in 1998.", PASSAGE)
    assert h.marked == ["plant opened in 1998", "Customers over 70"]


def test_chinese_uses_character_ngrams():
    passage = "河滨水厂于1998年建成，每天处理四万二千立方米原水，供应湖景市北部城区。"
    h = highlight("这座水厂每天处理四万二千立方米原水。", passage)
    assert h.marked == ["每天处理四万二千立方米原水"]
    assert "".join(t for t, _ in h.segments) == passage


def test_no_support_and_short_answers():
    assert highlight("Completely unrelated words here.", PASSAGE).marked == []
    assert highlight("Completely unrelated words here.", PASSAGE).coverage == 0.0
    assert highlight("42,000", PASSAGE).marked == ["42,000"]
    assert highlight("", PASSAGE).segments == [(PASSAGE, False)]
    assert highlight("anything", "").segments == []


def test_html_in_the_passage_stays_plain_text_in_segments():
    passage = "Notice <script>alert(1)</script> pipes on Elm Street will be flushed."
    h = highlight("Pipes on Elm Street will be flushed on Monday.", passage)
    assert h.marked == ["pipes on Elm Street will be flushed"]
    assert "".join(t for t, _ in h.segments) == passage  # escaping is the template's job, on every segment


def test_tokens():
    assert [t[2] for t in tokens("Water-Plant 水厂 42")] == ["water", "plant", "水", "厂", "42"]


def test_evidence_segments_cover_the_passage_and_clip_bad_spans():
    from corpusforge.review.highlight import evidence_segments

    text = "abcdefghij"
    segs = evidence_segments(text, [(2, 4), (3, 6), (8, 99), (-5, 0)])
    assert "".join(t for t, _ in segs) == text
    assert [t for t, ev in segs if ev] == ["cdef", "ij"]
    assert evidence_segments(text, [(20, 30)]) == []
