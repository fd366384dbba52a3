"""Evidence choices: the qa reply schema offers the chunk's own sentences as the only evidence values."""

from __future__ import annotations

import json
import re

from corpusforge.generate.config import GenerateConfig
from corpusforge.generate.evidence import assigned, choices_for, evidence_mode, sentence_choices
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
    pair = task.request_schema(cfg, 3, unit, "on")["properties"]["pairs"]["items"]
    assert list(pair["properties"]) == ["evidence", "question", "answer"]  # evidence first
    assert pair["properties"]["evidence"]["enum"] == sentence_choices(TEXT, 40, 160)
    off = task.request_schema(cfg, 3, unit, "off")
    assert (
        off == task.schema(cfg, 3)
        and "enum" not in off["properties"]["pairs"]["items"]["properties"]["evidence"]
    )
    # a chunk without a usable sentence keeps the free string
    assert (
        "enum"
        not in task.request_schema(cfg, 1, _unit("1."), "on")["properties"]["pairs"]["items"]["properties"][
            "evidence"
        ]
    )
    # other tasks keep their schema
    summary = get_task("summary")
    assert summary.request_schema(cfg, 1, unit, "on") == summary.schema(cfg, 1)


def test_auto_is_on_for_llamacpp_and_schema_servers_only():
    auto = GenerateConfig()
    assert evidence_mode(auto, LLMConfig(backend="llamacpp")) != "off"
    assert evidence_mode(auto, LLMConfig(backend="llamacpp")) == "assign"
    assert evidence_mode(auto, LLMConfig(backend="openai", openai={"base_url": ["http://x/v1"]})) == "on"
    assert evidence_mode(GenerateConfig(evidence_choices="assign"), LLMConfig(backend="openai")) == "assign"
    assert evidence_mode(auto, LLMConfig(backend="openai", openai={"base_url": ["http://x/v1"]})) != "off"
    assert evidence_mode(auto, LLMConfig(backend="openai", openai={"response_format": "none"})) == "off"
    assert evidence_mode(GenerateConfig(evidence_choices="off"), LLMConfig(backend="llamacpp")) == "off"
    assert (
        evidence_mode(
            GenerateConfig(evidence_choices="on"),
            LLMConfig(backend="openai", openai={"response_format": "none"}),
        )
        != "off"
    )


FAQ = (
    "## Is tap water safe to drink?\n"
    "Yes. The utility tested 106 indicators every month. The compliance rate was 99.96%.\n"
    "## How hard is the water?\n"
    "Average total hardness was 120 mg/L, which counts as moderately soft.\n"
    "Water Quality Monitoring Centre"
)


def test_questions_are_no_evidence_and_used_sentences_are_not_offered_again():
    cfg = GenerateConfig(max_field_chars=160)
    every = choices_for(cfg, FAQ)
    assert not any(s.endswith("?") for s in every)  # FAQ headings support no answer
    assert "The compliance rate was 99.96%." in every
    fresh = choices_for(cfg, FAQ, used=["The compliance rate was 99.96%."])
    assert fresh == [s for s in every if s != "The compliance rate was 99.96%."]
    assert choices_for(cfg, FAQ, used=every) == every  # a chunk quoted out offers them all again


def test_assign_gives_each_pair_its_own_fresh_complete_sentence():
    cfg = GenerateConfig(max_field_chars=160)
    used = ["The utility tested 106 indicators every month."]
    got = assigned(cfg, FAQ, used, 3)
    assert got == [
        "The compliance rate was 99.96%.",
        "Average total hardness was 120 mg/L, which counts as moderately soft.",
        "Water Quality Monitoring Centre",  # no sentence end: after the complete sentences
    ]
    assert assigned(cfg, FAQ, sentence_choices(FAQ, 40, 160), 2) == []
    schema = get_task("qa").request_schema(cfg, 2, _unit(FAQ), "assign", [*used, got[0]])
    pairs = schema["properties"]["pairs"]
    assert "items" not in pairs and pairs["minItems"] == 2
    assert [p["properties"]["evidence"]["enum"] for p in pairs["prefixItems"]] == [[got[1]], [got[2]]]
    json.dumps(schema)
    # every sentence used: the model picks from the enum again
    out = get_task("qa").request_schema(cfg, 2, _unit(FAQ), "assign", sentence_choices(FAQ, 40, 160))
    assert out["properties"]["pairs"]["items"]["properties"]["evidence"]["enum"]


def test_assigned_pairs_ask_one_question_and_answer_in_one_sentence():
    cfg = GenerateConfig(max_field_chars=160)
    pair = get_task("qa").request_schema(cfg, 1, _unit(FAQ), "assign")["properties"]["pairs"]["prefixItems"][
        0
    ]
    q, a = (re.compile(pair["properties"][k]["pattern"]) for k in ("question", "answer"))
    assert q.match("How hard is the water?") and not q.match("How hard? Very. Why?")
    assert not q.match("A") and not q.match('Say "hi"?')
    assert a.match("It is 120 mg/L, between 0.3 and 0.5 mg/L.") and a.match("Yes.")
    assert not a.match("Yes. In 2025 the utility tested") and not a.match("It is soft")
