"""Workspace, config and store basics."""

from __future__ import annotations

import pytest

from corpusforge.config import ConfigError, load_config, parse_config
from corpusforge.records import Candidate, Sample
from corpusforge.store import ConflictError, Store
from corpusforge.workspace import init_workspace, open_workspace


def test_init_writes_commented_config_that_loads(tmp_path):
    ws = init_workspace(tmp_path / "w")
    text = (tmp_path / "w" / "corpusforge.yaml").read_text()
    assert "# Re-read pages" in text and "ingest:" in text
    assert load_config(tmp_path / "w" / "corpusforge.yaml").model_dump() == ws.config.model_dump()
    assert ws.store.schema_version()[0] == "m001_initial"


def test_unknown_key_and_bad_value_name_the_key(tmp_path):
    with pytest.raises(ConfigError, match=r"ingest\.ocrr: unknown key"):
        parse_config({"ingest": {"ocrr": True}})
    with pytest.raises(ConfigError, match=r"corpus\.chunk_tokens: .*integer"):
        parse_config({"corpus": {"chunk_tokens": "lots"}})
    p = tmp_path / "corpusforge.yaml"
    p.write_text("ingest: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(p)


def test_open_non_workspace_is_clear(tmp_path):
    with pytest.raises(Exception, match="not a corpusforge workspace"):
        open_workspace(tmp_path)


def test_samples_are_idempotent_and_versioned(tmp_path):
    st = Store(tmp_path / "s.db")
    s = Sample(
        sample_id="a1",
        task="qa",
        instruction="Q?",
        input="",
        output="A.",
        source="f.pdf",
        doc_id="d",
        pages=[1],
        chunk_ids=["d-00000"],
    )
    assert st.add_samples([s]) == 1
    assert st.add_samples([s]) == 0
    got = st.get_sample("a1")
    assert got.pages == [1] and got.chunk_ids == ["d-00000"] and got.version == 1
    assert st.update_sample("a1", expected_version=1, output="B.") == 2
    with pytest.raises(ConflictError):
        st.update_sample("a1", expected_version=1, output="C.")
    assert st.get_sample("a1").output == "B."
    st.add_candidates([Candidate("a1", 0, "x"), Candidate("a1", 1, "y")])
    st.rate_candidate("a1", 1, "good")
    assert [c.rating for c in st.iter_candidates("a1")] == [None, "good"]
    st.close()
    # reopening applies no migration twice
    st2 = Store(tmp_path / "s.db")
    assert st2.schema_version() == ["m001_initial"] or st2.schema_version()[0] == "m001_initial"
    assert st2.count_samples("task") == {"qa": 1}
