"""Multi-process training: ``train sft --launch accelerate --num-processes 2`` on CPU (DDP over gloo)."""

from __future__ import annotations

import json
import sys

import pytest
from typer.testing import CliRunner

from corpusforge.cli.app import app
from corpusforge.train.launch import LaunchError, launch_argv

runner = CliRunner()


def test_cpu_command_uses_the_torchrun_launcher_without_mixed_precision():
    cmd = launch_argv("accelerate", 2, ["train", "sft"], port=29555)
    assert cmd[:3] == [sys.executable, "-m", "accelerate.commands.launch"]
    assert cmd[cmd.index("--num_processes") + 1] == "2" and "--multi_gpu" in cmd  # --cpu starts one process
    assert cmd[cmd.index("--mixed_precision") + 1] == "no"
    assert cmd[-4:] == ["-m", "corpusforge", "train", "sft"]
    tr = launch_argv("torchrun", 3, ["train", "pt"])
    assert "--nproc_per_node=3" in tr and tr[-4:] == ["-m", "corpusforge", "train", "pt"]


@pytest.mark.parametrize("config", ["fsdp", "zero2", "zero3"])
def test_sharding_configs_are_refused_on_cpu(config):
    with pytest.raises(LaunchError, match="GPUs only"):
        launch_argv("accelerate", 2, ["train", "sft"], config=config)
    cmd = launch_argv("accelerate", 2, ["train", "sft"], config=config, cuda=True)
    assert cmd[cmd.index("--config_file") + 1].endswith(f"{config}.yaml")


def test_bad_launch_options_are_one_line_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(LaunchError, match="no such accelerate config"):
        launch_argv("accelerate", 2, [], config="nope.yaml")
    with pytest.raises(LaunchError, match="unknown launcher"):
        launch_argv("mpirun", 2, [])
    r = runner.invoke(
        app, ["train", "sft", "--data", "x.jsonl", "--launch", "accelerate", "--num-processes", "0"]
    )
    assert r.exit_code == 1 and "needs at least 1" in r.output and "Traceback" not in r.output


@pytest.mark.slow
def test_two_cpu_processes_train_one_adapter_equal_to_both_ranks(
    export_dir, smollm_hf_dir, tmp_path, monkeypatch
):
    from safetensors.torch import load_file

    from corpusforge.train.launch import weights_digest

    monkeypatch.chdir(tmp_path)
    out = tmp_path / "ddp"
    args = ["train", "sft", "--data", str(export_dir), "--out", str(out), "--base-model", smollm_hf_dir]
    args += ["--method", "lora", "--max-steps", "2", "--seq-len", "128", "--batch", "2", "--lr", "2e-3"]
    args += ["--no-gradient-checkpointing", "--set", "lora.r=4", "--set", "logging_steps=1"]
    args += ["--set", "warmup_ratio=0", "--set", "general_share=0"]
    r = runner.invoke(app, [*args, "--launch", "accelerate", "--num-processes", "2"])
    assert r.exit_code == 0, r.output
    ranks = [json.loads((out / "ranks" / f"rank-{i}.json").read_text()) for i in (0, 1)]
    assert [k["rank"] for k in ranks] == [0, 1]
    for k in ranks:  # both processes stepped, in one gloo DDP group
        assert k["world_size"] == 2 and k["steps"] == 2 and k["distributed_type"].endswith("MULTI_CPU")
    res = json.loads((out / "train_result.json").read_text())
    losses = [v for _, v in res["losses"]]
    assert res["hyperparameters"]["world_size"] == 2 and len(losses) == 2
    assert losses[1] < losses[0] * 0.8, losses  # 2.68 -> 1.53 when measured
    adapters = [p.parent for p in out.rglob("adapter_model.safetensors") if "checkpoint-" not in str(p)]
    assert adapters == [out / "adapter"]  # one adapter (rank 0), no per-rank copies
    saved = load_file(str(out / "adapter" / "adapter_model.safetensors"))
    assert len(saved) == ranks[0]["trained_tensors"] > 0
    assert weights_digest(saved) == ranks[0]["weights_sha256"] == ranks[1]["weights_sha256"]
    assert any(float(t.abs().sum()) > 0 for n, t in saved.items() if "lora_B" in n)  # B starts at zero
    assert "| world_size | 2 |" in (out / "adapter" / "README.md").read_text()


def test_ddp_does_not_search_for_unused_parameters():
    """Adapters get a gradient every step; the unused-parameter walk breaks with gradient checkpointing."""
    from trl import SFTConfig

    from corpusforge.train.recipe import load_recipe
    from corpusforge.train.stages import common_args

    cfg = SFTConfig(**common_args(load_recipe("sft"), "lora", "out", 2))
    assert cfg.ddp_find_unused_parameters is False
