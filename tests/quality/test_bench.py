"""The grounding benchmark's logic on the CMRC 2018 fixture (bench/grounding.py), with measured floors."""

import importlib.util
import math
from pathlib import Path

import pytest

from corpusforge.quality.config import QualityConfig

BENCH = Path(__file__).resolve().parents[2] / "bench" / "grounding.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_grounding", BENCH)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_roc_auc(bench):
    assert bench.roc_auc([0.9, 0.8], [0.1, 0.2]) == 1.0
    assert bench.roc_auc([0.5], [0.5]) == 0.5
    assert bench.roc_auc([0.1], [0.9]) == 0.0
    assert math.isnan(bench.roc_auc([], [0.1]))


def test_change_digit(bench):
    import random

    rng = random.Random(0)
    for text in ("4分钟", "1987年3月12日", "31,875美元"):
        changed = bench.change_digit(text, rng)
        assert changed != text and len(changed) == len(text)
        assert sum(a != b for a, b in zip(text, changed, strict=True)) == 1
    assert bench.change_digit("踢爆", rng) is None


def test_bench_on_cmrc2018(bench, fixtures_dir):
    qas = bench.load_qas(fixtures_dir / "qa_zh" / "cmrc2018_trial.json")
    assert len(qas) == 1002
    cases = bench.build_cases(qas[:400], seed=0)
    kinds = {c["kind"] for c in cases}
    assert kinds == {"gold", "wrapped", "other_article", "changed_number"}
    cfg = QualityConfig()
    res = bench.evaluate(cases, bench.scorers(cfg)["gate grounding"], cfg.grounding_threshold)
    # measured on these 400 questions: AUC 0.996 / 0.997, accuracy 0.978 (full file: 0.999 / 0.991, 0.979)
    assert res["auc_other_article"] >= 0.98
    assert res["auc_changed_number"] >= 0.97
    assert res["accuracy"] >= 0.95
    assert res["acc_gold"] >= 0.99 and res["acc_wrapped"] >= 0.99
    verdicts = bench.verdict_accuracy([c for c in cases if c["kind"] != "other_article"], cfg)
    assert verdicts["changed_number"] >= 0.95 and verdicts["gold"] >= 0.99
