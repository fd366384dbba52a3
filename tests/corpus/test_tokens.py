import logging

import pytest

from corpusforge.corpus import tokens


def test_char_estimate_fallback_warns_once(monkeypatch, caplog):
    monkeypatch.setattr(tokens, "qwen_tokenizer_path", lambda: None)
    tokens.get_tokenizer.cache_clear()
    tokens._fast.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="corpusforge.corpus.tokens"):
            assert tokens.count_tokens("青溪市自来水公司") == 8
            assert tokens.count_tokens("water utility") == 4
            assert tokens.count_tokens_batch(["abcd", "水"]) == [1, 1]
            assert tokens.tokenizer_name() == "char-estimate"
            ends = tokens.token_char_offsets("水厂abcdefgh")
            assert ends[-1] == len("水厂abcdefgh") and ends == sorted(ends)
        assert sum("character estimates" in r.message for r in caplog.records) == 1
    finally:
        monkeypatch.undo()
        tokens.get_tokenizer.cache_clear()
        tokens._fast.cache_clear()
    assert tokens.tokenizer_name() == "qwen"


def test_estimate_is_close_to_qwen_on_chinese(fixtures_dir):
    from corpus_testlib import novel

    text = novel(fixtures_dir, "sanguoyanyi", 20_000)
    real, est = tokens.count_tokens(text), tokens.estimate_tokens(text)
    assert 0.7 < est / real < 1.4


def test_tiktoken_path_gives_the_tokenizers_library_counts():
    pytest.importorskip("tiktoken")
    tokens.get_tokenizer.cache_clear()
    tokens._fast.cache_clear()
    hf = tokens.get_tokenizer()
    texts = [
        "青溪市自来水公司，2025年水质达标率99.9%。",
        "Hello  world!\n\n\tTabs, émoji 🙂 and 'quotes' l'eau",
        "   ",
        "一\n\n二。三！",
    ]
    for t in texts:
        assert tokens.count_tokens(t) == len(hf.encode(t, add_special_tokens=False).ids)
        ends = tokens.token_ends(t)
        assert ends.tolist() == [e for _, e in hf.encode(t, add_special_tokens=False).offsets]
