"""Review actions on the store: one transaction for the change and its history; version conflicts."""

from __future__ import annotations

import pytest

from corpusforge.review.actions import rate_candidates, review_sample
from corpusforge.store import ConflictError


def test_edit_updates_chat_turns_and_history(review_ws):
    st = review_ws.store
    v, changed = review_sample(
        st,
        "s-plant-3",
        expected_version=1,
        action="save",
        reviewer="ana",
        edits={"output": "The plant opened in 1998.\r\n", "instruction": "When did it open?"},
    )
    assert (v, changed) == (2, True)
    s = st.get_sample("s-plant-3")
    assert s.output == "The plant opened in 1998.\n" and s.status == "flagged"
    assert s.messages[0]["role"] == "system"
    assert s.messages[1] == {"role": "user", "content": "When did it open?"}
    (h,) = st.review_history("s-plant-3")
    assert h["action"] == "edit" and h["reviewer"] == "ana"
    assert h["before"] == {
        "output": "The plant opened in 1975 after a long debate.",
        "instruction": "When did the plant open?",
        "version": 1,
    }
    assert h["after"]["version"] == 2


def test_stale_version_conflicts_and_nothing_is_written(review_ws):
    st = review_ws.store
    review_sample(st, "s-plant-3", expected_version=1, action="accept", reviewer="ana")
    with pytest.raises(ConflictError, match="version 2"):
        review_sample(st, "s-plant-3", expected_version=1, action="reject", reviewer="bo")
    assert st.get_sample("s-plant-3").status == "accepted"
    assert [h["action"] for h in st.review_history("s-plant-3")] == ["accept"]


def test_noop_unknown_action_and_missing_sample(review_ws):
    st = review_ws.store
    assert review_sample(
        st,
        "s-zh-1",
        expected_version=1,
        action="save",
        reviewer="ana",
        edits={"output": "河滨水厂每天处理四万二千立方米原水。"},
    ) == (1, False)
    assert st.review_history("s-zh-1") == []
    with pytest.raises(ValueError, match="unknown review action"):
        review_sample(st, "s-zh-1", expected_version=1, action="delete", reviewer="ana")
    with pytest.raises(KeyError):
        review_sample(st, "nope", expected_version=1, action="accept", reviewer="ana")


def test_rate_candidates_validates_and_clears_ranks(review_ws):
    st = review_ws.store
    assert (
        rate_candidates(
            st, "s-plant-1", ratings={0: "good", 1: "poor"}, ranks={0: 2, 1: 1, 2: 3}, reviewer="ana"
        )
        == 3
    )
    assert rate_candidates(st, "s-plant-1", ratings={0: "good", 1: "poor"}, ranks=None, reviewer="ana") == 3
    assert [(c.rating, c.rank) for c in st.iter_candidates("s-plant-1")] == [
        ("good", None),
        ("poor", None),
        (None, None),
    ]
    assert rate_candidates(st, "s-plant-1", ratings={0: "good"}, ranks=None, reviewer="ana") == 0
    with pytest.raises(ValueError, match="no candidate 7"):
        rate_candidates(st, "s-plant-1", ratings={7: "good"}, ranks=None, reviewer="ana")
    with pytest.raises(ValueError, match="'great' is not one of good, fair, poor"):
        rate_candidates(st, "s-plant-1", ratings={0: "great"}, ranks=None, reviewer="ana")
    assert [h["action"] for h in st.review_history("s-plant-1")] == ["rate", "rate"]
