"""``corpusforge generate`` exit codes, through the Typer runner and a real local HTTP server.

The server (``canned.py``) answers the qa task with prose it cannot use, except for the passage about
the Elm Street plant, which gets one grounded pair.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from canned import canned_config, canned_server
from gen_helpers import DOCS, make_workspace
from typer.testing import CliRunner

from corpusforge.cli.app import app


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with canned_server() as url:
        yield url


def _run(ws, *args: str):
    return CliRunner().invoke(app, ["-w", str(ws.root), "generate", "--no-progress", *args])


def test_every_reply_unusable_exits_1_with_one_line(server, tmp_path):
    docs = {k: DOCS[k] for k in ("billing.txt", "mains_2023.txt")}
    ws = make_workspace(tmp_path / "ws", docs, config=canned_config(server))
    res = _run(ws)
    ws.close()
    assert res.exit_code == 1, res.output
    errors = [line for line in res.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "no sample kept" in errors[0], res.output
    # the summary came first, listing every short document
    assert "documents below generate.qa_min" in res.output
    assert "billing.txt" in res.output and "mains_2023.txt" in res.output


def test_strict_exits_1_when_a_document_is_short(server, tmp_path):
    docs = {k: DOCS[k] for k in ("plant.txt", "billing.txt")}
    ws = make_workspace(tmp_path / "ws", docs, config=canned_config(server))
    loose = _run(ws)
    assert loose.exit_code == 0, loose.output  # one sample kept: not strict, so a short document is fine
    assert "documents below generate.qa_min" in loose.output and "billing.txt" in loose.output
    kept = [s for s in ws.store.iter_samples() if s.status != "dropped"]
    assert kept and {s.source for s in kept} == {"plant.txt"}
    strict = _run(ws, "--strict")
    ws.close()
    assert strict.exit_code == 1, strict.output
    errors = [line for line in strict.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "qa_min" in errors[0] and "--strict" in errors[0], strict.output
    assert "billing.txt" in strict.output
