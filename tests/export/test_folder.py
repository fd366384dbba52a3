"""The export folder is replaced whole: a killed export changes nothing, modes follow the umask, other
folders are refused, stale temporaries go at the next export."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import corpusforge
from corpusforge.cli.app import app
from corpusforge.export import run_export
from corpusforge.export.folder import ExportTargetError
from corpusforge.export.formats import FORMATS
from corpusforge.io import read_jsonl

ALL = list(FORMATS)

# A format that writes part of a file, says so, and then blocks until the process is killed.
BLOCKING_FORMAT = """
import os
import signal
from pathlib import Path

from corpusforge.export.formats.base import Format
from corpusforge.io import atomic_open


def write(ctx):
    with atomic_open(ctx.out_dir / "block" / "train.jsonl") as f:
        f.write('{"half": "a record"}\\n')
        f.flush()
        Path(os.environ["CF_TEST_READY"]).write_text(str(ctx.out_dir), encoding="utf-8")
        while True:
            signal.pause()


FORMAT = Format(help="blocks until killed", write=write)
"""

RUN_CLI = """
import sys
from corpusforge.export.formats import FORMATS
from corpusforge.cli.app import app
FORMATS.register("block", "block_format:FORMAT")
app(sys.argv[1:])
"""


def _digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _splits_of_sources(out: Path, kinds: tuple[str, ...]) -> dict[str, set[str]]:
    seen: dict[str, set[str]] = {}
    for kind in kinds:
        for f in (out / kind).glob("*.jsonl"):
            for r in read_jsonl(f):
                seen.setdefault(r["source"], set()).add(f.stem)
    return seen


def _temporaries(folder: Path) -> list[str]:
    return sorted(str(p) for p in folder.rglob("*") if p.name.endswith((".tmp", ".old")))


def test_a_killed_export_leaves_the_previous_export_intact(export_ws, tmp_path):
    out = tmp_path / "out"
    before = run_export(export_ws, ["messages", "alpaca"], out)  # seed 42
    old = _digests(out)
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "block_format.py").write_text(textwrap.dedent(BLOCKING_FORMAT), encoding="utf-8")
    ready = tmp_path / "ready"
    src = str(Path(corpusforge.__file__).parent.parent)
    env = {
        **os.environ,
        "CF_TEST_READY": str(ready),
        "PYTHONPATH": os.pathsep.join([str(plugins), src, os.environ.get("PYTHONPATH", "")]),
    }
    args = ["-w", str(export_ws.root), "export", "-f", "messages", "-f", "alpaca", "-f", "block"]
    args += ["--seed", "7", "--out", str(out)]  # another seed: another split of the same documents
    log = tmp_path / "stderr.txt"
    with open(log, "wb") as err:
        proc = subprocess.Popen([sys.executable, "-c", RUN_CLI, *args], env=env, stderr=err)
    try:
        deadline = time.monotonic() + 600  # only so a broken run cannot hang the suite
        while not ready.exists():
            assert proc.poll() is None, log.read_text(encoding="utf-8", errors="replace")[-2000:]
            assert time.monotonic() < deadline, "the export never reached the blocking format"
            time.sleep(0.05)
        building = Path(ready.read_text(encoding="utf-8"))
        assert (building / "messages" / "train.jsonl").is_file()  # the new run had written its files
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    # the previous export is untouched and consistent; the killed run's folder is a hidden sibling
    assert _digests(out) == old
    assert all(len(v) == 1 for v in _splits_of_sources(out, ("messages", "alpaca")).values())
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["split_of_source"] == before.split_of_source
    assert building.parent == tmp_path and building.name.startswith(".out.") and building.exists()
    # the next export removes it and leaves no temporary anywhere
    after = run_export(export_ws, ["messages", "alpaca"], out, seed=7)
    assert after.split_of_source != before.split_of_source  # so a mixed folder would have leaked
    assert not building.exists() and _temporaries(tmp_path) == []
    assert all(len(v) == 1 for v in _splits_of_sources(out, ("messages", "alpaca")).values())


@pytest.mark.parametrize(("umask", "file_mode", "dir_mode"), [(0o022, 0o644, 0o755), (0o027, 0o640, 0o750)])
def test_files_and_folders_follow_the_umask(export_ws, tmp_path, umask, file_mode, dir_mode):
    out = tmp_path / "out"
    previous = os.umask(umask)
    try:
        run_export(export_ws, ALL, out)
        run_export(export_ws, ALL, out)  # over an existing export, too
    finally:
        os.umask(previous)
    paths = [out, *out.rglob("*")]
    assert {oct(p.stat().st_mode & 0o777) for p in paths if p.is_file()} == {oct(file_mode)}
    assert {oct(p.stat().st_mode & 0o777) for p in paths if p.is_dir()} == {oct(dir_mode)}
    assert (out / "manifest.json").is_file() and (out / "hf" / "README.md").is_file()


def test_a_folder_that_is_not_an_export_is_refused_and_left_alone(export_ws, tmp_path):
    # tmp_path holds the workspace: replacing it would delete the workspace
    with pytest.raises(ExportTargetError, match="not a corpusforge export"):
        run_export(export_ws, ["messages"], tmp_path)
    assert (tmp_path / "ws").is_dir() and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    out = tmp_path / "out"
    run_export(export_ws, ["messages"], out)
    (out / "notes.txt").write_text("mine", encoding="utf-8")  # a user's file beside a previous export
    res = CliRunner().invoke(app, ["-w", str(export_ws.root), "export", "-f", "alpaca", "-o", str(out)])
    assert res.exit_code == 1 and "notes.txt" in res.output and "Traceback" not in res.output
    assert len(res.output.strip().splitlines()) == 1
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine" and not (out / "alpaca").exists()
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(ExportTargetError, match="not a folder"):
        run_export(export_ws, ["messages"], tmp_path / "file")


def test_an_empty_folder_and_a_symlink_to_an_export_are_replaced(export_ws, tmp_path):
    (tmp_path / "empty").mkdir()
    run_export(export_ws, ["messages"], tmp_path / "empty")
    assert (tmp_path / "empty" / "manifest.json").is_file()
    run_export(export_ws, ["messages"], tmp_path / "real")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    run_export(export_ws, ["alpaca"], tmp_path / "link")
    assert (tmp_path / "link").is_symlink() and (tmp_path / "real" / "alpaca" / "train.jsonl").is_file()
    assert not (tmp_path / "real" / "messages").exists()
