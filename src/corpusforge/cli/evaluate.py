"""CLI command of the evaluate stage: ``corpusforge eval``."""

from __future__ import annotations

from pathlib import Path

import typer

from corpusforge.cli.common import console, fail, summary_table, workspace_dir


def eval_cmd(
    data: Path = typer.Option(
        None,
        "--data",
        help="Test split: an export folder or messages/test.jsonl "
        "(default: <workspace>/out/export/messages/test.jsonl).",
    ),
    out: Path = typer.Option(None, "--out", help="Report folder (default: <workspace>/out/eval)."),
    base: str = typer.Option(
        "",
        "--base",
        help="Base model: HF id, folder or GGUF (empty = train.base_model or the embedded SmolLM2).",
    ),
    adapter: list[Path] | None = typer.Option(None, "--adapter", help="PEFT adapter folder (repeatable)."),  # noqa: UP007
    backend: bool = typer.Option(False, "--backend", help="Also evaluate the configured LLM backend."),
    domain: Path = typer.Option(
        None,
        "--domain-texts",
        help="Held-out corpus JSONL for domain perplexity "
        "(default: the export's pretrain/test.jsonl or corpus.jsonl when present).",
    ),
    general: Path = typer.Option(
        None, "--general-texts", help="General text for forgetting (default: shipped)."
    ),
    judge: bool = typer.Option(False, "--judge", help="Ask the configured backend to judge base vs tuned."),
    limit: int = typer.Option(0, "--limit", help="At most this many questions (0 = config eval.limit)."),
) -> None:
    """Compare the base model with tuned adapters on held-out questions; write report.html and report.json."""
    from corpusforge.config import ConfigError
    from corpusforge.evaluate.run import evaluate
    from corpusforge.store import StoreError
    from corpusforge.workspace import WorkspaceError, open_workspace

    ws = None
    try:
        ws = open_workspace(workspace_dir())
    except WorkspaceError:
        ws = None
    except (ConfigError, StoreError) as e:
        fail(str(e))
    cfg = ws.config.eval.model_copy() if ws else None
    if cfg is not None and limit:
        cfg.limit = limit
    root = ws.out_dir if ws else Path(".")
    data = data or root / "export"
    if not data.exists():
        fail(f"{data}: no test split found; run `corpusforge export` or pass --data")
    test_file = data / "messages" / "test.jsonl"
    if (data / "messages").is_dir() and not (
        test_file.exists() and test_file.read_text(encoding="utf-8").strip()
    ):
        for split in ("validation", "train"):
            alt = data / "messages" / f"{split}.jsonl"
            if alt.exists() and alt.read_text(encoding="utf-8").strip():
                console.print(
                    f"[yellow]warning:[/] {test_file} is missing or empty (too few documents kept samples); "
                    f"evaluating on {alt} instead: these scores are not held out",
                    highlight=False,
                )
                data = alt
                break
    if domain is None:
        for cand in (
            data / "pretrain" / "test.jsonl",
            data.parent / "pretrain" / "test.jsonl",
            data.parent.parent / "pretrain" / "test.jsonl",
        ):
            if cand.exists() and cand.read_text(encoding="utf-8").strip():
                domain = cand
                break
        else:
            console.print(
                "[yellow]warning:[/] no held-out corpus chunks (pretrain/test.jsonl) found: "
                "no domain perplexity; pass --domain-texts",
                highlight=False,
            )
    models, judge_client = [], None
    if (backend or judge) and ws is None:
        fail("--backend and --judge need a workspace (for the llm section of corpusforge.yaml)")
    if ws is not None and (backend or judge):
        from corpusforge.evaluate.answerers import BackendModel

        bm = BackendModel(ws.config.llm, ws.store)
        if backend:
            models.append(bm)
        if judge:
            judge_client = bm.client
    base_model = base or (ws.config.train.base_model if ws else "") or None
    try:
        res = evaluate(
            data,
            out or root / "eval",
            base=base_model,
            adapters=list(adapter or []),
            models=models,
            domain_texts=domain,
            general_texts=general,
            cfg=cfg,
            store=ws.store if ws else None,
            judge_client=judge_client,
        )
    except (ValueError, OSError) as e:
        fail(str(e))
    rep = res.report

    def fmt(x: object) -> str:
        return f"{x:.3f}" if isinstance(x, float) else ("n/a" if x is None else str(x))

    rows = [
        (
            m["name"],
            *[fmt(rep["metrics"][m["name"]]["overall"].get(k)) for k in ("rouge_l", "char_f1")],
            fmt(rep["perplexity"][m["name"]].get("domain")),
            fmt(rep["perplexity"][m["name"]].get("general")),
        )
        for m in rep["models"]
    ]
    summary_table(
        f"evaluation on {rep['n_items']} questions",
        rows,
        ("model", "rouge_l", "char_f1", "ppl domain", "ppl general"),
    )
    console.print(f"report: {res.report_html}")


def register(app: typer.Typer) -> None:
    """Add ``corpusforge eval``."""
    app.command("eval")(eval_cmd)
