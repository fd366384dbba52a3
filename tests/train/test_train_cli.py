"""The CLI: plan (table and JSON), one-line errors."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from corpusforge.cli.app import app

runner = CliRunner()


def test_plan_json_for_the_issue_example():
    r = runner.invoke(
        app,
        [
            "plan",
            "--model",
            "Qwen/Qwen2.5-14B-Instruct",
            "--method",
            "qlora",
            "--seq-len",
            "2048",
            "--batch",
            "4",
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    p = json.loads(r.stdout)
    assert p["model"] == "Qwen/Qwen2.5-14B-Instruct" and p["method"] == "qlora"
    parts = ("weights_gib", "gradients_gib", "optimizer_gib", "activations_gib", "logits_gib", "overhead_gib")
    assert abs(sum(p[k] for k in parts) - p["total_gib"]) < 0.01
    assert p["recommended_data"]["sft_samples"]["min"] >= 1000


def test_plan_table():
    r = runner.invoke(app, ["plan", "--model", "Qwen/Qwen2.5-0.5B-Instruct", "--method", "full"])
    assert r.exit_code == 0 and "optimizer states" in r.output


def test_one_line_errors(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, ["train", "sft", "--data", str(tmp_path / "nope.jsonl"), "--max-steps", "1"])
    assert r.exit_code == 1 and "no such data file" in r.output
    r = runner.invoke(app, ["plan", "--model", "acme/unknown"])
    assert r.exit_code == 1 and "unknown model" in r.output
    r = runner.invoke(app, ["train", "merge", str(tmp_path), "--out", str(tmp_path / "m")])
    assert r.exit_code == 1 and "no adapter_config.json" in r.output
