"""File type detection by content, not by extension."""

from __future__ import annotations

import shutil

from corpusforge.ingest.detect import detect_kind
from corpusforge.ingest.pipeline import ingest_paths


def test_quickstart_kinds(quickstart_dir):
    kinds = {p.name: detect_kind(p.read_bytes(), p.suffix)[0] for p in quickstart_dir.iterdir()}
    assert kinds == {
        "annual_report_2025.pdf": "pdf",
        "service_rules.docx": "docx",
        "news_east_lake.html": "html",
        "customer_service_gbk.txt": "text",
        "water_quality_faq.md": "text",
    }


def test_wrong_extensions_do_not_fool_the_reader(make_ws, quickstart_dir, tmp_path):
    d = tmp_path / "renamed"
    d.mkdir()
    shutil.copy(quickstart_dir / "annual_report_2025.pdf", d / "report.txt")
    shutil.copy(quickstart_dir / "service_rules.docx", d / "rules.bin")
    shutil.copy(quickstart_dir / "news_east_lake.html", d / "page")
    ws = make_ws()
    summary = ingest_paths(ws, [d])
    assert summary.failed == [] and summary.read == 3
    assert {doc.source: doc.kind for doc in ws.store.iter_documents()} == {
        "report.txt": "pdf",
        "rules.bin": "docx",
        "page": "html",
    }


def test_office_containers_we_do_not_read_are_named():
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    assert detect_kind(buf.getvalue(), ".xlsx") == ("xlsx", "Excel workbook")  # read by ingest/xlsx.py
    assert detect_kind(buf.getvalue(), "") == (None, "Excel workbook")  # no suffix: named, not read


def test_gzipped_html_page_is_read(make_ws, fixtures_dir):
    page = fixtures_dir / "html" / "trafilatura-eval-subset" / "html" / "baike.baidu.com.tanya.html.gz"
    ws = make_ws()
    summary = ingest_paths(ws, [page])
    assert summary.read == 1, summary.failed
    doc = next(ws.store.iter_documents())
    assert doc.kind == "html" and doc.lang == "zh"


def test_ingesting_the_workspace_folder_skips_its_own_files(make_ws, quickstart_dir):
    ws = make_ws()
    shutil.copy(quickstart_dir / "water_quality_faq.md", ws.root / "faq.md")
    ws.out_dir.mkdir()
    (ws.out_dir / "corpus.jsonl").write_text('{"text": "x"}\n', encoding="utf-8")
    summary = ingest_paths(ws, [ws.root])
    assert (summary.files_seen, summary.read) == (1, 1)
    assert [d.source for d in ws.store.iter_documents()] == ["faq.md"]


def test_symlink_loop_in_a_folder_is_not_followed(make_ws, quickstart_dir, tmp_path):
    import os

    d = tmp_path / "loop"
    d.mkdir()
    shutil.copy(quickstart_dir / "water_quality_faq.md", d / "faq.md")
    os.symlink(d, d / "again")
    summary = ingest_paths(make_ws(), [d])
    assert (summary.files_seen, summary.read, summary.failed) == (1, 1, [])
