"""CLI of the quality stage: ``corpusforge check``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from corpusforge.cli.common import console, fail, get_workspace, summary_table
from corpusforge.cli.progress import RichProgress


def _show(title: str, res: dict[str, Any]) -> None:
    rows = {k: res[k] for k in ("records", "passed", "flagged", "dropped", "skipped")}
    summary_table(title, rows)
    if res["reasons"]:
        summary_table("reasons", res["reasons"], ("reason", "samples"))
    if res["errors"]:
        console.print(f"[yellow]{len(res['errors'])} record(s) skipped[/] (reasons above)", highlight=False)


def check(
    jsonl: Path | None = typer.Option(
        None,
        "--jsonl",
        help="Score this JSONL file (records with question, answer, context) instead of the workspace.",
    ),
    out: Path | None = typer.Option(None, "--out", help="Where to write the scored JSONL (with --jsonl)."),
    threshold: float | None = typer.Option(
        None,
        "--threshold",
        min=0.0,
        max=1.0,
        help="Grounding threshold (default: quality.grounding_threshold).",
    ),
    flag: bool = typer.Option(
        False, "--flag", help="Flag samples below the threshold for review instead of dropping."
    ),
    judge: bool = typer.Option(
        False,
        "--judge",
        help="Also ask the LLM backend (section llm; default: the embedded "
        "model) to score support 1-5 (quality.judge).",
    ),
) -> None:
    """Run the quality gate: grounding, filters and question de-duplication, with a reason for each verdict.

    Without --jsonl, every sample of the workspace is checked again (reviewed ones are left alone) and the
    verdicts are stored; `corpusforge status` then shows the counts per reason.
    """
    from corpusforge.generate.tasks import TASKS  # what each task declares (grounded, has a question ...)

    if jsonl is not None:
        from corpusforge.quality.check import check_jsonl

        if out is None:
            fail("--jsonl needs --out (the file to write the scored records to)")
        if not jsonl.is_file():
            fail(f"{jsonl}: no such file")
        cfg, llm = _config_or_default()
        cfg = _override(cfg, threshold, flag, judge)
        res = check_jsonl(
            jsonl,
            out,
            cfg,
            backend=llm if cfg.judge.enabled else None,
            progress=RichProgress(transient=True),
            tasks=TASKS,
        )
        _show(f"checked {jsonl} -> {out}", res)
        return
    from corpusforge.quality.check import check_workspace

    ws = get_workspace()
    ws.config.quality = _override(ws.config.quality, threshold, flag, judge)
    try:
        res = check_workspace(ws, progress=RichProgress(transient=True), tasks=TASKS)
    finally:
        ws.close()
    _show(f"checked workspace {ws.root}", res)


def _config_or_default():  # type: ignore[no-untyped-def]
    """The workspace's quality and llm sections when there is a workspace here, else the defaults."""
    from corpusforge.cli.common import workspace_dir
    from corpusforge.config import CONFIG_NAME
    from corpusforge.llm.config import LLMConfig
    from corpusforge.quality.config import QualityConfig

    if (workspace_dir() / CONFIG_NAME).exists():
        ws = get_workspace()
        ws.close()
        return ws.config.quality, ws.config.llm
    return QualityConfig(), LLMConfig()


def _override(cfg, threshold: float | None, flag: bool, judge: bool = False):  # type: ignore[no-untyped-def]
    upd: dict[str, Any] = {}
    if judge:
        upd["judge"] = cfg.judge.model_copy(update={"enabled": True})
    if threshold is not None:
        upd["grounding_threshold"] = threshold
    if flag:
        upd["below_threshold"] = "flag"
    return cfg.model_copy(update=upd) if upd else cfg


def register(app: typer.Typer) -> None:
    """Add ``check``."""
    app.command()(check)
