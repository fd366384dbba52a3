"""Real LoRA SFT on SmolLM2: loss, adapter, model card, loss curve, store, resume, merge."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

PROMPT = [{"role": "user", "content": "How do I report a burst pipe?"}]


def _logits(model, tok):
    import torch

    ids = tok.apply_chat_template(PROMPT, add_generation_prompt=True, return_tensors="pt", return_dict=True)
    with torch.no_grad():
        return model(**ids).logits


def test_sft_loss_goes_down_and_files_are_written(sft_run):
    losses = [v for _, v in sft_run.losses]
    assert sft_run.steps == 2 and len(losses) == 2
    assert losses[-1] < losses[0] * 0.8, losses
    assert (
        sft_run.hyperparameters["loss_mode"] == "completion_only"
    )  # SmolLM2's template has no generation marks
    final = Path(sft_run.final_dir)
    assert (final / "adapter_config.json").is_file() and (final / "adapter_model.safetensors").is_file()
    card = (final / "README.md").read_text(encoding="utf-8")
    assert "records used: 4" in card and "not a non-empty assistant turn: 1" in card
    assert "| lora r / alpha / dropout | 16 / 32 / 0.05 |" in card
    assert Path(sft_run.plot).stat().st_size > 1000
    saved = json.loads((Path(sft_run.out) / "train_result.json").read_text())
    assert saved["steps"] == 2 and saved["data"]["skipped"] == {
        "last turn is not a non-empty assistant turn": 1
    }


def test_sft_run_is_recorded_in_the_store(sft_run, sft_ws):
    from corpusforge.train.curves import losses_from_store

    assert sft_run.run_id
    curve = losses_from_store(sft_ws.store, sft_run.run_id)
    assert curve == [(s, pytest.approx(v)) for s, v in sft_run.losses]
    row = sft_ws.store.conn.execute(
        "SELECT stage, method, steps FROM train_runs WHERE id=?", (sft_run.run_id,)
    ).fetchone()
    assert tuple(row) == ("sft", "lora", 2)


def test_adapter_reloads_changes_output_and_leaves_base_alone(sft_run, smollm_hf_dir):
    from peft import PeftModel
    from safetensors.torch import load_file

    from corpusforge.models import load_causal_lm

    tensors = load_file(str(Path(sft_run.final_dir) / "adapter_model.safetensors"))
    assert tensors and all("lora_" in k for k in tensors)  # only adapter weights were saved
    lora_b = [t for k, t in tensors.items() if "lora_B" in k]
    assert any(float(t.abs().max()) > 0 for t in lora_b)  # B starts at zero: training changed it
    model, tok = load_causal_lm(smollm_hf_dir)
    before = _logits(model, tok)
    peft_model = PeftModel.from_pretrained(model, sft_run.final_dir)
    after = _logits(peft_model, tok)
    assert float((after - before).abs().max()) > 1e-3
    with peft_model.disable_adapter():
        assert float((_logits(peft_model, tok) - before).abs().max()) < 1e-5


def test_resume_continues_from_the_saved_step(sft_run, sft_ws, export_dir, fast):
    from corpusforge.train.run import train

    assert (Path(sft_run.out) / "checkpoint-2").is_dir()
    res = train("sft", export_dir, sft_run.out, method="lora", max_steps=3, ws=sft_ws, **fast)
    assert res.resumed_from and res.resumed_from.endswith("checkpoint-2")
    assert res.steps == 3
    assert [s for s, _ in res.losses] == [1, 2, 3]
    assert res.losses[:2] == pytest.approx(sft_run.losses)  # history restored, not retrained


def test_merge_writes_a_model_equal_to_base_plus_adapter(sft_run, smollm_hf_dir, tmp_path):
    from peft import PeftModel

    from corpusforge.models import load_causal_lm
    from corpusforge.train.merge import merge_adapter

    merged_dir = merge_adapter(sft_run.final_dir, tmp_path / "merged")
    merged, tok = load_causal_lm(str(merged_dir))
    base, _ = load_causal_lm(smollm_hf_dir)
    expected = _logits(PeftModel.from_pretrained(base, sft_run.final_dir), tok)
    assert float((_logits(merged, tok) - expected).abs().max()) < 1e-3
