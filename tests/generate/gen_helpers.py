"""Small workspaces with chunks for the generate tests (documents written straight into the store)."""

from __future__ import annotations

from pathlib import Path

from corpusforge.records import Chunk, Document, Page, content_hash

DOCS = {
    "mains_2023.txt": [
        "In 2023 the Qingxi City Water Utility replaced 12 km of cast-iron mains in the East Lake "
        "district. The work took seven months and cost 4.2 million yuan.",
        "Customers report leaks by calling the service line at 555-0100, which is open 24 hours "
        "a day. A crew is sent within two hours of a call.",
    ],
    "plant.txt": [
        "The Elm Street treatment plant of the Qingxi City Water Utility treats 40,000 cubic metres of "
        "water per day. It opened in 1998 and added ultraviolet disinfection in 2021."
    ],
    "billing.txt": [
        "Water bills of the Qingxi City Water Utility are sent every two months. A bill that is not "
        "paid within 30 days is charged a late fee of 0.05 percent per day."
    ],
}

CONFIG = """\
llm:
  max_tokens: {max_tokens}
  temperature: 0.0
  seed: 0
  concurrency: {concurrency}
generate:
  qa_min: 1
  qa_max: 2
  qa_rounds: 2
  max_field_chars: 100
"""


def make_workspace(
    root: Path,
    docs: dict[str, list[str]] | None = None,
    *,
    max_tokens: int = 96,
    concurrency: int = 2,
    extra: str = "",
    config: str | None = None,
):
    """A workspace whose documents have one chunk per page (language en); ``config`` replaces CONFIG."""
    from corpusforge.workspace import init_workspace

    root.mkdir(parents=True, exist_ok=True)
    text = (
        config
        if config is not None
        else CONFIG.format(max_tokens=max_tokens, concurrency=concurrency) + extra
    )
    (root / "corpusforge.yaml").write_text(text, encoding="utf-8")
    ws = init_workspace(root)
    for name, parts in (docs or DOCS).items():
        did = content_hash(name)
        doc = Document(
            doc_id=did,
            source=name,
            path=name,
            kind="text",
            title=Path(name).stem,
            lang="en",
            n_pages=len(parts),
        )
        ws.store.put_document(doc, [Page(did, name, i + 1, t) for i, t in enumerate(parts)])
        ws.store.put_chunks(
            did,
            [
                Chunk(
                    chunk_id=f"{did}-{i:05d}",
                    doc_id=did,
                    source=name,
                    pages=[i + 1],
                    text=t,
                    index=i,
                    lang="en",
                )
                for i, t in enumerate(parts)
            ],
        )
    return ws
