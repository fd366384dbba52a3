"""parse_json_reply on recorded replies of the real embedded model (SmolLM2 through llama.cpp)."""

from __future__ import annotations

from corpusforge.llm import complete_items, parse_json_reply

# Recorded: SmolLM2-135M, llama.cpp server, json_object + schema, max_tokens=60 (finish_reason "length").
TRUNCATED = (
    '{ "pairs": [{"question": "What is the current water quality?", "answer": "Freshwater, clean and '
    'safe"}, {"question": "How does the Riverton water utility test water daily at 12 sites.", '
    '"answer": "The river\'s water tests regularly to'
)
# Hand-written in the shape of unconstrained replies of the model: fenced, closing brace missing.
FENCED_BROKEN = (
    '```json\n{"pairs": [{"question": "Who runs the Riverton water plant?", "answer": "The city '
    'utility."}, {"question": "How often is water tested?", "answer": "Daily."}]\n```'
)


def test_truncated_reply_keeps_only_complete_items():
    r = parse_json_reply(TRUNCATED, "length")
    assert r.truncated and not r.error
    assert r.items == [
        {"question": "What is the current water quality?", "answer": "Freshwater, clean and safe"}
    ]
    assert r.data == {"pairs": r.items}


def test_truncated_before_first_item_is_an_error_not_a_crash():
    r = parse_json_reply('{ "pairs": [{"question": "What is', "length")
    assert r.items == [] and r.data is None and r.truncated
    assert "cut off" in r.error


def test_truncated_but_complete_json_is_kept_whole():
    r = parse_json_reply('{"pairs": [{"question": "a", "answer": "b"}]}', "length")
    assert r.items == [{"question": "a", "answer": "b"}] and r.truncated


def test_fenced_and_broken_reply_is_repaired():
    r = parse_json_reply(FENCED_BROKEN, "stop")
    assert r.repaired and not r.error
    assert [p["answer"] for p in r.items] == ["The city utility.", "Daily."]


def test_valid_reply_needs_no_repair_and_key_selects_the_list():
    text = '{"labels": ["x"], "pairs": [{"question": "q", "answer": "a"}]}'
    assert parse_json_reply(text).items == ["x"]
    r = parse_json_reply(text, key="pairs")
    assert r.items == [{"question": "q", "answer": "a"}] and not r.repaired


def test_top_level_list_and_strings_with_brackets():
    items, key = complete_items('[{"q": "what is [a]?", "a": "b ] c"}, {"q": "x", "a": "unfinished')
    assert items == [{"q": "what is [a]?", "a": "b ] c"}] and key is None


def test_garbage_and_empty_replies_give_errors():
    assert parse_json_reply("", "stop").error == "empty reply"
    r = parse_json_reply("I'm sorry, I cannot help with that.", "stop")
    assert r.data is None and r.error
