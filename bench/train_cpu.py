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
GIB = 2**30
MODELS = {"0.5b": "random:Qwen/Qwen2.5-0.5B-Instruct", "1.5b": "random:Qwen/Qwen2.5-1.5B-Instruct"}
# LLaMA-Factory README "Hardware Requirement" (GB): its own defaults, roughly batch 1, cutoff 1024,
# bf16 weights, gradient checkpointing, LoRA on all linear layers. Full = "bf16 full (mixed)" is 18x params.
# Saved runs --replan reads (each a fresh `corpusforge train pt` process; see the module docstring).
REPLAN_FROM = (
    "train_cpu_runs_smol_b2.json",
    "train_cpu_runs_smol_b2_gc.json",
    "train_cpu_runs_smol_b4.json",
    "train_cpu_runs_smol_b2_mmap.json",
    "train_cpu_runs_smol_b4_mmap.json",
    "train_cpu_qwen.json",
    "train_cpu_runs_1.5b.json",
)
# LLaMA-Factory README "Hardware Requirement" (GB, its own defaults; it states no length or batch):
# (model, LF row, the plan method it compares with, LF GB). LF's "Full (16-bit)" is pure bf16 training
# (bf16 weights, gradients and states, ~8 B/param); corpusforge's full tuning is AMP with fp32 master
# weights and states (16 B/param), which LF lists as "Full (AMP)".
# Planned but not run: more memory than the bench machine has (fp32 weights + gradients + AdamW).
NOT_RUN = (
    ("random:Qwen/Qwen2.5-1.5B-Instruct", "full", 64),
    ("random:Qwen/Qwen2.5-1.5B-Instruct", "full", 128),
)
LF_TABLE = (
    ("7B", "LoRA (16-bit)", "lora", 16),
    ("7B", "QLoRA (4-bit)", "qlora", 6),
    ("7B", "Full (16-bit, pure bf16)", "full", 60),
    ("7B", "Full (AMP)", "full", 120),
    ("14B", "LoRA (16-bit)", "lora", 32),
    ("14B", "QLoRA (4-bit)", "qlora", 12),
    ("14B", "Full (16-bit, pure bf16)", "full", 120),
    ("14B", "Full (AMP)", "full", 240),
)


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
    for size, lf_row, method, lf_gb in LF_TABLE:
        p = plan_memory(f"Qwen/Qwen2.5-{size}-Instruct", method, 1024, 1, device="cuda")
        gb = round(p.total_gib * GIB / 1e9, 1)  # GiB -> GB, LF's unit
        rows.append({"model": size, "lf_row": lf_row, "method": method, "lf_gb": lf_gb, "plan_gb": gb})
    print(f"{'model':6} {'LF row':26} {'LF GB':>6} {'plan GB':>8}")  # noqa: T201
    for r in rows:
        print(f"{r['model']:6} {r['lf_row']:26} {r['lf_gb']:6} {r['plan_gb']:8}")  # noqa: T201
    return rows


def run_one(
    model: str,
    method: str,
    seq: int,
    batch: int,
    data: Path,
    out: Path,
    steps: int,
    gc: bool = False,
    mmap_threshold: int = 0,
) -> dict:
    """Train one configuration in a subprocess; its measured peak RSS growth beside the plan."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
    if mmap_threshold:  # a fixed glibc threshold: freed blocks above it go back to the OS at once
        env["MALLOC_MMAP_THRESHOLD_"] = str(mmap_threshold)
    cmd = [sys.executable, "-m", "corpusforge", "train", "pt", "--data", str(data), "--out", str(out)]
    cmd += ["--base-model", model, "--method", method, "--max-steps", str(steps), "--seq-len", str(seq)]
    cmd += ["--batch", str(batch)] + ([] if gc else ["--no-gradient-checkpointing"])
    for s in ("general_share=0", "gradient_accumulation_steps=1", "logging_steps=1"):
        cmd += ["--set", s]
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    res = json.loads((out / "train_result.json").read_text())
    row = {"model": model, "method": method, "seq_len": seq, "batch": batch, "gradient_checkpointing": gc}
    row |= {"measured_mib": res["memory"]["peak_rss_delta"], "tokens_per_s": res["tokens_per_s"]}
    row["malloc_mmap_threshold"] = mmap_threshold or None
    return with_plan(row) | {"losses": res["losses"]}


def with_plan(row: dict) -> dict:
    """``row`` with its plan (today's formula) and plan / measured recomputed; the measurement is kept."""
    from corpusforge.train.plan import plan_memory

    gc = bool(row.get("gradient_checkpointing", False))
    p = plan_memory(
        row["model"],
        row["method"],
        row["seq_len"],
        row["batch"],
        stage="pt",
        device="cpu",
        gradient_checkpointing=gc,
    )
    plan_mib = round(p.total_gib * 1024, 1)
    return row | {"plan_mib": plan_mib, "plan_over_measured": round(plan_mib / row["measured_mib"], 3)}


def replan(paths: list[Path]) -> list[dict]:
    """Rows of saved result files (same settings) with the plan column recomputed, no training."""
    from corpusforge.models import hf_dir_for

    rows = []
    for path in paths:
        saved = json.loads(path.read_text(encoding="utf-8"))
        for row in saved["rows"]:
            model = row.get("model") or saved.get("model")
            if model is None or "SmolLM2" in model and not Path(model).exists():
                model = hf_dir_for(None)  # older files name the embedded model, not its folder
            keep = {k: v for k, v in row.items() if k not in ("plan_mib", "plan_over_measured", "losses")}
            rows.append(with_plan(keep | {"model": model, "method": row.get("method", saved.get("method"))}))
    return rows


def short(model: str) -> str:
    """``0.5B``, ``1.5B`` or ``SmolLM2-135M`` for a table."""
    if model.startswith("random:"):
        return model.split("Qwen2.5-")[-1].removesuffix("-Instruct")
    return "SmolLM2-135M"


def table(rows: list[dict]) -> str:
    """The plan-vs-measured markdown table (GiB = 2^30 bytes)."""
    from corpusforge.train.plan import plan_memory

    out = [
        "| model | method | seq x batch | grad. ckpt | glibc malloc | plan GiB | measured GiB | plan / measured |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        gc = "on" if r.get("gradient_checkpointing") else "off"
        alloc = (
            f"mmap threshold {r['malloc_mmap_threshold']}" if r.get("malloc_mmap_threshold") else "default"
        )
        out.append(
            f"| {short(r['model'])} | {r['method']} | {r['seq_len']} x {r['batch']} | {gc} | {alloc} | "
            f"{r['plan_mib'] / 1024:.2f} | {r['measured_mib'] / 1024:.2f} | {r['plan_over_measured']:.2f} |"
        )
    for model, method, seq in NOT_RUN:
        p = plan_memory(model, method, seq, 1, stage="pt", device="cpu", gradient_checkpointing=False)
        out.append(
            f"| {short(model)} | {method} | {seq} x 1 | off | - | {p.total_gib:.2f} | not run "
            "(more than this 24 GiB machine) | - |"
        )
    return "\n".join(out)


def report_md(md: str, lf: list[dict], sources: list[str]) -> str:
    """bench/results/train_cpu.md: both tables, with where the measurements come from."""
    lf_md = [
        "| model | LLaMA-Factory row | LF GB | `plan --method` | plan GB (seq 1024 x 1, ckpt) |",
        "|---|---|---|---|---|",
    ]
    lf_md += [f"| {r['model']} | {r['lf_row']} | {r['lf_gb']} | {r['method']} | {r['plan_gb']} |" for r in lf]
    return (
        "# CPU training: plan vs measured peak RSS\n\n"
        "Generated by `python bench/train_cpu.py --replan` from "
        + ", ".join(f"`{s}`" for s in sources)
        + ": each measurement is one fresh `corpusforge train pt` process (2 steps, 1 torch thread, peak RSS "
        "minus the post-import RSS); the plan column is today's `corpusforge plan --device cpu` for the same "
        "settings. The only fitted constant (0.25 GiB CPU overhead) was fitted on SmolLM2-135M LoRA 128 x 2, "
        "no checkpointing; every other row is a check. Rows with an mmap threshold ran with a fixed "
        "`MALLOC_MMAP_THRESHOLD_` (freed blocks go back to the OS; see docs/training.md).\n\n"
        + md
        + "\n\n## Planner beside LLaMA-Factory's published table (GPU, not measured here)\n\n"
        + "\n".join(lf_md)
        + "\n"
    )


def main() -> None:
    """Run each configuration (or, with --replan, re-plan saved runs), print the tables, write the JSON."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default="0.5b,1.5b", help="comma list: 0.5b, 1.5b, smol")
    ap.add_argument("--methods", default="lora,full,prompt")
    ap.add_argument("--seqs", default="64,128")
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--steps", type=int, default=2)
    ap.add_argument("--gradient-checkpointing", action="store_true", help="train with recomputation")
    ap.add_argument("--mmap-threshold", type=int, default=0, help="MALLOC_MMAP_THRESHOLD_ for the runs")
    ap.add_argument("--lf-only", action="store_true", help="only the planner vs LLaMA-Factory table")
    ap.add_argument(
        "--replan",
        nargs="*",
        metavar="RESULTS_JSON",
        help=f"no training: recompute the plan of saved runs (default: {', '.join(REPLAN_FROM)}); "
        "writes train_cpu.json and train_cpu.md",
    )
    args = ap.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    if args.replan is not None:
        paths = [Path(p) for p in args.replan] or [RESULTS / p for p in REPLAN_FROM]
        rows = replan(paths)
        lf = lf_table()
        md = table(rows)
        print(md)  # noqa: T201
        result = {"sources": [p.name for p in paths], "rows": rows, "lf_table": lf}
        (RESULTS / "train_cpu.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
        (RESULTS / "train_cpu.md").write_text(report_md(md, lf, [p.name for p in paths]), encoding="utf-8")
        return
    result = {"lf_table": lf_table(), "rows": []}
    if not args.lf_only:
        from corpusforge.models import hf_dir_for

        tmp = Path(tempfile.mkdtemp(prefix="cf-train-cpu-"))
        data = write_corpus(tmp / "export")
        gc = args.gradient_checkpointing
        for key in args.models.split(","):
            model = hf_dir_for(None) if key == "smol" else MODELS[key]
            for method in args.methods.split(","):
                for seq in map(int, args.seqs.split(",")):
                    out = tmp / f"{key}-{method}-{seq}"
                    r = run_one(
                        model, method, seq, args.batch, data, out, args.steps, gc, args.mmap_threshold
                    )
                    result["rows"].append(r)
                    print(  # noqa: T201
                        f"{key:5} {method:6} {seq:>5} x {args.batch:<2} gc {gc!s:5} measured "
                        f"{r['measured_mib']:8.0f} MiB plan {r['plan_mib']:8.0f} MiB  "
                        f"plan/meas {r['plan_over_measured']:.2f}  {r['tokens_per_s']:.0f} tok/s",
                        flush=True,
                    )
    suffix = args.models.replace(",", "_") + (f"_b{args.batch}" if args.batch != 1 else "")
    suffix += "_gc" if args.gradient_checkpointing else ""
    suffix += "_mmap" if args.mmap_threshold else ""
    name = "train_cpu_lf.json" if args.lf_only else f"train_cpu_runs_{suffix}.json"
    (RESULTS / name).write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
