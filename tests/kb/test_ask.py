"""`corpusforge ask`: retrieval, then an answer from the real embedded model, citing files and pages."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from corpusforge.cli.app import app


@pytest.mark.slow
def test_ask_answers_with_the_embedded_model_and_cites_the_right_file(kb_ws):
    runner = CliRunner()
    q = "How much residual chlorine is kept at the tap?"
    res = runner.invoke(app, ["-w", str(kb_ws.root), "ask", q, "--k", "2", "--json"])
    assert res.exit_code == 0, res.output
    a = json.loads(res.stdout)
    assert a["answer"].strip() and a["model"]
    assert a["sources"][0]["file"] == "water_quality_faq.md" and a["sources"][0]["pages"] == [1]
    assert not a["cached"]
    res = runner.invoke(
        app, ["-w", str(kb_ws.root), "ask", q, "--k", "2"]
    )  # same request: from the store's cache
    assert res.exit_code == 0, res.output
    assert "Sources:" in res.stdout and "[1] water_quality_faq.md, p. 1" in res.stdout
    assert kb_ws.store.counts()["llm_cache"] >= 1


def test_repeated_sentences_are_collapsed_and_citations_detected(kb_ws):
    from corpusforge.kb.ask import cited_files, collapse_repeats
    from corpusforge.kb.build import open_kb

    looped = "The water is safe. It has chlorine. The water is safe.  It has chlorine. The wa"
    assert collapse_repeats(looped) == "The water is safe. It has chlorine. The wa"
    assert collapse_repeats("通水了。通水了。见 [news.html, p. 1]") == "通水了。见 [news.html, p. 1]"
    hits = open_kb(kb_ws).search("东湖水厂二期扩建工程哪天正式通水", 2)
    assert cited_files("2025年9月18日 [news_east_lake.html, p. 1]", hits) == ["news_east_lake.html"]
    assert cited_files("See passage [2].", hits) == [hits[1].passage.source]
    assert cited_files("No idea.", hits) == []
