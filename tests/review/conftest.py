"""Review fixtures: a workspace with documents, chunks, samples and candidates made through the store API."""

from __future__ import annotations

import re

import pytest

from corpusforge.records import Candidate, Chunk, Document, Page, Sample

PLANT = (
    "Riverside Water Treatment Plant opened in 1998. The plant treats 42,000 cubic metres of water each day "
    "and serves the northern districts of Lakeview City. Water is drawn from the Green River, filtered "
    "through sand beds and disinfected with chlorine before it enters the network."
)
TARIFF = (
    "The 2025 tariff of the Lakeview City Water Utility charges 3.20 per cubic metre for the first "
    "15 cubic metres each month and 4.80 above that. Customers over 70 receive a 20 percent discount."
)
ZH = "河滨水厂于1998年建成，每天处理四万二千立方米原水，供应湖景市北部城区。出厂水经过砂滤和氯消毒。"
HOSTILE = (
    'Service notice <script>window.__pwned = 1</script> <img src=x onerror="window.__pwned=2"> '
    'Pipes on Elm Street will be flushed on Monday. <b>bold</b> & "quotes"'
)


def _doc(doc_id: str, source: str, text: str, lang: str = "en") -> tuple[Document, list[Page], Chunk]:
    doc = Document(
        doc_id=doc_id, source=source, path=f"docs/{source}", kind="text", title=source, lang=lang, n_pages=1
    )
    page = Page(doc_id=doc_id, source=source, page=1, text=text)
    chunk = Chunk(
        chunk_id=f"{doc_id}-00000",
        doc_id=doc_id,
        source=source,
        pages=[1],
        text=text,
        end=len(text),
        lang=lang,
    )
    return doc, [page], chunk


def _sample(
    sid: str, chunk: Chunk, q: str, a: str, status: str, grounding: float, task: str = "qa"
) -> Sample:
    return Sample(
        sample_id=sid,
        task=task,
        instruction=q,
        input="",
        output=a,
        source=chunk.source,
        doc_id=chunk.doc_id,
        pages=chunk.pages,
        chunk_ids=[chunk.chunk_id],
        status=status,
        grounding=grounding,
        messages=[
            {"role": "system", "content": "You answer from the documents."},
            {"role": "user", "content": q},
            {"role": "assistant", "content": a},
        ],
    )


def populate(ws) -> None:
    """Three documents (en, zh, one full of HTML/script), seven samples, three candidates for s-plant-1."""
    st = ws.store
    chunks = {}
    for doc_id, source, text, lang in (
        ("docplant", "riverside_plant.txt", PLANT, "en"),
        ("doctariff", "tariff_2025.txt", TARIFF, "en"),
        ("doczh", "水务年报.txt", ZH, "zh"),
        ("dochtml", "notice.html", HOSTILE, "en"),
    ):
        doc, pages, chunk = _doc(doc_id, source, text, lang)
        st.put_document(doc, pages)
        st.put_chunks(doc_id, [chunk])
        chunks[doc_id] = chunk
    st.add_samples(
        [
            _sample(
                "s-plant-1",
                chunks["docplant"],
                "How much water does Riverside plant treat each day?",
                "The plant treats 42,000 cubic metres of water each day.",
                "passed",
                0.91,
            ),
            _sample(
                "s-plant-2",
                chunks["docplant"],
                "Where does the plant draw its water from?",
                "It draws water from the Green River.",
                "passed",
                0.86,
            ),
            _sample(
                "s-plant-3",
                chunks["docplant"],
                "When did the plant open?",
                "The plant opened in 1975 after a long debate.",
                "flagged",
                0.42,
            ),
            _sample(
                "s-tariff-1",
                chunks["doctariff"],
                "What does water cost above 15 cubic metres?",
                "Above 15 cubic metres a month water costs 4.80 per cubic metre.",
                "passed",
                0.88,
            ),
            _sample(
                "s-tariff-2",
                chunks["doctariff"],
                "Who gets a discount?",
                "Everyone gets a discount.",
                "passed",
                0.35,
            ),
            _sample(
                "s-zh-1",
                chunks["doczh"],
                "河滨水厂每天处理多少水？",
                "河滨水厂每天处理四万二千立方米原水。",
                "passed",
                0.93,
            ),
            _sample(
                "s-html-1",
                chunks["dochtml"],
                'What does the <script>alert("q")</script> notice say?',
                'Pipes on Elm Street <img src=x onerror="window.__pwned=3"> will be flushed on Monday.',
                "passed",
                0.7,
            ),
        ]
    )
    st.add_candidates(
        [
            Candidate("s-plant-1", 0, "About 42,000 cubic metres of water per day.", 0.7, "smollm2"),
            Candidate("s-plant-1", 1, "The plant treats water every day.", 0.9, "smollm2"),
            Candidate("s-plant-1", 2, "It treats one million litres per hour.", 1.1, "smollm2"),
        ]
    )


@pytest.fixture
def review_ws(workspace):
    """The shared empty workspace, filled by :func:`populate`."""
    populate(workspace)
    return workspace


def _csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert m, "no CSRF token on the page"
    return m.group(1)


@pytest.fixture
def csrf_of():
    """A function returning the CSRF token of the first form on a page."""
    return _csrf_of


@pytest.fixture(scope="module")
def shared_review_ws(tmp_path_factory):
    """A populated workspace for a whole module (5 samples a page), for tests that may leave any state."""
    from corpusforge.workspace import init_workspace

    ws = init_workspace(tmp_path_factory.mktemp("review") / "ws")
    ws.config.review.page_size = 5
    populate(ws)
    yield ws
    ws.close()
