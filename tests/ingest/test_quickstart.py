"""The quickstart documents: one per reader, with the facts later stages ground on."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from corpusforge.ingest.pipeline import ingest_paths


def _pages(ws):
    out = {}
    for p in ws.store.iter_pages():
        out.setdefault(p.source, []).append(p)
    return out


def test_every_quickstart_document_is_read(make_ws, quickstart_dir):
    ws = make_ws(
        tags={"*.pdf": {"source_type": "report"}, "*.docx": {"source_type": "rules", "authority": "high"}}
    )
    summary = ingest_paths(ws, [quickstart_dir])
    assert (summary.files_seen, summary.read, summary.failed) == (5, 5, [])
    docs = {d.source: d for d in ws.store.iter_documents()}
    assert set(docs) == {
        "annual_report_2025.pdf",
        "service_rules.docx",
        "news_east_lake.html",
        "customer_service_gbk.txt",
        "water_quality_faq.md",
    }
    assert {s: d.kind for s, d in docs.items()} == {
        "annual_report_2025.pdf": "pdf",
        "service_rules.docx": "docx",
        "news_east_lake.html": "html",
        "customer_service_gbk.txt": "text",
        "water_quality_faq.md": "text",
    }
    assert docs["water_quality_faq.md"].lang == "en"
    assert all(d.lang == "zh" for s, d in docs.items() if s != "water_quality_faq.md")
    assert docs["annual_report_2025.pdf"].n_pages == 3
    assert summary.pages == 7


def test_pdf_pages_keep_numbers_and_read_columns_in_order(make_ws, quickstart_dir):
    ws = make_ws()
    ingest_paths(ws, [quickstart_dir / "annual_report_2025.pdf"])
    pages = _pages(ws)["annual_report_2025.pdf"]
    assert [p.page for p in pages] == [1, 2, 3]
    assert "成立于1987年3月12日" in pages[0].text
    two = pages[1].text
    # left column (净水生产) entirely before the right one (水质管理), then the full-width section
    assert (
        two.index("二、净水生产")
        < two.index("较2024年下降2")
        < two.index("三、水质管理")
        < two.index("传一次")
        < two.index("四、管网运维")
    )
    assert pages[1].metadata["columns"] == 2
    assert "每立方米2.85元" in pages[2].text


def test_docx_table_rows_and_no_running_heads_in_body(make_ws, quickstart_dir):
    ws = make_ws()
    ingest_paths(ws, [quickstart_dir / "service_rules.docx"])
    doc = next(ws.store.iter_documents())
    text = next(ws.store.iter_pages()).text
    assert "第一阶梯 | 0—180 | 2.85" in text
    assert "第三阶梯 | 260以上 | 5.10" in text
    assert "供水服务规则（2025年修订）" not in text and "客户服务热线：966123" not in text
    assert doc.metadata["headers"] == ["青溪市自来水公司 供水服务规则（2025年修订）"]
    assert text.index("第五条") < text.index("第一阶梯") < text.index("第六条")


def test_html_keeps_the_article_and_drops_boilerplate(make_ws, quickstart_dir):
    ws = make_ws()
    ingest_paths(ws, [quickstart_dir / "news_east_lake.html"])
    text = next(ws.store.iter_pages()).text
    assert "由25万立方米提高到33万立方米" in text and "总投资4.6亿元" in text
    for boilerplate in ("东湖居民老张", "网友评论", "版权所有", "隐私政策", "联系我们", "相关新闻"):
        assert boilerplate not in text


def test_gbk_text_and_markdown(make_ws, quickstart_dir):
    ws = make_ws()
    ingest_paths(ws, [quickstart_dir / "customer_service_gbk.txt", quickstart_dir / "water_quality_faq.md"])
    docs = {d.source: d for d in ws.store.iter_documents()}
    assert docs["customer_service_gbk.txt"].metadata["encoding"] == "gb18030"
    assert docs["water_quality_faq.md"].title == "Qingxi City Water Utility: Water Quality FAQ"
    text = {p.source: p.text for p in ws.store.iter_pages()}
    assert "投诉应在3个工作日内答复" in text["customer_service_gbk.txt"]
    assert "99.96%" in text["water_quality_faq.md"]


def test_tags_by_path_glob_reach_documents_and_pages(make_ws, quickstart_dir):
    ws = make_ws(
        tags={
            "*.pdf": {"source_type": "report"},
            "*.docx": {"source_type": "rules", "authority": "high"},
            "*_faq.md": {"topic": "water quality"},
        }
    )
    ingest_paths(ws, [quickstart_dir])
    docs = {d.source: d for d in ws.store.iter_documents()}
    assert docs["annual_report_2025.pdf"].tags == {"source_type": "report"}
    assert docs["service_rules.docx"].tags == {"source_type": "rules", "authority": "high"}
    assert docs["water_quality_faq.md"].tags == {"topic": "water quality"}
    assert docs["news_east_lake.html"].tags == {}
    assert all(
        p.metadata["tags"] == {"source_type": "report"}
        for p in ws.store.iter_pages(docs["annual_report_2025.pdf"].doc_id)
    )


def test_cli_init_ingest_status_dump(tmp_path, quickstart_dir, monkeypatch):
    from corpusforge.cli.app import app

    runner = CliRunner()
    ws_dir = tmp_path / "ws"
    assert runner.invoke(app, ["init", str(ws_dir)]).exit_code == 0
    monkeypatch.chdir(ws_dir)
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    res = runner.invoke(app, ["ingest", "--no-ocr", str(quickstart_dir), str(bad)])
    assert res.exit_code == 0, res.output
    assert "files_seen" in res.output and "zero-byte file" in res.output
    st = json.loads(runner.invoke(app, ["status", "--json"]).stdout)
    assert st["counts"]["documents"] == 5 and st["counts"]["pages"] == 7
    assert st["failed"] == [{"path": str(bad), "error": "empty: zero-byte file"}]
    res = runner.invoke(app, ["dump", "pages", "--out", str(tmp_path / "pages.jsonl")])
    lines = [json.loads(x) for x in (tmp_path / "pages.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 7 and {"source", "page", "text"} <= lines[0].keys()
    again = runner.invoke(app, ["ingest", "--no-ocr", str(quickstart_dir)])
    assert "unchanged" in again.output
    assert json.loads(runner.invoke(app, ["status", "--json"]).stdout)["counts"]["documents"] == 5


def test_tags_and_passwords_from_corpusforge_yaml(tmp_path, quickstart_dir):
    import pytest

    from corpusforge.config import ConfigError
    from corpusforge.workspace import init_workspace

    yaml_text = """
ingest:
  ocr: false
  pdf_passwords: ["qingxi"]
  tags:
    "*.pdf": {source_type: report, authority: official}
    "*.md": {source_type: faq, topic: water quality}
"""
    ws = init_workspace(tmp_path / "ws", config_text=yaml_text)
    try:
        ingest_paths(ws, [quickstart_dir / "annual_report_2025.pdf", quickstart_dir / "water_quality_faq.md"])
        tags = {d.source: d.tags for d in ws.store.iter_documents()}
        assert tags == {
            "annual_report_2025.pdf": {"source_type": "report", "authority": "official"},
            "water_quality_faq.md": {"source_type": "faq", "topic": "water quality"},
        }
    finally:
        ws.close()
    with pytest.raises(ConfigError, match=r"ingest\.ocr_langs: unknown key"):
        init_workspace(tmp_path / "bad", config_text="ingest:\n  ocr_langs: eng\n")
