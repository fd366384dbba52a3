"""Evidence choices: the qa reply schema offers the chunk's own sentences as the only evidence values."""

from __future__ import annotations

from corpusforge.generate.config import GenerateConfig
from corpusforge.generate.evidence import choices_on, sentence_choices
from corpusforge.generate.tasks import get_task
from corpusforge.generate.units import Unit
from corpusforge.llm.config import LLMConfig
from corpusforge.records import Chunk, Document

TEXT = (
    "Water Quality FAQ\n"
    "The utility tests tap water every day at 42 sampling points. Results are published monthly, "
    "e.g. in the customer newsletter.\n"
    "清溪市自来水公司每月公布一次检测结果。检测项目包括浊度和余氯。"
)


def _unit(text: str) -> Unit:
    doc = Document("d1", "faq.md", "faq.md", "md", lang="en")
    return Unit(doc=doc, chunks=[Chunk("d1-00000", "d1", "faq.md", [1], text, lang="en")], lang="en")


def test_sentences_are_verbatim_distinct_and_bounded():
    got = sentence_choices(TEXT + "\n" + TEXT, max_sentences=40, max_chars=60)
    assert got[0] == "Water Quality FAQ"
    assert "Results are published monthly, e.g. in the customer newsletter." not in got  # cut at 60 chars
    assert all(s in TEXT and len(s) <= 60 for s in got) and len(got) == len(set(got)) == 5
    assert "清溪市自来水公司每月公布一次检测结果。" in got
    many = " ".join(f"Sentence number {i} is here." for i in range(100))
    spread = sentence_choices(many, max_sentences=10)
    assert len(spread) == 10 and spread[0] == "Sentence number 0 is here." and "number 90 " in spread[-1]


def test_qa_request_schema_gives_evidence_as_an_enum_when_on():
    task, cfg, unit = get_task("qa"), GenerateConfig(max_field_chars=160), _unit(TEXT)
    pair = task.request_schema(cfg, 3, unit, True)["properties"]["pairs"]["items"]
    assert list(pair["properties"]) == ["question", "evidence", "answer"]
    assert pair["properties"]["evidence"]["enum"] == sentence_choices(TEXT, 40, 160)
    off = task.request_schema(cfg, 3, unit, False)
    assert (
        off == task.schema(cfg, 3)
        and "enum" not in off["properties"]["pairs"]["items"]["properties"]["evidence"]
    )
    # a chunk without a usable sentence keeps the free string
    assert (
        "enum"
        not in task.request_schema(cfg, 1, _unit("1."), True)["properties"]["pairs"]["items"]["properties"][
            "evidence"
        ]
    )
    # other tasks keep their schema
    summary = get_task("summary")
    assert summary.request_schema(cfg, 1, unit, True) == summary.schema(cfg, 1)


def test_auto_is_on_for_llamacpp_and_schema_servers_only():
    auto = GenerateConfig()
    assert choices_on(auto, LLMConfig(backend="llamacpp"))
    assert choices_on(auto, LLMConfig(backend="openai", openai={"base_url": ["http://x/v1"]}))
    assert not choices_on(auto, LLMConfig(backend="openai", openai={"response_format": "none"}))
    assert not choices_on(GenerateConfig(evidence_choices="off"), LLMConfig(backend="llamacpp"))
    assert choices_on(
        GenerateConfig(evidence_choices="on"), LLMConfig(backend="openai", openai={"response_format": "none"})
    )
