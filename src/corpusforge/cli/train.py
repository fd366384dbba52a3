"""CLI commands of the train stage: ``train pt|sft|dpo``, ``train merge`` and the top-level ``plan``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from corpusforge.cli.common import console, fail, out, summary_table, workspace_dir

train_app = typer.Typer(
    help="Train on the exports with TRL + PEFT: pt (continued pretraining), sft, dpo; merge.",
    no_args_is_help=True,
)

METHOD_HELP = "lora | qlora (4-bit, CUDA only) | full | prompt (prompt tuning) | ptuning."


def _parse_set(items: list[str]) -> dict[str, Any]:
    import yaml

    res = {}
    for it in items:
        if "=" not in it:
            fail(f"--set {it}: expected KEY=VALUE (e.g. lora.r=8)")
        k, v = it.split("=", 1)
        res[k.strip().replace(".", "__")] = yaml.safe_load(v)
    return res


def _open_ws() -> Any:
    from corpusforge.config import CONFIG_NAME

    if not (workspace_dir() / CONFIG_NAME).exists():
        return None
    from corpusforge.cli.common import get_workspace

    return get_workspace()


def _run(
    stage: str,
    data: Path | None,
    out_dir: Path | None,
    base_model: str | None,
    method: str | None,
    max_steps: int | None,
    seq_len: int | None,
    batch: int | None,
    lr: float | None,
    no_resume: bool,
    no_gc: bool,
    sets: list[str],
) -> None:
    from corpusforge.train.data import DataError
    from corpusforge.train.launch import rank
    from corpusforge.train.methods import MethodError
    from corpusforge.train.random_model import RandomModelError
    from corpusforge.train.recipe import RecipeError
    from corpusforge.train.run import train

    ws = _open_ws()
    method = method or (ws.config.train.method if ws else "lora")
    if data is None:
        data = (ws.root / ws.config.export.out_dir) if ws else None
        if data is None:
            fail("--data is required outside a workspace (a JSONL file or an export folder)")
    if out_dir is None:
        root = ws.root / ws.config.train.out_dir if ws else Path("out/train")
        out_dir = root / f"{stage}-{method}"
    overrides = {"max_length": seq_len, "per_device_train_batch_size": batch, "lr": lr, **_parse_set(sets)}
    if no_gc:
        overrides["gradient_checkpointing"] = False
    try:
        res = train(
            stage,
            data,
            out_dir,
            base_model=base_model,
            method=method,
            max_steps=max_steps,
            resume=not no_resume,
            ws=ws,
            **overrides,
        )
    except (DataError, MethodError, RecipeError, RandomModelError) as e:
        fail(str(e))
    finally:
        if ws is not None:
            ws.close()
    if rank() != 0:  # launched: rank 0 prints the summary
        return
    first = res.losses[0][1] if res.losses else None
    last = res.losses[-1][1] if res.losses else None
    summary_table(
        f"train {stage} ({method})",
        {
            "records used": res.data["used"],
            "lines skipped": sum(res.data["skipped"].values()),
            "general records mixed in": res.data["general"],
            "steps": res.steps,
            "resumed from": res.resumed_from or "-",
            "loss first -> last": f"{first} -> {last}",
            "trainable params": f"{res.trainable_params:,} / {res.total_params:,}",
            "peak RSS growth (MiB)": res.memory.get("peak_rss_delta"),
            "saved": res.final_dir,
            "loss curve": res.plot or "-",
        },
    )


def _child_args(stage: str, opts: dict[str, Any]) -> list[str]:
    """The ``train <stage>`` arguments each launched process runs: these options, without the launch flags."""
    args = ["train", stage]
    for flag, key in (("--data", "data"), ("--out", "out_dir")):
        if opts[key] is not None:
            args += [flag, str(Path(opts[key]).resolve())]
    for flag, key in (
        ("--base-model", "base_model"),
        ("--method", "method"),
        ("--max-steps", "max_steps"),
        ("--seq-len", "seq_len"),
        ("--batch", "batch"),
        ("--lr", "lr"),
    ):
        if opts[key] is not None:
            args += [flag, str(opts[key])]
    args += ["--no-resume"] if opts["no_resume"] else []
    args += ["--no-gradient-checkpointing"] if opts["no_gc"] else []
    for item in opts["sets"]:
        args += ["--set", item]
    return args


def _launch(
    stage: str, launcher: str, num_processes: int | None, config: str | None, opts: dict[str, Any]
) -> None:
    """Run this command in ``num_processes`` processes (DDP; gloo on CPU) and wait for them."""
    import subprocess

    import torch

    from corpusforge.train.launch import LaunchError, launch_argv, launch_env

    cuda = bool(torch.cuda.is_available())
    n = num_processes if num_processes is not None else (torch.cuda.device_count() if cuda else 2)
    ws = _open_ws()
    base = opts["base_model"] or (ws.config.train.base_model if ws else "") or ""
    if ws is not None:
        ws.close()
    if not base.startswith("random:"):
        from corpusforge.models import hf_dir_for

        try:  # de-quantise a GGUF (the embedded model) once here, not in every process at once
            hf_dir_for(base or None)
        except (OSError, ValueError):
            pass  # each process reports its own one-line error
    try:
        cmd = launch_argv(launcher, n, _child_args(stage, opts), config=config, cuda=cuda)
    except LaunchError as e:
        fail(str(e))
    console.print(f"launching {n} processes ({launcher}, {'cuda' if cuda else 'cpu/gloo'})")
    rc = subprocess.run(cmd, env=launch_env(workspace_dir())).returncode
    if rc != 0:
        fail(f"train {stage}: {launcher} launch of {n} processes failed (exit code {rc}); see above", rc)


def _stage_command(stage: str, doc: str) -> Any:
    def command(
        data: Path = typer.Option(
            None, "--data", help="JSONL file or export folder (default: the workspace's export.out_dir)."
        ),
        out_dir: Path = typer.Option(
            None, "--out", help="Run folder (rerun to resume); default out/train/<stage>-<method>."
        ),
        base_model: str = typer.Option(
            None,
            "--base-model",
            help="HF id, local folder, GGUF, or random:Qwen/Qwen2.5-0.5B-Instruct (random weights, for "
            "benchmarks); empty = embedded SmolLM2.",
        ),
        method: str = typer.Option(None, "--method", help=METHOD_HELP),
        max_steps: int = typer.Option(
            None, "--max-steps", help="Stop after N optimizer steps (quick checks)."
        ),
        seq_len: int = typer.Option(None, "--seq-len", help="Override the recipe's max_length."),
        batch: int = typer.Option(None, "--batch", help="Override the recipe's per-device batch."),
        lr: float = typer.Option(None, "--lr", help="Override the recipe's learning rate for this method."),
        no_resume: bool = typer.Option(False, "--no-resume", help="Ignore checkpoints already in --out."),
        no_gc: bool = typer.Option(
            False, "--no-gradient-checkpointing", help="Keep activations (faster, more memory)."
        ),
        sets: list[str] = typer.Option(
            [], "--set", help="Recipe key override KEY=VALUE, e.g. lora.r=8 (repeatable)."
        ),
        launch: str = typer.Option(
            None,
            "--launch",
            help="Train in several processes: accelerate | torchrun (DDP; gloo on CPU, NCCL on GPUs).",
        ),
        num_processes: int = typer.Option(
            None, "--num-processes", help="Processes for --launch (default: the GPU count; 2 on CPU)."
        ),
        accelerate_config: str = typer.Option(
            None,
            "--accelerate-config",
            help="With --launch accelerate: ddp | fsdp | zero2 | zero3 (shipped; FSDP/ZeRO GPU-only) or a file.",
        ),
    ) -> None:
        if launch:
            opts = dict(locals())
            _launch(stage, launch, num_processes, accelerate_config, opts)
            return
        _run(stage, data, out_dir, base_model, method, max_steps, seq_len, batch, lr, no_resume, no_gc, sets)

    command.__doc__ = doc
    return command


train_app.command("pt")(
    _stage_command("pt", "Continued pretraining on pretrain/corpus.jsonl (packed, general text mixed in).")
)
train_app.command("sft")(
    _stage_command("sft", "Supervised fine-tuning on messages/train.jsonl (loss on assistant tokens).")
)
train_app.command("dpo")(_stage_command("dpo", "DPO on preference/train.jsonl (prompt, chosen, rejected)."))


@train_app.command("merge")
def merge(
    adapter: Path = typer.Argument(..., help="Adapter folder written by a train run (…/adapter)."),
    out_dir: Path = typer.Option(..., "--out", help="Folder for the merged model."),
    base_model: str = typer.Option(
        None, "--base-model", help="Base model (default: the one the adapter names)."
    ),
) -> None:
    """Merge a LoRA adapter into its base model and save a standalone model."""
    from corpusforge.train.merge import MergeError, merge_adapter

    try:
        path = merge_adapter(adapter, out_dir, base_model=base_model)
    except MergeError as e:
        fail(str(e))
    console.print(f"merged model written to {path}")


def plan(
    model: str = typer.Option(
        "Qwen/Qwen2.5-7B-Instruct",
        "--model",
        help="Qwen2.5 name (or random:<that id>), local folder or config.json.",
    ),
    method: str = typer.Option("lora", "--method", help=METHOD_HELP),
    seq_len: int = typer.Option(2048, "--seq-len", help="Tokens per sequence."),
    batch: int = typer.Option(1, "--batch", help="Micro-batch per device."),
    stage: str = typer.Option("sft", "--stage", help="pt | sft | dpo."),
    device: str = typer.Option("cuda", "--device", help="cuda | cpu."),
    no_gc: bool = typer.Option(
        False, "--no-gradient-checkpointing", help="Plan without activation recomputation."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Memory a training run needs (weights, gradients, optimizer, activations) and how much data to use."""
    from corpusforge.train.plan import plan_memory
    from corpusforge.train.plan_models import PlanError

    try:
        p = plan_memory(
            model, method, seq_len, batch, stage=stage, device=device, gradient_checkpointing=not no_gc
        )
    except PlanError as e:
        fail(str(e))
    if as_json:
        out.print_json(json.dumps(p.to_dict(), ensure_ascii=False))
        return
    summary_table(
        f"plan: {p.model} {p.method} {p.stage} seq {p.seq_len} x batch {p.batch} on {p.device}",
        [
            ("parameters", f"{p.params / 1e9:.2f} B"),
            ("trainable", f"{p.trainable_params / 1e6:.1f} M"),
            ("weights", f"{p.weights_gib:.2f} GiB"),
            ("gradients", f"{p.gradients_gib:.2f} GiB"),
            ("optimizer states", f"{p.optimizer_gib:.2f} GiB"),
            ("activations", f"{p.activations_gib:.2f} GiB"),
            ("logits / loss", f"{p.logits_gib:.2f} GiB"),
            ("runtime overhead", f"{p.overhead_gib:.2f} GiB"),
            ("total (peak)", f"{p.total_gib:.2f} GiB"),
            (
                "recommended sft samples",
                f"{p.recommended_data['sft_samples']['min']:,}-{p.recommended_data['sft_samples']['max']:,}",
            ),
            ("recommended pt tokens", f"{p.recommended_data['pt_tokens']:,}"),
        ],
        ("what", "estimate"),
    )
    for n in p.notes:
        console.print(f"note: {n}")


def register(app: typer.Typer) -> None:
    """Add this stage's commands to the app."""
    app.add_typer(train_app, name="train")
    app.command("plan")(plan)
