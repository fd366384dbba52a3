"""The ``corpusforge corpus`` command and configuration choices."""

from __future__ import annotations

import json

from corpus_testlib import add_text, pdf_pages
from typer.testing import CliRunner

from corpusforge.cli.app import app
from corpusforge.config import render_default_config
from corpusforge.corpus.pipeline import build_corpus
from corpusforge.workspace import init_workspace


def test_cli_writes_outputs_and_summary(tmp_path, fixtures_dir):
    ws = init_workspace(tmp_path / "ws")
    add_text(
        ws,
        "memo.pdf",
        pdf_pages(fixtures_dir / "pdf" / "en_unstructured_fake-memo-with-duplicate-page.pdf"),
        "pdf",
    )
    ws.close()
    out = tmp_path / "corpus-out"
    res = CliRunner().invoke(app, ["-w", str(tmp_path / "ws"), "corpus", "--out", str(out), "--no-progress"])
    assert res.exit_code == 0, res.output
    assert "duplicate: page_exact" in res.output and "chunks" in res.output
    rows = [json.loads(x) for x in (out / "corpus.jsonl").read_text().splitlines()]
    assert len(rows) == 1 and rows[0]["source"] == "memo.pdf" and rows[0]["pages"] == [1]
    assert (out / "llamafactory" / "dataset_info.json").exists() and (out / "corpus_stats.json").exists()


def test_cli_outside_workspace_is_one_line_error(tmp_path):
    res = CliRunner().invoke(app, ["-w", str(tmp_path / "nope"), "corpus"])
    assert res.exit_code == 1
    assert "not a corpusforge workspace" in res.output


def test_config_keeps_more_languages(workspace, fixtures_dir):
    doc = add_text(
        workspace, "olap.pdf", pdf_pages(fixtures_dir / "pdf" / "fr_unstructured_fr_olap.pdf")[:2], "pdf"
    )
    assert build_corpus(workspace).chunks == 0
    workspace.config.project.languages = ["zh", "en", "fr"]
    stats = build_corpus(workspace)
    assert stats.chunks > 0 and "language:fr" not in stats.filtered
    assert {c.lang for c in workspace.store.iter_chunks(doc)} == {"fr"}


def test_traditional_to_simplified(workspace):
    trad = "話說天下大勢，分久必合，合久必分。周末七國分爭，並入於秦。及秦滅之後，楚、漢分爭，又並入於漢。"
    add_text(workspace, "trad.txt", [trad])
    build_corpus(workspace)
    assert next(workspace.store.iter_chunks()).text == trad
    workspace.config.corpus.clean.traditional_to_simplified = True
    build_corpus(workspace)
    assert next(workspace.store.iter_chunks()).text.startswith(
        "话说天下大势，分久必合，合久必分。周末七国分争，并入于秦。"
    )


def test_filters_can_be_switched_off(workspace):
    notice = "版权声明：本站所有电子书仅供读者研究学习，不得用作商业用途，强烈建议广大读者购买正版图书！"
    story = "话说天下大势，分久必合，合久必分。周末七国分争，并入于秦。及秦灭之后，楚、汉分争，又并入于汉。"
    add_text(workspace, "book.txt", [notice + "\n\n" + story])
    stats = build_corpus(workspace)
    assert stats.filtered["boilerplate"]["items"] == 1
    assert notice not in next(workspace.store.iter_chunks()).text
    workspace.config.corpus.filters.boilerplate = []
    stats = build_corpus(workspace)
    assert "boilerplate" not in stats.filtered
    assert notice in next(workspace.store.iter_chunks()).text


def test_default_config_renders_corpus_section():
    text = render_default_config()
    assert "  dedup:" in text and "threshold: 0.8" in text and "traditional_to_simplified: false" in text


def test_bad_config_is_one_line_error_naming_the_key():
    import pytest

    from corpusforge.config import ConfigError, parse_config

    with pytest.raises(ConfigError, match=r"corpus\.filters\.boilerplate: .*not a valid regular expression"):
        parse_config({"corpus": {"filters": {"boilerplate": ["(unclosed"]}}})
    with pytest.raises(ConfigError, match=r"corpus\.dedup\.treshold: unknown key"):
        parse_config({"corpus": {"dedup": {"treshold": 0.5}}})


def test_progress_bar_and_empty_workspace(workspace):
    from corpusforge.cli.progress import RichProgress

    stats = build_corpus(workspace, progress=RichProgress())
    assert stats.documents == 0 and stats.chunks == 0
    assert (workspace.out_dir / "corpus.jsonl").read_text() == ""
