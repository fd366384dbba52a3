"""A new export format is one new module plus one registry line: a TSV format, exported end to end."""

from __future__ import annotations

import csv
import sys
import textwrap

import pytest
from typer.testing import CliRunner

from corpusforge.cli.app import app
from corpusforge.export import run_export
from corpusforge.export.formats import FORMATS

FORMAT_MODULE = '''
"""Tab-separated values: one row per sample with its provenance, ``tsv/<split>.tsv``."""

import csv

from corpusforge.export.formats.base import Format
from corpusforge.io import atomic_open

COLUMNS = ["sample_id", "source", "pages", "instruction", "output"]


def write(ctx):
    for split, samples in ctx.samples.items():
        rel = f"tsv/{split}.tsv"
        with atomic_open(ctx.out_dir / rel) as f:
            out = csv.writer(f, delimiter="\\t", lineterminator="\\n")
            out.writerow(COLUMNS)
            for s in samples:
                out.writerow([s.sample_id, s.source, ",".join(map(str, s.pages)), s.instruction, s.output])
        ctx.files[rel] = len(samples)


FORMAT = Format(help="Tab-separated samples with provenance: tsv/{split}.tsv", write=write)
'''


@pytest.fixture
def tsv_format(tmp_path, monkeypatch):
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "tsv_format.py").write_text(textwrap.dedent(FORMAT_MODULE), encoding="utf-8")
    monkeypatch.syspath_prepend(str(plugins))
    FORMATS.register("tsv", "tsv_format:FORMAT")  # the one registry line
    yield
    FORMATS.unregister("tsv")
    sys.modules.pop("tsv_format", None)


def _rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def test_a_registered_format_is_written_from_the_workspace(tsv_format, export_ws, tmp_path):
    s = run_export(export_ws, ["tsv"], tmp_path / "out")

    assert s.formats == ["tsv"] and sum(s.splits.values()) > 0
    for split, n in s.splits.items():
        rows = _rows(tmp_path / "out" / "tsv" / f"{split}.tsv")
        assert len(rows) == n == s.files[f"tsv/{split}.tsv"]
        for r in rows:
            sample = export_ws.store.get_sample(r["sample_id"])
            assert sample.status in {"passed", "accepted"}
            assert (r["source"], r["pages"], r["output"]) == (
                sample.source,
                ",".join(map(str, sample.pages)),
                sample.output,
            )
            assert s.split_of_source[r["source"]] == split
    assert "tsv" in (tmp_path / "out" / "manifest.json").read_text(encoding="utf-8")


def test_the_cli_lists_and_writes_a_registered_format(tsv_format, export_ws, tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["--workspace", str(export_ws.root), "export", "--list-formats"])
    assert res.exit_code == 0 and "Tab-separated samples with provenance" in res.output
    res = runner.invoke(
        app, ["--workspace", str(export_ws.root), "export", "-f", "tsv", "--out", str(tmp_path / "cli")]
    )
    assert res.exit_code == 0, res.output
    assert _rows(tmp_path / "cli" / "tsv" / "train.tsv")


def test_unregistered_format_is_unknown(export_ws, tmp_path):
    res = CliRunner().invoke(
        app, ["--workspace", str(export_ws.root), "export", "-f", "tsv", "--out", str(tmp_path)]
    )
    assert res.exit_code == 1 and "unknown export format 'tsv'" in res.output
