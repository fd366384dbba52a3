"""Ingest tags reach every sample (``Sample.tags``) and, with ``generate.tags_in_instruction``, its instruction."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from canned import canned_config, canned_server

from corpusforge.generate.labels import tag_prefix
from corpusforge.generate.runner import generate
from corpusforge.records import Chunk, Document, Page, content_hash

DOCS = {  # source -> (lang, text, document tags, chunk tags)
    "plant.txt": (
        "en",
        "The Elm Street treatment plant of the Qingxi City Water Utility treats 40,000 cubic metres of "
        "water per day. It opened in 1998.",
        {"source_type": "report", "authority": "official"},
        {"topic": "treatment"},
    ),
    "水质公告.txt": (
        "zh",
        "清溪市自来水公司每月公布一次出厂水水质检测结果。检测项目包括浊度、余氯、菌落总数和总大肠菌群，"
        "结果在公司网站和营业厅公示。",
        {"source_type": "公告", "authority": "官方"},
        {},
    ),
}


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with canned_server() as url:
        yield url


def _workspace(root: Path, url: str, extra: str = ""):
    from corpusforge.workspace import init_workspace

    root.mkdir(parents=True)
    config = "project:\n  languages: [zh, en]\n" + canned_config(url, extra)
    (root / "corpusforge.yaml").write_text(config, encoding="utf-8")
    ws = init_workspace(root)
    for name, (lang, text, tags, ctags) in DOCS.items():
        did = content_hash(name)
        doc = Document(did, name, name, "text", title=Path(name).stem, lang=lang, n_pages=1, tags=tags)
        ws.store.put_document(doc, [Page(did, name, 1, text)])
        chunk = Chunk(f"{did}-00000", did, name, [1], text, lang=lang, tags={**tags, **ctags})
        ws.store.put_chunks(did, [chunk])
    return ws


def _kept(ws) -> dict[str, object]:
    samples = [s for s in ws.store.iter_samples() if s.status != "dropped"]
    assert {s.source for s in samples} == set(DOCS), [(s.source, s.status, s.reasons) for s in samples]
    return {s.source: s for s in samples}


def test_samples_carry_document_and_chunk_tags(server, tmp_path):
    ws = _workspace(tmp_path / "ws", server)
    generate(ws)
    kept = _kept(ws)
    ws.close()
    for source, (_, _, tags, ctags) in DOCS.items():
        s = kept[source]
        assert s.tags == {**tags, **ctags}, source
        assert not s.instruction.startswith(("Source:", "来源：")), s.instruction  # off by default


def test_tags_in_instruction_names_them_in_the_prompt_language(server, tmp_path):
    ws = _workspace(tmp_path / "ws", server, "  tags_in_instruction: true\n")
    generate(ws)
    kept = _kept(ws)
    ws.close()
    en, zh = kept["plant.txt"], kept["水质公告.txt"]
    assert en.instruction.startswith(
        "Source: authority=official, source_type=report, topic=treatment. How much water"
    ), en.instruction
    assert zh.instruction.startswith("来源：authority=官方，source_type=公告。清溪市"), zh.instruction
    assert en.messages[-2]["content"].startswith("Source: ")  # the chat turns are built from it


def test_tag_prefix_table():
    assert tag_prefix({}, "zh") == ""
    assert tag_prefix({"b": 2, "a": "x"}, "en") == "Source: a=x, b=2. "
    assert tag_prefix({"a": "x"}, "fr") == "Source: a=x. "  # unknown language: English wording
