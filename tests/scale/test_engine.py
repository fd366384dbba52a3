"""The engine choice without a cluster: config and CLI, the error without Ray, the replay of dedup calls."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from typer.testing import CliRunner

from corpusforge.config import ConfigError, parse_config
from corpusforge.corpus.lsh import DedupIndex, exact_key
from corpusforge.corpus.minhash import signatures, word_shingles
from corpusforge.scale import cluster
from corpusforge.scale.replay import RecordingIndex, commit, conflicts


def test_engine_and_ray_sections():
    cfg = parse_config({"engine": "ray", "ray": {"address": "ray://head:10001", "in_flight": 8}})
    assert (cfg.engine, cfg.ray.address, cfg.ray.in_flight) == ("ray", "ray://head:10001", 8)
    assert parse_config({}).engine == "local"
    with pytest.raises(ConfigError, match="engine"):
        parse_config({"engine": "spark"})
    with pytest.raises(ConfigError, match="ray.adress: unknown key"):
        parse_config({"ray": {"adress": "auto"}})
    assert (parse_config({}).ray.lsh, parse_config({"ray": {"lsh": "shuffle"}}).ray.lsh) == (
        "driver",
        "shuffle",
    )
    with pytest.raises(ConfigError, match="lsh"):
        parse_config({"ray": {"lsh": "spark"}})


def test_ray_missing_is_one_line(monkeypatch, tmp_path):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda n, *a: None if n == "ray" else real(n, *a))
    with pytest.raises(cluster.EngineError, match=r"pip install 'corpusforge\[ray\]'"):
        cluster.ray_module()
    from corpusforge.cli.app import app
    from corpusforge.workspace import init_workspace

    init_workspace(tmp_path / "ws").close()
    (tmp_path / "a.txt").write_text("some text", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "ws")
    for args in (["ingest", str(tmp_path / "a.txt")], ["corpus"]):
        res = CliRunner().invoke(app, [*args, "--engine", "ray"])
        assert res.exit_code == 1, res.output
        assert "corpusforge[ray]" in res.output and "Traceback" not in res.output


def test_in_order_keeps_the_window():
    submitted: list[int] = []
    out = []
    for item, handle in cluster.in_order(range(10), lambda i: submitted.append(i) or i * i, 3):
        assert len(submitted) - item <= 3  # never more than 3 submitted ahead of the one consumed
        out.append((item, handle))
    assert out == [(i, i * i) for i in range(10)]


def _sig(text: str) -> np.ndarray:
    return signatures([word_shingles(text, 3)], 128, 1)


def test_replay_matches_direct_use():
    """Recorded calls replayed on a shared index leave it as direct calls would, and see conflicts."""
    words = " ".join(f"word{i}" for i in range(200))
    other = " ".join(f"other{i}" for i in range(200))
    direct, shared = DedupIndex(0.8, 128), DedupIndex(0.8, 128)
    for index in (direct,):
        for text in (words, other):
            sig = _sig(text)
            keys = index.keys(sig)
            assert index.exact(exact_key(text), text[:10]) is None
            assert index.query(sig[0], keys[0]) is None
            index.insert(sig[0], keys[0], text[:10])
    for text in (words, other):  # one "document" per text, each recorded apart then replayed
        rec = RecordingIndex(0.8, 128, 0.5)
        sig = _sig(text)
        keys = rec.keys(sig)
        rec.exact(exact_key(text), text[:10])
        rec.query(sig[0], keys[0])
        rec.insert(sig[0], keys[0], text[:10])
        assert not conflicts(shared, rec.ops)
        commit(shared, rec.ops)
    assert shared.peek(exact_key(words)) == direct.peek(exact_key(words)) == words[:10]
    again = RecordingIndex(0.8, 128, 0.5)
    sig = _sig(words + " tail")
    again.query(sig[0], again.keys(sig)[0])
    assert conflicts(shared, again.ops)  # a near copy of an earlier document: the driver decides
    assert shared.query(sig[0], shared.keys(sig)[0]) == direct.query(sig[0], direct.keys(sig)[0])
