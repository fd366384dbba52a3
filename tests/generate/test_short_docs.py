"""Documents below generate.qa_min are listed with the reason and the remedy."""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

from corpusforge.generate.config import GenerateConfig
from corpusforge.generate.jobs import EMBEDDED_ZH, DocState, short_reason
from corpusforge.records import Chunk, Document


def _ctx(model: str) -> SimpleNamespace:
    return SimpleNamespace(cfg=GenerateConfig(), client=SimpleNamespace(model=model))


def _state(lang: str, lost: Counter[str] | None = None) -> tuple[DocState, Document]:
    doc = Document("d1", "a.txt", "a.txt", "text", lang=lang)
    chunk = Chunk("d1-00000", "d1", "a.txt", [1], "text", lang=lang)
    return DocState(doc=doc, chunks=[chunk], lost=lost or Counter()), doc


def test_chinese_on_the_embedded_model_points_at_a_qwen_server():
    st, doc = _state("zh")
    assert short_reason(_ctx("embedded:SmolLM2-135M-Instruct-Q8_0.gguf"), st, doc) == EMBEDDED_ZH
    assert "Qwen server" in EMBEDDED_ZH and "llm.backend: openai" in EMBEDDED_ZH


def test_other_documents_name_the_top_reasons_or_the_missing_chunks():
    st, doc = _state("en", Counter({"low_relevance": 3, "not_a_question": 1}))
    why = short_reason(_ctx("embedded:x.gguf"), st, doc)
    assert why.startswith("pairs not kept: low_relevance 3, not_a_question 1;") and "qa_rounds" in why
    zh, zdoc = _state("zh")
    assert "no usable pair" in short_reason(_ctx("qwen2.5-7b-instruct"), zh, zdoc)
    assert "min_chunk_chars (40)" in short_reason(_ctx("x"), None, doc)
