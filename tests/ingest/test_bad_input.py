"""Each kind of bad input: one-line reason, stored as failed, counted, and the other files still read."""

from __future__ import annotations

import os
import shutil

import pymupdf
import pytest

from corpusforge.ingest.pipeline import ingest_paths


@pytest.fixture
def folder(tmp_path, quickstart_dir):
    """A folder with one good file (the FAQ) that every test adds one bad file to."""
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(quickstart_dir / "water_quality_faq.md", d / "good.md")
    return d


def _run(ws, folder, name):
    summary = ingest_paths(ws, [folder])
    assert summary.read == 1, summary  # the good file is kept
    assert [d.source for d in ws.store.iter_documents()] == ["good.md"]
    assert len(summary.failed) == 1
    path, reason = summary.failed[0]
    assert path.endswith(name)
    assert "\n" not in reason and reason
    stored = ws.store.failed_files()
    assert stored == [{"path": path, "error": reason}]
    assert ws.store.counts()["files_failed"] == 1
    return reason


def test_corrupt_pdf(make_ws, folder, quickstart_dir):
    data = (quickstart_dir / "annual_report_2025.pdf").read_bytes()
    (folder / "broken.pdf").write_bytes(data[:400])  # header kept, body and xref cut off
    reason = _run(make_ws(), folder, "broken.pdf")
    assert reason.startswith("corrupt PDF")


def test_corrupt_docx(make_ws, folder, quickstart_dir):
    data = (quickstart_dir / "service_rules.docx").read_bytes()
    (folder / "broken.docx").write_bytes(data[: len(data) // 2])
    assert _run(make_ws(), folder, "broken.docx").startswith("corrupt DOCX")


def test_empty_text_file(make_ws, folder):
    (folder / "blank.txt").write_text("  \n\n \t \n", encoding="utf-8")
    assert _run(make_ws(), folder, "blank.txt") == "empty: no text found"


def test_empty_pdf_page(make_ws, folder):
    doc = pymupdf.open()
    doc.new_page()
    doc.save(folder / "blank.pdf")
    reason = _run(make_ws(), folder, "blank.pdf")
    assert reason.startswith("empty: none of the 1 pages has a usable text layer")


def test_zero_byte_file(make_ws, folder):
    (folder / "zero.pdf").write_bytes(b"")
    assert _run(make_ws(), folder, "zero.pdf") == "empty: zero-byte file"


def _encrypted_pdf(path):
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Qingxi reservoir level 62.4 m on 1 March 2025.")
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="qingxi", owner_pw="owner-secret")


def test_encrypted_pdf_without_password(make_ws, folder):
    _encrypted_pdf(folder / "locked.pdf")
    reason = _run(make_ws(), folder, "locked.pdf")
    assert reason == "encrypted PDF: no password set in ingest.pdf_passwords opens it"
    wrong = _run(make_ws("ws2", pdf_passwords=["nope"]), folder, "locked.pdf")
    assert wrong == "encrypted PDF: none of the 1 passwords in ingest.pdf_passwords opens it"


def test_encrypted_pdf_with_configured_password(make_ws, folder):
    _encrypted_pdf(folder / "locked.pdf")
    ws = make_ws(pdf_passwords=["wrong", "qingxi"])
    summary = ingest_paths(ws, [folder])
    assert summary.read == 2 and summary.failed == []
    doc = next(d for d in ws.store.iter_documents() if d.source == "locked.pdf")
    assert doc.metadata["encrypted"] is True
    assert "62.4 m" in next(ws.store.iter_pages(doc.doc_id)).text


def test_unsupported_file_types(make_ws, folder):
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 8, 8), False)
    pix.save(folder / "logo.png")
    assert _run(make_ws(), folder, "logo.png") == "unsupported file type: PNG image"


def test_binary_disguised_as_text(make_ws, folder):
    (folder / "notes.txt").write_bytes(bytes(range(1, 256)) * 40)
    reason = _run(make_ws(), folder, "notes.txt")
    assert reason.startswith(("unsupported file type", "not text"))


def test_unreadable_file(make_ws, folder, tmp_path):
    os.symlink(tmp_path / "gone.pdf", folder / "link.pdf")  # a dangling link: unreadable even for root
    assert _run(make_ws(), folder, "link.pdf") == "unreadable: file not found (dangling symlink)"


def test_huge_file(make_ws, folder, quickstart_dir):
    shutil.copy(quickstart_dir / "service_rules.docx", folder / "big.docx")  # 38 KB
    reason = _run(make_ws(max_file_mb=0.01), folder, "big.docx")
    assert reason == "too large: 0.04 MB > ingest.max_file_mb=0.01"


def test_missing_path_given_on_the_command_line(make_ws, folder, tmp_path):
    ws = make_ws()
    summary = ingest_paths(ws, [folder, tmp_path / "nope.pdf"])
    assert summary.read == 1
    assert summary.failed == [(str(tmp_path / "nope.pdf"), "unreadable: file not found")]


def test_symlink_loop_is_a_failed_file_not_a_crash(make_ws, folder):
    os.symlink("loop", folder / "loop")  # ln -s loop loop
    assert _run(make_ws(), folder, "loop") == "unreadable: symlink loop"


def test_unreadable_subfolder_is_listed_with_its_reason(make_ws, folder, monkeypatch):
    locked = folder / "locked"
    locked.mkdir()
    (locked / "secret.md").write_text("# Secret\n\nHidden text.", encoding="utf-8")
    locked.chmod(0)
    if os.geteuid() == 0:  # root lists any folder: make listing this one fail as it does for a user
        real = os.scandir

        def scandir(path="."):
            if os.fspath(path) == str(locked):
                raise PermissionError(13, "Permission denied", str(locked))
            return real(path)

        monkeypatch.setattr(os, "scandir", scandir)
    try:
        summary = ingest_paths(make_ws(), [folder])
    finally:
        locked.chmod(0o755)
    assert summary.read == 1 and summary.failed == []
    assert summary.skipped == [(str(locked), "folder skipped: Permission denied")]
    assert summary.counts()["skipped"] == 1


def _cli(tmp_path, monkeypatch, *args):
    from typer.testing import CliRunner

    from corpusforge.cli.app import app

    runner = CliRunner()
    monkeypatch.chdir(tmp_path)
    if not (tmp_path / "ws").exists():
        assert runner.invoke(app, ["init", str(tmp_path / "ws")]).exit_code == 0
    monkeypatch.chdir(tmp_path / "ws")
    return runner.invoke(app, ["ingest", "--no-ocr", *args])


def test_cli_exits_non_zero_for_a_missing_path(tmp_path, monkeypatch):
    res = _cli(tmp_path, monkeypatch, str(tmp_path / "does-not-exist"))
    assert res.exit_code == 1, res.output
    assert "all 1 files failed" in res.output and "file not found" in res.output


def test_cli_exits_non_zero_when_every_file_failed(tmp_path, monkeypatch, folder):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "zero.txt").write_bytes(b"")
    (bad / "blank.md").write_text(" \n", encoding="utf-8")
    res = _cli(tmp_path, monkeypatch, str(bad))
    assert res.exit_code == 1, res.output
    assert "all 2 files failed" in res.output
    empty = tmp_path / "empty"
    empty.mkdir()
    res = _cli(tmp_path, monkeypatch, str(empty))
    assert res.exit_code == 1 and "no files found" in res.output
    res = _cli(tmp_path, monkeypatch, str(bad), str(folder))  # one good file: success
    assert res.exit_code == 0, res.output
