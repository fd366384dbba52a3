"""Grounding and relevance benchmark on CMRC 2018 (trial set): can the gate tell supported answers from
invented ones, and answers to this question from answers to another?

Cases, built from ``../shared/fixtures/qa_zh/cmrc2018_trial.json``:

* ``gold``: each gold answer against its own passage (should pass);
* ``wrapped``: the same answer inside a sentence, 「根据材料，…。」 (should pass);
* ``other_article``: an answer to a question about a different article (should fail);
* ``changed_number``: a gold answer containing a number with one digit changed (should fail);
* ``same_passage``: the answer to another question about the same passage (should fail; every word of it
  is in the source, so only relevance can tell).

Split: the file's passages in file order, even positions (0, 2, ...) are the tuning half (relevance's
constants were chosen there), odd positions the held-out half (never tuned on). Both are reported.

Prints, per half, ROC AUC per kind of negative (positives: gold + wrapped) and accuracy at the default
threshold for: two baselines (character-unigram coverage, the lexical score without the number/name
check), the gate's grounding, its relevance, and the gate's combined score (its verdict, passed > flagged >
dropped; within one verdict grounded answers above ungrounded ones; then grounding x relevance); then the share of each kind whose verdict is right (right answers not
dropped, wrong ones not passed), the relevance curve (share of right and of same-passage answers below
each threshold) and the CPU time per sample (time.process_time) of relevance and of the whole gate;
last, over both halves, what each check of the gate costs per sample (``bench/gate_costs.py``).

Writes the same to ``bench/results/grounding.md`` (``--out``).

Usage: python bench/grounding.py [--fixture PATH] [--seed 0] [--out PATH]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import re
import time
from collections.abc import Callable
from pathlib import Path

from corpusforge.generate.tasks import TASKS
from corpusforge.quality.config import QualityConfig
from corpusforge.quality.gate import QualityGate
from corpusforge.quality.grounding import lexical_support
from corpusforge.quality.relevance import relevance
from corpusforge.quality.text import units

FIXTURE = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "qa_zh" / "cmrc2018_trial.json"
POSITIVE = ("gold", "wrapped")
NEGATIVE = ("other_article", "changed_number", "same_passage")
WRAPS = ("根据材料，{}。", "{}。", "原文提到，{}。")
CURVE = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35)


def load_qas(path: Path) -> list[dict]:
    """(article, passage index, context, question, answer) records: the first gold answer of each question."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))["data"]
    out = []
    n = 0
    for art in data:
        for p in art["paragraphs"]:
            for qa in p["qas"]:
                if qa["answers"] and qa["answers"][0]["text"].strip():
                    out.append(
                        {
                            "article": art.get("id") or art.get("title"),
                            "passage": n,
                            "context": p["context"],
                            "question": qa["question"],
                            "answer": qa["answers"][0]["text"].strip(),
                        }
                    )
            n += 1
    return out


def split_halves(qas: list[dict]) -> dict[str, list[dict]]:
    """``tuning`` (passages at even positions in the file) and ``held_out`` (odd positions)."""
    return {
        "tuning": [r for r in qas if r["passage"] % 2 == 0],
        "held_out": [r for r in qas if r["passage"] % 2 == 1],
    }


def change_digit(text: str, rng: random.Random) -> str | None:
    """The text with one digit replaced by another, or None when it has no digit."""
    pos = [m.start() for m in re.finditer(r"[0-9]", text)]
    if not pos:
        return None
    i = rng.choice(pos)
    new = rng.choice([d for d in "0123456789" if d != text[i]])
    return text[:i] + new + text[i + 1 :]


def same_passage_answers(r: dict, qas: list[dict]) -> list[str]:
    """Answers to the other questions of ``r``'s passage (neither containing the other's answer)."""
    a = r["answer"]
    return [
        o["answer"]
        for o in qas
        if o["passage"] == r["passage"] and a not in o["answer"] and o["answer"] not in a
    ]


def build_cases(qas: list[dict], seed: int = 0) -> list[dict]:
    """Positive and negative cases (dicts with kind, question, answer, context)."""
    rng = random.Random(seed)
    by_passage: dict[int, list[dict]] = {}
    for r in qas:
        by_passage.setdefault(r["passage"], []).append(r)
    cases = []
    for i, r in enumerate(qas):
        base = {"question": r["question"], "context": r["context"]}
        cases.append({**base, "kind": "gold", "answer": r["answer"]})
        cases.append({**base, "kind": "wrapped", "answer": WRAPS[i % len(WRAPS)].format(r["answer"])})
        while True:
            other = rng.choice(qas)
            if other["article"] != r["article"]:
                break
        cases.append({**base, "kind": "other_article", "answer": other["answer"]})
        changed = change_digit(r["answer"], rng)
        if changed:
            cases.append({**base, "kind": "changed_number", "answer": changed})
        same = same_passage_answers(r, by_passage[r["passage"]])
        if same:
            cases.append({**base, "kind": "same_passage", "answer": rng.choice(same)})
    return cases


def roc_auc(pos: list[float], neg: list[float]) -> float:
    """Probability that a random positive scores above a random negative (ties count half)."""
    if not pos or not neg:
        return float("nan")
    ranked = sorted([(s, 1) for s in pos] + [(s, 0) for s in neg])
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        avg = (i + j + 1) / 2  # 1-based average rank of the tie group
        rank_sum += avg * sum(lbl for _, lbl in ranked[i:j])
        i = j
    return (rank_sum - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))


def evaluate(cases: list[dict], scorer: Callable[[dict], float], threshold: float) -> dict:
    """AUC per negative kind and accuracy at ``threshold`` of one scorer."""
    for c in cases:
        c["score"] = scorer(c)
    by: dict[str, list[float]] = {}
    for c in cases:
        by.setdefault(c["kind"], []).append(c["score"])
    pos = by["gold"] + by["wrapped"]
    res = {f"auc_{k}": roc_auc(pos, by.get(k, [])) for k in NEGATIVE}
    ok = [(c["score"] >= threshold) == (c["kind"] in POSITIVE) for c in cases]
    res["accuracy"] = sum(ok) / len(ok)
    for k in POSITIVE + NEGATIVE:
        kk = [c for c in cases if c["kind"] == k]
        res[f"acc_{k}"] = sum((c["score"] >= threshold) == (k in POSITIVE) for c in kk) / max(1, len(kk))
    return res


def gate_cases(cases: list[dict], cfg: QualityConfig) -> float:
    """Run the gate on every case once (sets ``grounding``, ``relevance``, ``verdict``); returns the CPU
    seconds (time.process_time) per case."""
    gate = QualityGate(cfg, tasks=TASKS)
    t = time.process_time()
    for c in cases:
        v = gate.score(c["question"], c["answer"], c["context"])
        c["grounding"], c["relevance"], c["verdict"] = v.grounding, v.relevance or 0.0, v.verdict
    return (time.process_time() - t) / max(1, len(cases))


TIER = {"passed": 2, "flagged": 1, "dropped": 0}


def combined(c: dict, threshold: float = 0.5) -> float:
    """The gate's combined score: its verdict (passed > flagged > dropped); within one verdict grounded
    answers (grounding >= ``threshold``: at worst an answer to another question, not an invented one) above
    the rest; then grounding x relevance. Kept samples score >= 2."""
    return 2 * TIER[c["verdict"]] + (c["grounding"] >= threshold) + c["grounding"] * c["relevance"]


def scorers(cfg: QualityConfig) -> dict[str, tuple[Callable[[dict], float], float]]:
    """(score, threshold) of the two baselines and of the gate's grounding, relevance and combined score
    (the last three read what :func:`gate_cases` set)."""

    def unigram(c: dict) -> float:
        a, ctx = units(c["answer"]), set(units(c["context"]))
        return sum(u in ctx for u in a) / len(a) if a else 0.0

    g = cfg.grounding_threshold
    return {
        "unigram coverage (baseline)": (unigram, g),
        "lexical only": (lambda c: lexical_support(c["answer"], c["context"], c["question"]), g),
        "gate grounding": (lambda c: c["grounding"], g),
        "gate relevance": (lambda c: c["relevance"], cfg.relevance_min),
        "gate combined": (lambda c: combined(c, g), 2.0),
    }


def verdict_accuracy(cases: list[dict]) -> dict[str, float]:
    """Share of cases whose gate verdict is right (positives not dropped, negatives not passed)."""
    out: dict[str, float] = {}
    for k in POSITIVE + NEGATIVE:
        v = [c["verdict"] for c in cases if c["kind"] == k]
        good = [(x != "dropped") if k in POSITIVE else (x != "passed") for x in v]
        out[k] = sum(good) / max(1, len(good))
    return out


def relevance_curve(cases: list[dict]) -> list[tuple[float, float, float]]:
    """(threshold, share of right answers below it, share of same-passage answers below it)."""
    pos = [c["relevance"] for c in cases if c["kind"] in POSITIVE]
    neg = [c["relevance"] for c in cases if c["kind"] == "same_passage"]
    return [
        (t, sum(x < t for x in pos) / max(1, len(pos)), sum(x < t for x in neg) / max(1, len(neg)))
        for t in CURVE
    ]


def relevance_cpu(cases: list[dict]) -> float:
    """CPU seconds (time.process_time) per call of :func:`relevance` alone, over ``cases``."""
    t = time.process_time()
    for c in cases:
        relevance(c["question"], c["answer"], c["context"])
    return (time.process_time() - t) / max(1, len(cases))


def report(name: str, cases: list[dict], cfg: QualityConfig) -> dict[str, dict]:
    """Print (and return) the results of one half."""
    gate_s = gate_cases(cases, cfg)
    counts = {k: sum(c["kind"] == k for c in cases) for k in POSITIVE + NEGATIVE}
    print(f"\n== {name}: cases {counts}")
    cols = [f"auc_{k}" for k in NEGATIVE] + ["accuracy"]
    print(f"{'scorer':30s}" + "".join(f"{c:>22s}" for c in cols))
    results = {}
    for label, (f, threshold) in scorers(cfg).items():
        results[label] = r = evaluate(cases, f, threshold)
        print(f"{label:30s}" + "".join(f"{r[c]:22.4f}" for c in cols))
    right = verdict_accuracy(cases)
    print("gate verdict right: " + ", ".join(f"{k} {v:.4f}" for k, v in right.items()))
    pos = [c for c in cases if c["kind"] in POSITIVE]
    dropped = sum(c["verdict"] == "dropped" for c in pos) / max(1, len(pos))
    print(f"right answers dropped: {dropped:.4f} (relevance_min {cfg.relevance_min})")
    print(
        "relevance curve (threshold: right below, same-passage below): "
        + ", ".join(f"{t}: {a:.3f} {b:.3f}" for t, a, b in relevance_curve(cases))
    )
    print(f"CPU ms/sample: gate {gate_s * 1000:.3f}, relevance alone {relevance_cpu(cases) * 1000:.3f}")
    results["verdicts"] = {**right, "right_dropped": dropped}
    return results


RESULTS = Path(__file__).resolve().parent / "results" / "grounding.md"


def main() -> None:
    from gate_costs import print_costs  # bench/ is on sys.path when this file runs as a script

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fixture", type=Path, default=FIXTURE)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=RESULTS, help="Markdown copy of the output ('' for none).")
    args = ap.parse_args()
    cfg = QualityConfig()
    halves = split_halves(load_qas(args.fixture))
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        print(
            f"grounding threshold {cfg.grounding_threshold}, relevance_min {cfg.relevance_min}; split by "
            f"passage: tuning = even positions ({len(halves['tuning'])} questions), held-out = odd "
            f"({len(halves['held_out'])}), seed {args.seed}"
        )
        every = []
        for name, qas in halves.items():
            cases = build_cases(qas, args.seed)
            report(name, cases, cfg)
            every += cases
        print_costs("both halves", every, cfg)
    print(buf.getvalue(), end="")
    if str(args.out) not in ("", "."):  # --out "" becomes Path("."): no copy
        doc = (__doc__ or "").split("Usage:")[0].strip()
        text = f"# bench/grounding.py\n\n{doc}\n\n```\n{buf.getvalue().strip()}\n```\n"
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
