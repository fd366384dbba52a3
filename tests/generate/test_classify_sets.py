"""Named label sets of the classify task: one label per set, stored as a tag on the chunk's samples."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from canned import canned_server
from test_tags import DOCS, _workspace

from corpusforge.config import parse_config
from corpusforge.generate.config import GenerateConfig
from corpusforge.generate.runner import generate

SETS = (
    "  tasks: [classify, qa]\n"
    "  classify:\n"
    "    labels:\n"
    "      topic: [billing, treatment, 水质]\n"
    "      doc_type: {notice: An announcement., report: Figures or results.}\n"
)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with canned_server() as url:
        yield url


def test_labels_become_tags_of_the_chunk_samples_and_persist(server, tmp_path):
    ws = _workspace(tmp_path / "ws", server, SETS)
    generate(ws)
    samples = list(ws.store.iter_samples())
    chunks = {c.chunk_id: c for c in ws.store.iter_chunks()}
    ws.close()
    by = {(s.source, s.task): s for s in samples}
    plant = by[("plant.txt", "classify")]
    # the canned server picks each set's first label its passage names ("treatment"), else the first
    assert plant.tags["topic"] == "treatment" and plant.tags["doc_type"] == "notice"
    assert plant.output.startswith("Label: topic: treatment; doc_type: notice"), plant.output
    assert by[("水质公告.txt", "classify")].tags["topic"] == "水质"
    # the qa sample of the same chunk (classify is listed first) carries the labels; ingest tags stay
    qa = by[("plant.txt", "qa")]
    assert qa.tags == {
        **DOCS["plant.txt"][2],
        **DOCS["plant.txt"][3],
        "topic": "treatment",
        "doc_type": "notice",
    }
    assert chunks[plant.chunk_ids[0]].metadata["labels"] == {"topic": "treatment", "doc_type": "notice"}


def test_the_unnamed_set_keeps_working_and_both_forms_together_are_an_error():
    cfg = GenerateConfig(labels={"outage": "Interruptions."})
    assert cfg.classify.sets(cfg.labels) == {"label": {"outage": "Interruptions."}}
    with pytest.raises(ValueError, match="either generate.labels"):
        parse_config({"generate": {"labels": {"a": "b"}, "classify": {"labels": {"topic": ["x"]}}}})
    with pytest.raises(ValueError, match="labels.topic: at least one label"):
        GenerateConfig(classify={"labels": {"topic": []}})
