"""corpusforge.io's atomic writes, as the export uses them: stale temporaries go, live ones stay, the
folder swap works without ``renameat2`` and a swap killed half-way is undone."""

from __future__ import annotations

import fcntl
import os

import pytest

import corpusforge.io as cio
from corpusforge.export import run_export
from corpusforge.io import atomic_dir, atomic_open, clean_stale


def test_stale_temporaries_go_and_one_still_being_written_stays(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "old").write_text("old", encoding="utf-8")
    (tmp_path / ".out.dead0001.tmp").mkdir()
    (tmp_path / ".out.dead0001.tmp" / "train.jsonl").write_text("{}\n", encoding="utf-8")
    (tmp_path / ".out.dead0002.tmp").write_text("x", encoding="utf-8")
    (tmp_path / ".out.dead0003.old").mkdir()  # a half-done swap whose folder came back already
    live = tmp_path / ".out.live0001.tmp"
    live.mkdir()
    fd = os.open(live, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # as the process writing it holds it
    try:
        with atomic_dir(out) as tmp:
            (tmp / "new").write_text("new", encoding="utf-8")
        names = sorted(p.name for p in tmp_path.iterdir())
        assert names == [".out.live0001.tmp", "out"] and [p.name for p in out.iterdir()] == ["new"]
    finally:
        os.close(fd)
    assert clean_stale(out) == [live] and not live.exists()


def test_a_failed_build_leaves_the_folder_and_no_temporary(tmp_path):
    out = tmp_path / "out"
    with atomic_dir(out) as tmp:
        (tmp / "a").write_text("1", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_dir(out) as tmp:
        (tmp / "b").write_text("2", encoding="utf-8")
        raise RuntimeError("boom")
    with pytest.raises(RuntimeError), atomic_open(out / "a") as f:
        f.write("half")
        raise RuntimeError("boom")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert [p.name for p in out.iterdir()] == ["a"] and (out / "a").read_text(encoding="utf-8") == "1"


def test_atomic_open_removes_stale_temporaries_of_its_file(tmp_path):
    (tmp_path / ".x.jsonl.dead0001.tmp").write_text("half", encoding="utf-8")
    (tmp_path / ".y.jsonl.dead0001.tmp").write_text("half", encoding="utf-8")  # another file's: left
    with atomic_open(tmp_path / "x.jsonl") as f:
        f.write("{}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".y.jsonl.dead0001.tmp", "x.jsonl"]


def test_without_rename_exchange_the_swap_works_and_a_half_swap_is_undone(export_ws, tmp_path, monkeypatch):
    monkeypatch.setattr(cio, "_exchange", lambda a, b: False)
    out = tmp_path / "out"
    run_export(export_ws, ["messages"], out)
    run_export(export_ws, ["alpaca"], out)
    assert sorted(p.name for p in out.iterdir()) == ["alpaca", "dataset_info.json", "manifest.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "ws"]
    # killed between the two renames: the old folder is aside, the new one still a temporary
    kept = sorted(str(p.relative_to(out)) for p in out.rglob("*"))
    os.rename(out, tmp_path / ".out.0badf00d.old")
    (tmp_path / ".out.0badf00d.tmp").mkdir()
    run_export(export_ws, ["messages"], tmp_path / "other")  # another folder's export: not touched
    assert not out.exists()
    assert clean_stale(out) and sorted(str(p.relative_to(out)) for p in out.rglob("*")) == kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other", "out", "ws"]
