"""CPU training bench: plan vs measured peak RSS, and tokens/s, for LoRA pt runs on the embedded SmolLM2.

Each configuration trains in a fresh ``python -m corpusforge train pt`` process (one torch thread), so
its peak RSS minus the post-import baseline is clean; rows print side by side with the plan and with the
first configuration as the speed baseline. Writes ``bench/results/train_cpu.json``.

    python bench/train_cpu.py --steps 2
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
CONFIGS = [(128, 2, False), (128, 2, True), (256, 4, False)]  # (seq_len, batch, gradient checkpointing)


def write_corpus(root: Path, n: int = 48) -> Path:
    """An export folder with ``n`` neutral pretrain paragraphs (a fictional water utility)."""
    (root / "pretrain").mkdir(parents=True, exist_ok=True)
    topics = ["meter reading", "burst pipes", "water tariffs", "new connections", "leak detection"]
    with open(root / "pretrain" / "corpus.jsonl", "w", encoding="utf-8") as f:
        for i in range(n):
            t = topics[i % len(topics)]
            f.write(
                json.dumps(
                    {
                        "text": f"Section {i}: the city water utility records every {t} request in its "
                        f"service log within one working day and reviews {t} each quarter."
                    }
                )
                + "\n"
            )
    return root


def main() -> None:
    """Run each configuration in a subprocess, print the table, write the JSON."""
    from corpusforge.models import hf_dir_for
    from corpusforge.train.plan import plan_memory

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=2)
    args = ap.parse_args()
    model = hf_dir_for(None)
    tmp = Path(tempfile.mkdtemp(prefix="cf-train-cpu-"))
    data = write_corpus(tmp / "export")
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
    rows = []
    for seq, batch, gc in CONFIGS:
        out = tmp / f"pt-{seq}-{batch}-{int(gc)}"
        cmd = [
            sys.executable,
            "-m",
            "corpusforge",
            "train",
            "pt",
            "--data",
            str(data),
            "--out",
            str(out),
            "--base-model",
            model,
            "--max-steps",
            str(args.steps),
            "--seq-len",
            str(seq),
            "--batch",
            str(batch),
            "--set",
            "general_share=0",
            "--set",
            "gradient_accumulation_steps=1",
            "--set",
            "logging_steps=1",
        ]
        if not gc:
            cmd.append("--no-gradient-checkpointing")
        subprocess.run(cmd, env=env, check=True, capture_output=True)
        res = json.loads((out / "train_result.json").read_text())
        plan = plan_memory(model, "lora", seq, batch, stage="pt", device="cpu", gradient_checkpointing=gc)
        measured = res["memory"]["peak_rss_delta"]
        rows.append(
            {
                "seq_len": seq,
                "batch": batch,
                "gradient_checkpointing": gc,
                "measured_mib": measured,
                "plan_mib": round(plan.total_gib * 1024, 1),
                "plan_over_measured": round(plan.total_gib * 1024 / measured, 3),
                "tokens_per_s": res["tokens_per_s"],
                "losses": res["losses"],
            }
        )
    base = rows[0]["tokens_per_s"] or 1
    print(
        f"{'seq x batch':12} {'gc':3} {'measured MiB':>12} {'plan MiB':>9} {'plan/meas':>9} {'tok/s':>7} {'vs first':>8}"
    )  # noqa: T201
    for r in rows:
        print(
            f"{r['seq_len']:>4} x {r['batch']:<5} {'on' if r['gradient_checkpointing'] else 'off':3} "  # noqa: T201
            f"{r['measured_mib']:12.0f} {r['plan_mib']:9.0f} {r['plan_over_measured']:9.2f} "
            f"{r['tokens_per_s']:7.0f} {r['tokens_per_s'] / base:8.2f}"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "train_cpu.json").write_text(
        json.dumps({"model": "SmolLM2-135M-Instruct", "method": "lora", "rows": rows}, indent=2),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
