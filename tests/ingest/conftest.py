"""Fixtures of the ingest tests: workspaces with chosen ingest settings, a copy of the quickstart docs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture
def make_ws(tmp_path):
    """Factory: a fresh workspace whose ``ingest`` section is overridden by keyword arguments (OCR off)."""
    from corpusforge.workspace import init_workspace

    opened = []

    def make(name: str = "ws", **ingest):
        ws = init_workspace(tmp_path / name)
        ws.config.ingest.ocr = False
        for key, value in ingest.items():
            setattr(ws.config.ingest, key, value)
        opened.append(ws)
        return ws

    yield make
    for ws in opened:
        ws.close()


@pytest.fixture
def docs_copy(tmp_path, quickstart_dir) -> Path:
    """A writable copy of the quickstart documents."""
    dst = tmp_path / "docs"
    shutil.copytree(quickstart_dir, dst)
    return dst
