"""The memory planner: Qwen2.5 shapes offline, any config.json, method ordering, and a measured CPU run."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from corpusforge.train.plan import plan_memory
from corpusforge.train.plan_models import PlanError, resolve_shape

# Parameter counts published on the Qwen2.5 model cards (billions).
PUBLISHED = {"0.5B": 0.49, "1.5B": 1.54, "3B": 3.09, "7B": 7.61, "14B": 14.7, "32B": 32.5, "72B": 72.7}


@pytest.mark.parametrize("size", PUBLISHED)
def test_qwen_family_known_offline(size):
    shape = resolve_shape(f"Qwen/Qwen2.5-{size}-Instruct")
    assert shape.params() / 1e9 == pytest.approx(PUBLISHED[size], rel=0.01)


def test_methods_order_and_qlora_fits_where_full_does_not():
    p = {m: plan_memory("Qwen/Qwen2.5-7B-Instruct", m, 1024, 1) for m in ("qlora", "lora", "full")}
    assert p["qlora"].total_gib < p["lora"].total_gib < p["full"].total_gib
    assert p["full"].optimizer_gib == pytest.approx(2 * p["full"].weights_gib, rel=0.01)  # Adam: 8 B vs 4 B
    assert p["qlora"].weights_gib < 0.4 * p["lora"].weights_gib
    assert p["lora"].trainable_params == 40_370_176  # r=16 on all 7 linear layers of 28 blocks
    assert plan_memory("Qwen2.5-7B", "lora", 2048, 4).activations_gib > p["lora"].activations_gib


def test_reads_any_config_json(smollm_hf_dir):
    shape = resolve_shape(smollm_hf_dir)
    assert (shape.hidden, shape.layers, shape.kv_heads, shape.tie_embeddings) == (576, 30, 3, True)
    assert shape.params() == pytest.approx(134.5e6, rel=0.01)
    with pytest.raises(PlanError, match="unknown model"):
        resolve_shape("acme/never-heard-of-it")
    with pytest.raises(PlanError, match="CUDA"):
        plan_memory(smollm_hf_dir, "qlora", 128, 1, device="cpu")


@pytest.mark.slow
def test_plan_within_15_percent_of_measured_cpu_peak(smollm_hf_dir, export_dir, tmp_path):
    """A fresh process trains pt through the CLI; its RSS growth is compared with the plan."""
    out = tmp_path / "pt"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    cmd = [
        sys.executable,
        "-m",
        "corpusforge",
        "train",
        "pt",
        "--data",
        str(export_dir),
        "--out",
        str(out),
        "--base-model",
        smollm_hf_dir,
        "--max-steps",
        "2",
        "--seq-len",
        "128",
        "--batch",
        "2",
        "--no-gradient-checkpointing",
        "--set",
        "general_share=0",
        "--set",
        "gradient_accumulation_steps=1",
    ]
    proc = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    measured = json.loads((out / "train_result.json").read_text())["memory"]["peak_rss_delta"]
    plan = plan_memory(smollm_hf_dir, "lora", 128, 2, stage="pt", device="cpu", gradient_checkpointing=False)
    assert plan.total_gib * 1024 == pytest.approx(measured, rel=0.15), (plan, measured)


def test_per_layer_activations_pin_the_autograd_walk():
    """Per token per block, fp32 elements: each term of the saved-tensor walk must be counted once."""
    from corpusforge.train.plan_models import ModelShape
    from corpusforge.train.plan_terms import activation_elems_per_token_layer, head_bytes

    s = ModelShape(
        "tiny", hidden=64, layers=2, heads=4, kv_heads=2, intermediate=160, vocab=1000, tie_embeddings=True
    )
    h, kv, i, heads = 64, 32, 160, 4
    base = 4 * h + 2 * kv + 3 * i + heads + 2  # 806
    targets = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
    per = lambda m, seq=128: activation_elems_per_token_layer(s, m, 8, targets, seq, "cpu")  # noqa: E731
    assert per("prompt") == base == 806
    assert per("full") == base + 4 * h + i
    assert per("lora") == base + 2 * (5 * h + h + i) + 8 * 7
    assert per("lora", 4096) == per("lora", 16)  # SDPA keeps no seq^2 scores
    # TRL's fused head: 8.25 fp32 tiles of min(tokens, 4096) x min(vocab, 32768), plus 3 h-vectors a token
    assert head_bytes(s, 10, "cpu") == 8.25 * 10 * 1000 * 4 + 10 * h * 12
    assert head_bytes(s, 10_000, "cpu") == 8.25 * 4096 * 1000 * 4 + 10_000 * h * 12


def test_tied_embedding_full_tuning_counts_its_second_gradient():
    full = plan_memory(
        "Qwen/Qwen2.5-0.5B-Instruct", "full", 64, 1, device="cpu", gradient_checkpointing=False
    )
    lora = plan_memory(
        "Qwen/Qwen2.5-0.5B-Instruct", "lora", 64, 1, device="cpu", gradient_checkpointing=False
    )
    vocab_h = 151936 * 896 * 4 / 2**30
    assert full.gradients_gib == pytest.approx(4 * full.params / 2**30 + vocab_h, abs=0.002)
    assert lora.gradients_gib == pytest.approx(4 * lora.trainable_params / 2**30, abs=0.002)
