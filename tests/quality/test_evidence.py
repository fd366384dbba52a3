"""Evidence quotes of qa samples: found in the chunk (offsets, page) or dropped; relevance beside grounding."""

import json

from corpusforge.generate.config import GenerateConfig
from corpusforge.generate.tasks import TASKS
from corpusforge.quality.check import check_jsonl
from corpusforge.quality.evidence import EvidenceFinder
from corpusforge.quality.gate import QualityGate
from corpusforge.records import Chunk, Sample

CTX = (
    "青溪市自来水公司成立于1987年3月12日，负责中心城区的供水。营业时间为周一至周六8:30至17:30。"
    "用户投诉应在3个工作日内答复，涉及水质的投诉应在4小时内派员上门取样检测。"
)
Q, A = "水质投诉多久派员上门？", "涉及水质的投诉应在4小时内派员上门取样检测。"


def qa(quote: str | None, q: str = Q, a: str = A) -> Sample:
    item = {"question": q, "answer": a} | ({"evidence": quote} if quote is not None else {})
    return Sample(
        sample_id="s1",
        task="qa",
        instruction=q,
        input="",
        output=a,
        source="rules.txt",
        doc_id="d1",
        pages=[4, 5],
        chunk_ids=["d1-00003"],
        metadata={"lang": "zh", "question": q, "qa": item},
    )


def test_a_quote_not_in_the_source_is_dropped():
    from corpusforge.quality.config import QualityConfig

    cfg = QualityConfig(actions={"evidence_not_found": "drop"})
    s = QualityGate(cfg, tasks=TASKS).apply(qa("用户投诉应在7个工作日内书面答复并赔偿损失。"), CTX)
    assert s.status == "dropped" and "evidence_not_found" in s.reasons and s.evidence == []
    # the default drops it too (generate.evidence_choices makes the embedded model quote verbatim)
    s = QualityGate(tasks=TASKS).apply(qa("用户投诉应在7个工作日内书面答复并赔偿损失。"), CTX)
    assert s.status == "dropped" and "evidence_not_found" in s.reasons


def test_an_exact_quote_slices_back_to_itself_with_chunk_and_page():
    quote = "涉及水质的投诉应在4小时内派员上门取样检测。"
    s = QualityGate(tasks=TASKS).apply(qa(quote), CTX)
    assert (s.status, s.reasons) == ("passed", [])
    (ev,) = s.evidence
    assert CTX[ev["start"] : ev["end"]] == quote
    assert (ev["quote"], ev["chunk_id"], ev["page"], ev["score"]) == (quote, "d1-00003", 4, 1.0)


def test_a_reworded_quote_is_found_by_normalisation_and_alignment():
    gate = QualityGate(tasks=TASKS)
    # full-width digits and a dropped comma: equal after folding
    s = gate.apply(qa("营业时间为周一至周六８:３０至１７:３０"), CTX)
    (ev,) = s.evidence
    assert CTX[ev["start"] : ev["end"]] == "营业时间为周一至周六8:30至17:30" and ev["score"] == 1.0
    # one character changed: fuzzy, still above the threshold
    s = gate.apply(qa("用户投诉应在3个工作日内回复，涉及水质的投诉应在4小时内派员上门取样检测"), CTX)
    (ev,) = s.evidence
    assert 0.9 <= ev["score"] < 1.0 and CTX[ev["start"] : ev["end"]].startswith("用户投诉应在3个工作日内")
    assert len(gate.evidence._folded) == 1  # the chunk was folded once for both lookups


def test_no_quote_keeps_the_verdict_with_reason_evidence_missing():
    s = QualityGate(tasks=TASKS).apply(qa(None), CTX)
    assert (s.status, s.reasons, s.evidence) == ("passed", ["evidence_missing"], [])


def test_quote_is_searched_chunk_by_chunk_with_offsets_into_its_chunk():
    chunks = [
        Chunk(chunk_id="d1-00000", doc_id="d1", source="rules.txt", text="第一章 总则。", pages=[1]),
        Chunk(chunk_id="d1-00001", doc_id="d1", source="rules.txt", text=CTX, pages=[7]),
    ]
    s = QualityGate(tasks=TASKS).apply(qa("营业时间为周一至周六8:30至17:30。"), chunks)
    (ev,) = s.evidence
    assert (ev["chunk_id"], ev["page"]) == ("d1-00001", 7)
    assert CTX[ev["start"] : ev["end"]] == "营业时间为周一至周六8:30至17:30。"


def test_relevance_is_set_and_lower_for_an_answer_of_the_wrong_kind():
    gate = QualityGate(tasks=TASKS)
    good = gate.apply(qa(A), CTX)
    wrong = gate.apply(qa(None, q="水质投诉多少小时内派员上门？", a="由青溪市自来水公司负责。"), CTX)
    assert good.relevance is not None and wrong.relevance is not None
    assert 0 <= wrong.relevance < good.relevance <= 1


def test_finder_cache_is_bounded():
    f = EvidenceFinder(max_cached=2)
    for i in range(4):
        ev = f.find("mains were replacd", f"The mains were replaced in 202{i}.", chunk_id=f"c{i}")
        assert ev is not None and (ev["start"], ev["end"], ev["score"]) == (4, 23, 1.0)
    assert len(f._folded) == 2


def test_check_jsonl_writes_relevance_beside_grounding(tmp_path):
    src = tmp_path / "in.jsonl"
    rows = [
        {"question": Q, "answer": A, "context": CTX},
        {"question": "公司何时成立？", "answer": "很好。", "context": CTX},
    ]
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    check_jsonl(src, tmp_path / "out.jsonl", tasks=TASKS)
    out = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all("grounding" in r and isinstance(r["relevance"], float) for r in out)
    assert out[0]["relevance"] > out[1]["relevance"]


def test_qa_items_read_the_optional_evidence():
    task, cfg = TASKS["qa"], GenerateConfig()
    assert task.valid({"question": "Q?", "answer": "A.", "evidence": " A. "}, cfg) == {
        "question": "Q?",
        "answer": "A.",
        "evidence": "A.",
    }
    assert task.valid({"question": "Q?", "answer": "A."}, cfg) == {"question": "Q?", "answer": "A."}
    assert task.valid({"question": "Q?", "answer": "A.", "evidence": 3}, cfg) == {
        "question": "Q?",
        "answer": "A.",
    }
    assert "evidence" in task.schema(cfg, 2)["properties"]["pairs"]["items"]["required"]
