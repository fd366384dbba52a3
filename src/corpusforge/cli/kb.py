"""Knowledge base commands: ``kb build``, ``kb search``, ``kb rag``, and the top-level ``ask``."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from corpusforge.cli.common import console, fail, get_workspace, out, summary_table

kb_app = typer.Typer(
    help="Knowledge base of the chunks: BM25 (+ dense embeddings), search, rag samples.", no_args_is_help=True
)


@kb_app.command("build")
def build(
    jsonl: list[Path] = typer.Option(
        [],
        "--jsonl",
        help="Also index the passages of this JSONL (id, text, source; optional pages). Repeatable.",
    ),
    no_chunks: bool = typer.Option(False, "--no-chunks", help="Index only the --jsonl passages."),
) -> None:
    """Index the chunks (and passage files) into kb.dir; complete pending `rag` samples."""
    from corpusforge.cli.progress import RichProgress
    from corpusforge.kb.build import build_kb, open_kb
    from corpusforge.kb.embed import EmbeddingUnavailable
    from corpusforge.kb.rag import build_rag_samples

    ws = get_workspace()
    missing = [str(p) for p in jsonl if not p.is_file()]
    if missing:
        fail(f"{missing[0]}: no such file")
    bar = RichProgress(transient=True)
    try:
        bar.start("indexing (BM25, embeddings)")
        s = build_kb(
            ws,
            jsonl=list(jsonl),
            chunks=not no_chunks,
            on_progress=lambda done, total: bar.advance(done - bar.completed, total=total),
        )
        bar.start("completing rag samples")
        rag = build_rag_samples(ws, open_kb(ws), tasks=["rag"]) if s.passages else None
    except EmbeddingUnavailable as e:
        bar.stop()  # the error line goes below the removed bar
        fail(str(e))
    finally:
        bar.stop()
        ws.close()
    for line in s.errors[:20]:
        console.print(f"[yellow]skipped[/] {line}", highlight=False, soft_wrap=True)
    rows = {
        "passages": s.passages,
        "from chunks": s.from_chunks,
        "from jsonl": s.from_jsonl,
        "skipped lines": len(s.errors),
        "duplicate ids": s.duplicates,
        "embedding model": s.model or "none (BM25 only)",
        "embedded": s.embedded,
        "embeddings reused": s.reused,
        "seconds": s.seconds,
    }
    if rag is not None:
        rows["rag samples completed"] = rag.completed
    summary_table(f"knowledge base -> {s.dir}", rows)


@kb_app.command("search")
def search(
    question: str = typer.Argument(..., help="What to look for."),
    k: int = typer.Option(0, "--k", "-k", help="Passages to return (default kb.k)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON: rank, id, file, pages, score, text."),
) -> None:
    """Retrieve the passages that best match a question."""
    from corpusforge.kb.build import open_kb
    from corpusforge.kb.index import KBMissing

    ws = get_workspace()
    try:
        hits = open_kb(ws).search(question, k or ws.config.kb.k)
    except KBMissing as e:
        fail(str(e))
    finally:
        ws.close()
    if as_json:
        out.print_json(json.dumps([h.to_dict() for h in hits], ensure_ascii=False))
        return
    summary_table(
        f"top {len(hits)} for: {question}",
        [
            (
                h.rank,
                h.passage.source,
                ",".join(map(str, h.passage.pages)),
                f"{h.score:.4f}",
                h.passage.text[:80].replace("\n", " "),
            )
            for h in hits
        ],
        ("rank", "file", "pages", "score", "text"),
    )


@kb_app.command("rag")
def rag(
    task: list[str] = typer.Option([], "--task", help="Seed task (repeatable; default kb.rag_source_tasks)."),
) -> None:
    """Make `rag` training samples: each seed question with its source passage among retrieved distractors."""
    from corpusforge.kb.build import open_kb
    from corpusforge.kb.index import KBMissing
    from corpusforge.kb.rag import build_rag_samples

    ws = get_workspace()
    try:
        s = build_rag_samples(ws, open_kb(ws), tasks=task or None)
    except KBMissing as e:
        fail(str(e))
    finally:
        ws.close()
    summary_table(
        "rag samples",
        {
            "completed in place": s.completed,
            "added": s.added,
            "of which 'passages do not say'": s.negatives,
            **{f"skipped: {k}": v for k, v in sorted(s.skipped.items())},
        },
    )


def ask(
    question: str = typer.Argument(..., help="Your question."),
    k: int = typer.Option(0, "--k", "-k", help="Passages given to the model (default kb.k)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON: answer, sources, cited."),
) -> None:
    """Answer a question from the knowledge base through the configured LLM, citing files and pages."""
    from corpusforge.kb.ask import ask as ask_fn
    from corpusforge.kb.index import KBMissing
    from corpusforge.llm import LLMError

    ws = get_workspace()
    try:
        with console.status("retrieving and answering ..."):
            a = ask_fn(ws, question, k or None)
    except (KBMissing, LLMError) as e:
        fail(str(e).splitlines()[0])
    finally:
        ws.close()
    if as_json:
        out.print_json(json.dumps(a.to_dict(), ensure_ascii=False))
    else:
        out.print(a.render(), highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``kb`` (build, search, rag) and ``ask``."""
    app.add_typer(kb_app, name="kb")
    app.command()(ask)
