"""Synthetic workspaces for runs against the fixed-latency server (documents written straight into the store)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from corpusforge.records import Chunk, Document, Page, content_hash

FACTS = [
    "The {n} pumping station of the Qingxi City Water Utility lifts {k} cubic metres of water per hour.",
    "Crews inspect the {n} district mains every {k} months and replace valves older than 40 years.",
    "The {n} reservoir holds {k} thousand cubic metres and feeds the northern part of the city.",
]
NAMES = ["Elm", "Birch", "Cedar", "Maple", "Willow", "Aspen", "Linden", "Rowan", "Alder", "Hazel"]


def endpoint_config(urls: list[Any], *, concurrency: int = 4, extra: str = "") -> str:
    """A corpusforge.yaml for the openai backend over ``urls`` (qa, one round, weak answers flagged)."""
    return (
        f"llm:\n  backend: openai\n  model: fixed\n  base_url: {json.dumps(urls)}\n  max_tokens: 256\n"
        f"  concurrency: {concurrency}\n  retries: 4\n  backoff: 0.01\n  timeout: 30\n"
        "  temperature: 0.0\n  seed: 0\n" + extra + "generate:\n  qa_min: 1\n  qa_max: 2\n  qa_rounds: 1\n"
        "  max_field_chars: 200\nquality:\n  below_threshold: flag\n"
    )


def synthetic_workspace(root: Path, n_docs: int, config: str) -> Any:
    """A workspace with ``n_docs`` one-chunk English documents of distinct facts; returns it (open)."""
    from corpusforge.workspace import init_workspace

    root.mkdir(parents=True, exist_ok=True)
    (root / "corpusforge.yaml").write_text(config, encoding="utf-8")
    ws = init_workspace(root)
    for d in range(n_docs):
        name = f"station_{d:05d}.txt"
        text = " ".join(
            f.format(n=f"{NAMES[d % len(NAMES)]} {d}", k=10 + (d * 7 + i) % 90) for i, f in enumerate(FACTS)
        )
        did = content_hash(name)
        doc = Document(doc_id=did, source=name, path=name, kind="text", title=name[:-4], lang="en", n_pages=1)
        ws.store.put_document(doc, [Page(did, name, 1, text)])
        chunk = Chunk(
            chunk_id=f"{did}-00000", doc_id=did, source=name, pages=[1], text=text, index=0, lang="en"
        )
        ws.store.put_chunks(did, [chunk])
    return ws


def sample_rows(ws: Any) -> list[tuple[str, str, str, str, str]]:
    """The workspace's samples as sorted (sample_id, status, instruction, output, reasons) rows."""
    return sorted(
        (s.sample_id, s.status, s.instruction, s.output, ",".join(s.reasons)) for s in ws.store.iter_samples()
    )
