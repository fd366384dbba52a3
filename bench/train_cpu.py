"""CPU training bench: plan vs measured peak RSS on real architectures, and the planner beside LF's table.

Each configuration trains in a fresh ``python -m corpusforge train pt`` process (one torch thread), so its
peak RSS minus the post-import baseline is clean. Models: the embedded SmolLM2-135M (``smol``, where the
planner's constants were fitted: LoRA, seq 128/256) and ``random:Qwen/Qwen2.5-{0.5B,1.5B}-Instruct``
(published architecture, random weights: a check, not refitted). Writes ``bench/results/train_cpu.json``.

    nice python bench/train_cpu.py --models 0.5b,1.5b --methods lora,full,prompt --seqs 64,128 --steps 2
    python bench/train_cpu.py --lf-only     # planner vs LLaMA-Factory's published table, no training
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
MODELS = {"0.5b": "random:Qwen/Qwen2.5-0.5B-Instruct", "1.5b": "random:Qwen/Qwen2.5-1.5B-Instruct"}
# LLaMA-Factory README "Hardware Requirement" (GB): its own defaults, roughly batch 1, cutoff 1024,
# bf16 weights, gradient checkpointing, LoRA on all linear layers. Full = "bf16 full (mixed)" is 18x params.
LF_TABLE = {"7B": {"lora": 16, "qlora": 6, "full": 60}, "14B": {"lora": 32, "qlora": 12, "full": 120}}


def write_corpus(root: Path, n: int = 48) -> Path:
    """An export folder with ``n`` neutral pretrain paragraphs (a fictional water utility)."""
    (root / "pretrain").mkdir(parents=True, exist_ok=True)
    topics = ["meter reading", "burst pipes", "water tariffs", "new connections", "leak detection"]
    with open(root / "pretrain" / "corpus.jsonl", "w", encoding="utf-8") as f:
        for i in range(n):
            t = topics[i % len(topics)]
            text = (
                f"Section {i}: the city water utility records every {t} request in its service log within "
                f"one working day and reviews {t} each quarter."
            )
            f.write(json.dumps({"text": text}) + "\n")
    return root


def lf_table() -> list[dict]:
    """The planner (GPU, batch 1, seq 1024, gradient checkpointing) beside LF's published GB."""
    from corpusforge.train.plan import plan_memory

    rows = []
    for size, methods in LF_TABLE.items():
        for method, lf_gb in methods.items():
            p = plan_memory(f"Qwen/Qwen2.5-{size}-Instruct", method, 1024, 1, device="cuda")
            rows.append(
                {"model": size, "method": method, "lf_gb": lf_gb, "plan_gb": round(p.total_gib * 1.074, 1)}
            )
    print(f"{'model':6} {'method':6} {'LF GB':>6} {'plan GB':>8}")  # noqa: T201
    for r in rows:
        print(f"{r['model']:6} {r['method']:6} {r['lf_gb']:6} {r['plan_gb']:8}")  # noqa: T201
    return rows


def run_one(model: str, method: str, seq: int, batch: int, data: Path, out: Path, steps: int) -> dict:
    """Train one configuration in a subprocess; its measured peak RSS growth beside the plan."""
    from corpusforge.train.plan import plan_memory

    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
    cmd = [sys.executable, "-m", "corpusforge", "train", "pt", "--data", str(data), "--out", str(out)]
    cmd += ["--base-model", model, "--method", method, "--max-steps", str(steps), "--seq-len", str(seq)]
    cmd += ["--batch", str(batch), "--no-gradient-checkpointing"]
    for s in ("general_share=0", "gradient_accumulation_steps=1", "logging_steps=1"):
        cmd += ["--set", s]
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    res = json.loads((out / "train_result.json").read_text())
    plan = plan_memory(model, method, seq, batch, stage="pt", device="cpu", gradient_checkpointing=False)
    measured = res["memory"]["peak_rss_delta"]
    return {
        "model": model,
        "method": method,
        "seq_len": seq,
        "batch": batch,
        "measured_mib": measured,
        "plan_mib": round(plan.total_gib * 1024, 1),
        "plan_over_measured": round(plan.total_gib * 1024 / measured, 3),
        "tokens_per_s": res["tokens_per_s"],
        "losses": res["losses"],
    }


def main() -> None:
    """Run each configuration, print both tables, write the JSON."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default="0.5b,1.5b", help="comma list: 0.5b, 1.5b, smol")
    ap.add_argument("--methods", default="lora,full,prompt")
    ap.add_argument("--seqs", default="64,128")
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--steps", type=int, default=2)
    ap.add_argument("--lf-only", action="store_true", help="only the planner vs LLaMA-Factory table")
    args = ap.parse_args()
    result: dict = {"lf_table": lf_table(), "rows": []}
    if not args.lf_only:
        from corpusforge.models import hf_dir_for

        tmp = Path(tempfile.mkdtemp(prefix="cf-train-cpu-"))
        data = write_corpus(tmp / "export")
        for key in args.models.split(","):
            model = hf_dir_for(None) if key == "smol" else MODELS[key]
            for method in args.methods.split(","):
                for seq in map(int, args.seqs.split(",")):
                    out = tmp / f"{key}-{method}-{seq}"
                    result["rows"].append(run_one(model, method, seq, args.batch, data, out, args.steps))
                    r = result["rows"][-1]
                    print(  # noqa: T201
                        f"{key:5} {method:6} {seq:>5} x {args.batch:<2} measured {r['measured_mib']:8.0f} MiB "
                        f"plan {r['plan_mib']:8.0f} MiB  plan/meas {r['plan_over_measured']:.2f}  "
                        f"{r['tokens_per_s']:.0f} tok/s",
                        flush=True,
                    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "train_cpu_lf.json" if args.lf_only else "train_cpu_qwen.json"
    (RESULTS / name).write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
