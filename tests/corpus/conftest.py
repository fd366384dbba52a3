"""Fixtures of the corpus tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def small_chunks(workspace):
    """The workspace with small chunks, so short test documents still give several chunks."""
    workspace.config.corpus.chunk_tokens = 128
    workspace.config.corpus.chunk_overlap = 24
    return workspace
