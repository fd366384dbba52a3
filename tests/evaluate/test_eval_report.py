"""``evaluate`` on the real embedded model: the report exists and its numbers match a recomputation."""

from __future__ import annotations

import json
from statistics import mean

import pytest

from corpusforge.evaluate import metrics
from corpusforge.evaluate.config import EvalConfig
from corpusforge.evaluate.run import evaluate

QUESTIONS = [
    (
        "What is the daily capacity of the Qingxi water plant?",
        "The plant treats 120,000 cubic metres a day.",
        "report.md",
    ),
    ("How often is tap water tested?", "Tap water is tested every day at 42 sampling points.", "faq.md"),
    ("青溪市居民水价是多少？", "居民用水第一阶梯价格为每立方米3.2元。", "年报.pdf"),
]


@pytest.fixture
def test_split(tmp_path):
    path = tmp_path / "messages" / "test.jsonl"
    path.parent.mkdir()
    with path.open("w", encoding="utf-8") as f:
        for i, (q, a, src) in enumerate(QUESTIONS):
            f.write(
                json.dumps(
                    {
                        "messages": [{"role": "user", "content": q}, {"role": "assistant", "content": a}],
                        "task": "qa",
                        "source": src,
                        "pages": [1],
                        "sample_id": f"s{i}",
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
    domain = tmp_path / "domain.jsonl"
    domain.write_text(
        json.dumps({"text": "The Qingxi water plant treats 120,000 cubic metres of water a day."}) + "\n"
    )
    return tmp_path, domain


@pytest.mark.slow
def test_report_written_and_numbers_recompute(test_split, smollm_hf_dir, tmp_path):
    data_dir, domain = test_split
    res = evaluate(
        data_dir,
        tmp_path / "eval",
        base=smollm_hf_dir,
        domain_texts=domain,
        cfg=EvalConfig(max_new_tokens=24, batch_size=3),
    )
    rep = json.loads(res.report_json.read_text())
    assert res.report_html.exists() and (tmp_path / "eval" / "metrics_by_task.png").exists()
    html = res.report_html.read_text()
    assert "data:image/png;base64," in html and "<script" not in html
    assert rep["n_items"] == 3 and [m["name"] for m in rep["models"]] == ["base"]
    recomputed = []
    for it in rep["items"]:
        ans = it["answers"]["base"]
        assert it["scores"]["base"]["rouge_l"] == pytest.approx(metrics.rouge_l(ans, it["reference"]))
        assert it["scores"]["base"]["char_f1"] == pytest.approx(metrics.char_f1(ans, it["reference"]))
        recomputed.append(metrics.rouge_l(ans, it["reference"]))
    assert rep["metrics"]["base"]["overall"]["rouge_l"] == pytest.approx(mean(recomputed), abs=1e-4)
    assert set(rep["metrics"]["base"]["by_source"]) == {"report.md", "faq.md", "年报.pdf"}
    ppl = rep["perplexity"]["base"]
    assert ppl["domain"] > 1 and ppl["general"] > 1
    assert len(rep["examples"]["worst"]) >= 1


def test_bad_test_split_names_file_and_record(tmp_path):
    bad = tmp_path / "test.jsonl"
    bad.write_text('{"foo": 1}\n')
    with pytest.raises(ValueError, match=r"test.jsonl: record 0"):
        evaluate(bad, tmp_path / "out", models=[])
