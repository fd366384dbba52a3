"""Multi-process training: ``train sft --launch accelerate --num-processes N`` runs N copies of itself.

The CLI re-runs its own command line, without the launch flags, under ``accelerate launch`` (or
``torchrun``) as ``python -m corpusforge train ...``. Every process runs the same
:func:`corpusforge.train.run.train`; the Trainer joins them (DDP over NCCL on GPUs, over gloo on CPU) and
only rank 0 writes the adapter, card, loss curve, store row and ``train_result.json``. Each rank leaves a
small ``ranks/rank-<i>.json`` (its steps, memory and a digest of the weights it trained).

On a CPU machine ``accelerate launch --cpu --num_processes N`` starts one process (it expects ``mpirun``),
so the CPU command uses accelerate's torchrun launcher (``--multi_gpu``): the Trainer's state is made with
``cpu=True`` there, which selects MULTI_CPU over gloo.
"""

from __future__ import annotations

import hashlib
import os
import socket
import sys
from pathlib import Path
from typing import Any

LAUNCHERS = ("accelerate", "torchrun")
CONFIG_DIR = Path(__file__).parent / "accelerate"
CONFIGS = ("ddp", "fsdp", "zero2", "zero3")  # shipped accelerate configs, train/accelerate/<name>.yaml
LAUNCH_FLAGS = ("--launch", "--num-processes", "--accelerate-config")


class LaunchError(ValueError):
    """A multi-process launch cannot start (unknown launcher or config, bad process count)."""


def free_port() -> int:
    """A TCP port free on this machine now, for the rank-0 rendezvous."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def config_path(config: str) -> Path:
    """The accelerate config file of a shipped name (``ddp``, ``fsdp``, ``zero2``, ``zero3``) or a path.

    Raises:
        LaunchError: neither a shipped name nor an existing file.
    """
    if config in CONFIGS:
        return CONFIG_DIR / f"{config}.yaml"
    path = Path(config)
    if not path.is_file():
        raise LaunchError(f"{config}: no such accelerate config (shipped: {', '.join(CONFIGS)}, or a file)")
    return path.resolve()


def sharding(path: Path) -> str | None:
    """``FSDP`` or ``DEEPSPEED`` when the accelerate config at ``path`` shards the model, else None."""
    import yaml

    kind = str((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("distributed_type", ""))
    return kind if kind in ("FSDP", "DEEPSPEED") else None


def launch_argv(
    launcher: str,
    num_processes: int,
    cli_args: list[str],
    *,
    config: str | None = None,
    port: int | None = None,
    cuda: bool = False,
) -> list[str]:
    """The command that runs ``corpusforge <cli_args>`` in ``num_processes`` processes.

    Args:
        launcher: ``accelerate`` or ``torchrun``.
        num_processes: processes on this machine (one per GPU on GPUs).
        cli_args: the corpusforge arguments without the launch flags (``train sft --data ...``).
        config: a shipped accelerate config name or file (accelerate only); None = plain DDP.
        port: rendezvous port (default: a free one).
        cuda: whether the processes train on GPUs (else: CPU, gloo, no mixed precision).

    Raises:
        LaunchError: unknown launcher, fewer than 1 process, or a config with torchrun.
    """
    if launcher not in LAUNCHERS:
        raise LaunchError(f"unknown launcher {launcher!r} (choose from {', '.join(LAUNCHERS)})")
    if num_processes < 1:
        raise LaunchError(f"--num-processes {num_processes}: needs at least 1")
    port = port or free_port()
    target = ["-m", "corpusforge", *cli_args]
    if launcher == "torchrun":
        if config:
            raise LaunchError("--accelerate-config needs --launch accelerate (torchrun runs plain DDP)")
        run = [sys.executable, "-m", "torch.distributed.run", "--standalone"]
        return [*run, f"--nproc_per_node={num_processes}", *target]
    cmd = [sys.executable, "-m", "accelerate.commands.launch", "--num_processes", str(num_processes)]
    cmd += ["--num_machines", "1", "--main_process_port", str(port)]
    if config:
        path = config_path(config)
        kind = sharding(path)
        if kind and not cuda:
            raise LaunchError(
                f"{path.name}: {kind} runs on GPUs only: on CPU the Trainer's state is MULTI_CPU (gloo DDP) "
                "and would ignore it; use --accelerate-config ddp or none"
            )
        cmd += ["--config_file", str(path)]
    if not config:
        cmd += ["--multi_gpu", "--dynamo_backend", "no"]  # torchrun-based launcher, on CPU too
    if not cuda:
        cmd += ["--mixed_precision", "no"]  # the shipped configs say bf16: not on CPU
    elif not config:
        cmd += ["--mixed_precision", "bf16"]
    return [*cmd, *target]


def launch_env(workspace: Path | None) -> dict[str, str]:
    """The children's environment: this one, the workspace folder, and the ``src`` this code runs from."""
    env = dict(os.environ)
    if workspace is not None:
        env["CORPUSFORGE_WORKSPACE"] = str(workspace)
    src = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH", "")) if p)
    return env


def rank() -> int:
    """This process's global rank under a launcher (0 when not launched)."""
    return int(os.environ.get("RANK", "0"))


def weights_digest(tensors: dict[str, Any]) -> str:
    """SHA-256 over names, shapes, dtypes and bytes of a state dict: equal digests, equal tensors."""
    import torch

    h = hashlib.sha256()
    for name in sorted(tensors):
        t = tensors[name].detach()
        if hasattr(t, "full_tensor"):  # a DTensor shard (FSDP2): gather it (every rank calls this)
            t = t.full_tensor()
        t = t.cpu().contiguous()
        h.update(f"{name}|{tuple(t.shape)}|{t.dtype}|".encode())
        h.update(t.view(-1).view(torch.uint8).numpy().tobytes())
    return h.hexdigest()


def trained_state(model: Any) -> dict[str, Any] | None:
    """The tensors a PEFT run saves (as in ``adapter_model.safetensors``); None for full fine-tuning."""
    if not hasattr(model, "peft_config"):
        return None
    from peft import get_peft_model_state_dict

    return dict(get_peft_model_state_dict(model))


def write_rank_file(out: Path, trainer: Any, memory: dict[str, Any]) -> Path:
    """``out/ranks/rank-<i>.json``: what this process did (steps, world size, memory, weights digest)."""
    import json

    from corpusforge.io import atomic_open

    state = trained_state(trainer.model)
    info = {
        "rank": int(trainer.args.process_index),
        "world_size": int(trainer.args.world_size),
        "distributed_type": str(trainer.accelerator.distributed_type),
        "steps": int(trainer.state.global_step),
        "losses": [(int(h["step"]), float(h["loss"])) for h in trainer.state.log_history if "loss" in h],
        "memory": memory,
        "trained_tensors": len(state) if state is not None else None,
        "weights_sha256": weights_digest(state) if state is not None else None,
    }
    path = out / "ranks" / f"rank-{info['rank']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_open(path) as f:
        json.dump(info, f, indent=2)
    return path
