"""A split with no kept sample is left out of every format and of dataset_info.json, and the summary says so.

Two source documents only: one goes to train, one to validation, and test gets none (the split never
moves the last train document), the way a small or heavily filtered workspace exports.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corpusforge.cli.app import app
from corpusforge.export import run_export
from corpusforge.export.formats import FORMATS

TWO_SOURCES = ["billing_guide.txt", "outage_notice.txt"]


@pytest.fixture
def no_test_split(export_ws, tmp_path):
    out = tmp_path / "out"
    return run_export(export_ws, list(FORMATS), out, sources=TWO_SOURCES), out


def test_no_file_entry_or_count_for_the_empty_split(no_test_split):
    s, out = no_test_split
    assert s.empty_splits == ["test"] and set(s.splits) == {"train", "validation"}
    assert s.empty_pair_splits == ["test"] and set(s.pair_splits) == {"train", "validation"}
    assert s.empty_files == ["pretrain/test.jsonl"]
    assert not [str(p) for p in out.rglob("*") if "test" in p.name]  # no format wrote a test file
    info = json.loads((out / "dataset_info.json").read_text(encoding="utf-8"))
    assert not [k for k in info if k.endswith("_test")]
    assert {"corpusforge_messages_validation", "corpusforge_ranking_train"} <= info.keys()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["splits"]) == set(manifest["pair_splits"]) == {"train", "validation"}
    assert manifest["empty_splits"] == ["test"]
    assert all((out / rel).is_file() for rel in manifest["files"])
    card = (out / "hf" / "README.md").read_text(encoding="utf-8")
    assert "| test |" not in card and "test-*.parquet" not in card and "| validation |" in card


def test_everything_written_loads_with_datasets(no_test_split):
    from datasets import load_dataset, load_from_disk

    _, out = no_test_split
    for path in sorted(out.rglob("*.jsonl")):
        n_lines = sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
        assert n_lines, path
        assert len(load_dataset("json", data_files=str(path), split="train")) == n_lines, path
    dd = load_dataset(
        "json", data_files={sp: str(out / "messages" / f"{sp}.jsonl") for sp in ("train", "validation")}
    )
    assert set(dd) == {"train", "validation"} and all(len(d) for d in dd.values())
    assert (
        set(load_from_disk(str(out / "hf"))) == set(load_dataset(str(out / "hf"))) == {"train", "validation"}
    )


def test_the_cli_says_the_split_was_empty_and_left_out(export_ws, tmp_path):
    args = [
        "-w",
        str(export_ws.root),
        "export",
        "-f",
        "messages",
        "-f",
        "pretrain",
        "-o",
        str(tmp_path / "o"),
    ]
    for src in TWO_SOURCES:
        args += ["--source", src]
    res = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "empty split left out: test" in res.output and "dataset_info.json" in res.output
    assert "empty, not written: pretrain/test.jsonl" in res.output
    assert not Path(tmp_path / "o" / "messages" / "test.jsonl").exists()
