"""Methods, data readers and recipes (no training)."""

from __future__ import annotations

import pytest

from corpusforge.train.recipe import METHODS, STAGES, Recipe, RecipeError, load_recipe


def test_qlora_on_cpu_fails_in_one_line(export_dir, tmp_path):
    from corpusforge.train.methods import MethodError
    from corpusforge.train.run import train

    with pytest.raises(MethodError) as e:
        train("sft", export_dir, tmp_path / "q", method="qlora", max_steps=1)
    assert "qlora needs a CUDA GPU" in str(e.value) and "\n" not in str(e.value)
    assert not (tmp_path / "q").exists()  # failed before touching anything
    with pytest.raises(MethodError, match="unknown method 'adapters'"):
        train("sft", export_dir, tmp_path / "q", method="adapters", max_steps=1)


@pytest.mark.parametrize("stage", STAGES)
def test_every_recipe_loads_and_has_a_rate_per_method(stage):
    r = load_recipe(stage)
    assert r.stage == stage and set(r.learning_rate) == set(METHODS)
    assert r.lora.target_modules == [
        "q_proj",
        "k_proj",
        "v_proj",
        "o_proj",
        "gate_proj",
        "up_proj",
        "down_proj",
    ]
    assert set(Recipe.model_fields) >= set(r.model_dump())


def test_recipe_overrides_and_errors():
    r = load_recipe("sft", {"lora.r": 8, "max_length": 256, "learning_rate.lora": 3e-4})
    assert r.lora.r == 8 and r.max_length == 256 and r.lr_for("lora") == 3e-4
    assert load_recipe("pt").lr_for("lora") < load_recipe("sft").lr_for("lora")  # conservative pt default
    with pytest.raises(RecipeError, match="sft.yaml: no_such_key: unknown key"):
        load_recipe("sft", {"no_such_key": 1})
    with pytest.raises(RecipeError, match="unknown stage"):
        load_recipe("rlhf")


def test_peft_configs_per_method():
    from peft import LoraConfig, PromptEncoderConfig, PromptTuningConfig

    from corpusforge.train.methods import MethodError, peft_config

    r = load_recipe("sft")
    assert isinstance(peft_config("lora", r), LoraConfig) and peft_config("lora", r).r == 16
    assert isinstance(peft_config("prompt", r), PromptTuningConfig)
    assert isinstance(peft_config("ptuning", r), PromptEncoderConfig)
    assert peft_config("full", r) is None
    with pytest.raises(MethodError):
        peft_config("adapters", r)


def test_data_readers_skip_and_count_bad_lines(export_dir, tmp_path):
    from corpusforge.train.data import DataError, read_records, resolve_data_path

    rows, s = read_records("dpo", resolve_data_path("dpo", export_dir))
    assert s.read == 5 and s.used == 4 and s.skipped == {"not valid JSON": 1}
    assert rows[0]["prompt"][0]["role"] == "user" and rows[0]["chosen"][0]["role"] == "assistant"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"prompt": "q", "chosen": "same", "rejected": "same"}\n')
    with pytest.raises(DataError, match="bad.jsonl: no usable dpo records"):
        read_records("dpo", bad)
    with pytest.raises(DataError, match="no such data file"):
        resolve_data_path("sft", tmp_path / "missing")


@pytest.mark.parametrize("name", ["ddp", "fsdp", "zero2", "zero3"])
def test_shipped_accelerate_configs_parse(name):
    from pathlib import Path

    from accelerate.commands.config.config_args import load_config_from_file

    import corpusforge.train as pkg

    cfg = load_config_from_file(str(Path(pkg.__file__).parent / "accelerate" / f"{name}.yaml"))
    kind = {"ddp": "MULTI_GPU", "fsdp": "FSDP", "zero2": "DEEPSPEED", "zero3": "DEEPSPEED"}[name]
    assert cfg.distributed_type.value == kind and cfg.mixed_precision == "bf16"
    if name.startswith("zero"):
        assert cfg.deepspeed_config["zero_stage"] == int(name[-1])
