"""A workspace with documents, chunks, samples (every status) and rated candidates, made through the store."""

from __future__ import annotations

import pytest

from corpusforge.records import Candidate, Chunk, Document, Page, Sample, content_hash

# A fictional city water utility: 8 documents, two of them in Chinese.
DOCS = {
    "annual_report_2025.pdf": (
        "en",
        [
            "Qingxi City Water Utility treated 182 million cubic metres of water in 2025.",
            "The utility replaced 46 kilometres of old cast-iron mains during the year.",
        ],
    ),
    "service_rules.docx": (
        "en",
        [
            "Customers must report a leak on their side of the meter within 48 hours.",
            "A new connection costs 1,200 yuan and takes ten working days.",
        ],
    ),
    "water_quality_faq.md": (
        "en",
        [
            "Tap water is tested daily for chlorine, turbidity and coliform bacteria.",
            "Hard water leaves white scale in kettles; it is safe to drink.",
        ],
    ),
    "news_east_lake.html": (
        "en",
        ["The East Lake pumping station reopened in March after a six-month upgrade."],
    ),
    "billing_guide.txt": (
        "en",
        ["Bills are issued every two months and can be paid online or at the counter."],
    ),
    "outage_notice.txt": (
        "en",
        ["Planned outages are announced at least 72 hours in advance by text message."],
    ),
    "customer_service_gbk.txt": (
        "zh",
        [
            "客户服务热线每天早上八点至晚上八点开放，号码为 12345。",
            "停水超过二十四小时，用户可申请减免当月水费。",
        ],
    ),
    "水质公告.txt": ("zh", ["清溪市自来水公司每月公布一次出厂水水质检测结果。"]),
}
# ingest tags by file type (as ingest.tags would assign them); the other documents have none
TAGS = {
    ".pdf": {"source_type": "report", "authority": "official"},
    ".md": {"source_type": "faq", "topic": "water quality"},
    "_gbk.txt": {"source_type": "规章", "authority": "官方"},
}
TASKS = ("qa", "summary", "claim")
STATUSES = ("flagged", "dropped", "rejected", "generated")


def doc_tags(source: str) -> dict[str, str]:
    """The tags of a document (``{}`` for most)."""
    return next((dict(t) for end, t in TAGS.items() if source.endswith(end)), {})


@pytest.fixture
def tags_of():
    """:func:`doc_tags` for tests (a test module cannot import this conftest when run with other folders)."""
    return doc_tags


@pytest.fixture
def doc_sources() -> list[str]:
    """The sources of the workspace's documents."""
    return list(DOCS)


def evidence(c: Chunk) -> list[dict]:
    """One verified quote: the chunk's first sentence-ish 30 characters."""
    return [
        {
            "quote": c.text[:30],
            "chunk_id": c.chunk_id,
            "start": 0,
            "end": 30,
            "page": c.pages[0],
            "score": 1.0,
        }
    ]


def fill_workspace(ws) -> dict[str, int]:
    """Write the documents, pages, chunks, samples and candidates; return counts by status."""
    counts: dict[str, int] = {}
    n = 0
    for source, (lang, texts) in DOCS.items():
        doc_id = content_hash(source)
        tags = doc_tags(source)
        ws.store.put_document(
            Document(
                doc_id=doc_id,
                source=source,
                path=f"docs/{source}",
                kind="text",
                lang=lang,
                n_pages=len(texts),
                tags=tags,
            ),
            [Page(doc_id=doc_id, source=source, page=i + 1, text=t) for i, t in enumerate(texts)],
        )
        chunks = [
            Chunk(
                chunk_id=f"{doc_id}-{i:05d}",
                doc_id=doc_id,
                source=source,
                pages=[i + 1],
                text=t,
                index=i,
                lang=lang,
                tokens=len(t) // 4,
                tags=tags,
            )
            for i, t in enumerate(texts)
        ]
        ws.store.put_chunks(doc_id, chunks)
        samples = []
        for c in chunks:
            for task in TASKS:
                # first chunk of each document: exported; second: every other status once in a while
                status = (
                    ("accepted" if task == "claim" else "passed")
                    if c.index == 0
                    else STATUSES[n % len(STATUSES)]
                )
                n += 1
                q = (
                    f"[{task}] What does {source} say (part {c.index + 1})?"
                    if lang == "en"
                    else f"[{task}] {source} 第{c.index + 1}部分说了什么？"
                )
                samples.append(
                    Sample(
                        sample_id=content_hash(f"{c.chunk_id}:{task}"),
                        task=task,
                        instruction=q,
                        input="",
                        output=c.text,
                        source=source,
                        doc_id=doc_id,
                        pages=c.pages,
                        chunk_ids=[c.chunk_id],
                        backend="llamacpp",
                        model="SmolLM2-135M-Instruct",
                        status=status,
                        grounding=round(0.3 + 0.1 * (n % 7), 2),
                        tags=tags,
                        evidence=evidence(c) if task == "qa" else [],
                    )
                )
                counts[status] = counts.get(status, 0) + 1
        ws.store.add_samples(samples)
        # three rated candidates on each passed/accepted qa sample -> preference pairs
        for s in samples:
            if s.task == "qa" and s.status in ("passed", "accepted"):
                ws.store.add_candidates(
                    [
                        Candidate(s.sample_id, i, out, model="SmolLM2-135M-Instruct")
                        for i, out in enumerate([s.output, "I am not sure.", "No idea at all."])
                    ]
                )
                for i, rating in enumerate(("good", "fair", "poor")):
                    ws.store.rate_candidate(s.sample_id, i, rating)
    return counts


@pytest.fixture
def export_ws(workspace):
    """The shared ``workspace`` fixture filled with documents, chunks, samples and rated candidates."""
    fill_workspace(workspace)
    return workspace
