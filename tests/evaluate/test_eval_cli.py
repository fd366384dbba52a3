"""``corpusforge eval`` from the command line, and its one-line errors."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from corpusforge.cli.app import app
from corpusforge.evaluate.answerers import resolve_adapter


def test_resolve_adapter_accepts_run_folder_and_names_bad_path(tmp_path):
    run = tmp_path / "run"
    (run / "adapter").mkdir(parents=True)
    (run / "adapter" / "adapter_config.json").write_text("{}")
    assert resolve_adapter(run) == run / "adapter"
    assert resolve_adapter(run / "adapter") == run / "adapter"
    with pytest.raises(ValueError, match=r"empty: no PEFT adapter here"):
        resolve_adapter(tmp_path / "empty")


def test_eval_cli_without_test_split_is_one_line(tmp_path):
    res = CliRunner().invoke(app, ["-w", str(tmp_path), "eval", "--data", str(tmp_path / "nope")])
    assert res.exit_code == 1
    assert "nope: no test split found" in res.output


@pytest.mark.slow
def test_eval_cli_writes_report_with_base_model(tmp_path, smollm_hf_dir):
    data = tmp_path / "export" / "messages"
    data.mkdir(parents=True)
    rec = {
        "messages": [
            {"role": "user", "content": "What colour is clean tap water?"},
            {"role": "assistant", "content": "Clean tap water is clear and colourless."},
        ],
        "source": "faq.md",
        "task": "qa",
        "sample_id": "x1",
    }
    (data / "test.jsonl").write_text(json.dumps(rec) + "\n")
    res = CliRunner().invoke(
        app,
        [
            "-w",
            str(tmp_path),
            "eval",
            "--data",
            str(tmp_path / "export"),
            "--base",
            smollm_hf_dir,
            "--out",
            str(tmp_path / "eval"),
        ],
    )
    assert res.exit_code == 0, res.output
    rep = json.loads((tmp_path / "eval" / "report.json").read_text())
    assert rep["n_items"] == 1 and rep["models"][0]["name"] == "base"
    assert rep["perplexity"]["base"]["domain"] is None  # no held-out corpus chunks given or found
