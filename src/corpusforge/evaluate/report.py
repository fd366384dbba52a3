"""The evaluation report: ``report.json`` plus a self-contained ``report.html`` with plots (PNG, inlined)."""

from __future__ import annotations

import base64
import html
import json
import math
from pathlib import Path
from typing import Any

from corpusforge.io import atomic_open

MAIN_METRICS = ["rouge_l", "char_f1", "exact_match", "grounding", "label_acc"]


def _plots(report: dict[str, Any], out_dir: Path) -> dict[str, Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [m["name"] for m in report["models"]]
    paths: dict[str, Path] = {}
    tasks = sorted({t for n in names for t in report["metrics"][n]["by_task"]})
    metrics = [k for k in MAIN_METRICS if any(k in report["metrics"][n]["overall"] for n in names)]
    fig, axes = plt.subplots(1, max(1, len(tasks)), figsize=(4.5 * max(1, len(tasks)), 3.4), squeeze=False)
    width = 0.8 / max(1, len(names))
    for ax, task in zip(axes[0], tasks):
        for i, n in enumerate(names):
            vals = [report["metrics"][n]["by_task"].get(task, {}).get(k, 0.0) for k in metrics]
            ax.bar([x + i * width for x in range(len(metrics))], vals, width, label=n)
        ax.set_xticks([x + width * (len(names) - 1) / 2 for x in range(len(metrics))], metrics, rotation=20)
        ax.set_ylim(0, 1)
        ax.set_title(f"task: {task}")
    axes[0][0].legend(fontsize=8)
    fig.tight_layout()
    paths["metrics"] = out_dir / "metrics_by_task.png"
    fig.savefig(paths["metrics"], dpi=100)
    plt.close(fig)

    ppl = report["perplexity"]
    kinds = [k for k in ("domain", "general") if any(_num(ppl[n].get(k)) for n in names)]
    if kinds:
        fig, ax = plt.subplots(figsize=(5, 3.4))
        for i, n in enumerate(names):
            ax.bar(
                [x + i * width for x in range(len(kinds))],
                [ppl[n].get(k) or 0 for k in kinds],
                width,
                label=n,
            )
        ax.set_xticks([x + width * (len(names) - 1) / 2 for x in range(len(kinds))], kinds)
        ax.set_ylabel("perplexity (lower is better)")
        ax.legend(fontsize=8)
        fig.tight_layout()
        paths["perplexity"] = out_dir / "perplexity.png"
        fig.savefig(paths["perplexity"], dpi=100)
        plt.close(fig)

    losses = {n: v for n, v in report["training_loss"].items() if v}
    if losses:
        fig, ax = plt.subplots(figsize=(5, 3.4))
        for n, hist in losses.items():
            ax.plot([h["step"] for h in hist], [h["loss"] for h in hist], marker="o", label=n)
        ax.set_xlabel("step")
        ax.set_ylabel("training loss")
        ax.legend(fontsize=8)
        fig.tight_layout()
        paths["loss"] = out_dir / "training_loss.png"
        fig.savefig(paths["loss"], dpi=100)
        plt.close(fig)
    return paths


def _num(x: Any) -> bool:
    return isinstance(x, (int, float)) and not math.isnan(x)


def pick_examples(report: dict[str, Any], n: int) -> dict[str, list[str]]:
    """Ids of the best and worst items by the last model's ROUGE-L (ties broken by id)."""
    last = report["models"][-1]["name"]
    ranked = sorted(report["items"], key=lambda it: (it["scores"][last]["rouge_l"], it["item_id"]))
    worst = [it["item_id"] for it in ranked[:n]]
    best = [it["item_id"] for it in reversed(ranked[-n:]) if it["item_id"] not in worst]
    return {"best": best, "worst": worst}


def _table(headers: list[str], rows: list[list[Any]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_fmt(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _fmt(x: Any) -> str:
    if isinstance(x, float):
        return "n/a" if math.isnan(x) else f"{x:.3f}"
    return "n/a" if x is None else str(x)


def render_html(report: dict[str, Any], images: dict[str, Path], examples: dict[str, list[str]]) -> str:
    """The self-contained HTML report (all text escaped, images inlined as base64)."""
    names = [m["name"] for m in report["models"]]
    parts = [
        f"<h1>corpusforge evaluation</h1><p>{report['n_items']} held-out questions from "
        f"<code>{html.escape(report['data'])}</code>, {html.escape(report['created_at'])}.</p>"
    ]
    metrics = [k for k in MAIN_METRICS if any(k in report["metrics"][n]["overall"] for n in names)]
    parts.append(
        "<h2>Overall</h2>"
        + _table(
            ["model", *metrics, "ppl domain", "ppl general"],
            [
                [
                    n,
                    *[report["metrics"][n]["overall"].get(k) for k in metrics],
                    report["perplexity"][n].get("domain"),
                    report["perplexity"][n].get("general"),
                ]
                for n in names
            ],
        )
    )
    rows = []
    for n in names:
        for task, vals in report["metrics"][n]["by_task"].items():
            rows.append([n, task, vals["n"], *[vals.get(k) for k in metrics]])
    parts.append("<h2>By task</h2>" + _table(["model", "task", "n", *metrics], rows))
    rows = []
    for n in names:
        for src, vals in report["metrics"][n]["by_source"].items():
            rows.append([n, src, vals["n"], vals.get("rouge_l"), vals.get("char_f1")])
    parts.append("<h2>By source document</h2>" + _table(["model", "source", "n", "rouge_l", "char_f1"], rows))
    if report.get("judge"):
        parts.append(
            "<h2>LLM judge</h2>"
            + _table(
                ["model", "vs", "win rate", "tie rate"],
                [[n, j["vs"], j["win_rate"], j["tie_rate"]] for n, j in report["judge"].items()],
            )
        )
    for key, title in (
        ("metrics", "Metrics per task"),
        ("perplexity", "Perplexity before/after"),
        ("loss", "Training loss"),
    ):
        if key in images:
            data = base64.b64encode(images[key].read_bytes()).decode()
            parts.append(f"<h2>{title}</h2><img alt='{title}' src='data:image/png;base64,{data}'>")
    by_id = {it["item_id"]: it for it in report["items"]}
    for kind in ("best", "worst"):
        rows = [
            [
                by_id[i]["source"],
                by_id[i]["question"],
                by_id[i]["reference"],
                *[by_id[i]["answers"][n] for n in names],
                by_id[i]["scores"][names[-1]]["rouge_l"],
            ]
            for i in examples[kind]
        ]
        parts.append(
            f"<h2>{kind.title()} answers (by {html.escape(names[-1])} ROUGE-L)</h2>"
            + _table(["source", "question", "reference", *names, "rouge_l"], rows)
        )
    style = (
        "body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
        "table{border-collapse:collapse;margin:1em 0;font-size:14px}td,th{border:1px solid #ccc;"
        "padding:4px 8px;vertical-align:top;text-align:left}th{background:#f3f3f3}img{max-width:100%}"
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>corpusforge evaluation</title>"
        f"<style>{style}</style></head><body>{''.join(parts)}</body></html>"
    )


def write_report(report: dict[str, Any], out_dir: Path, n_examples: int = 5) -> tuple[Path, Path]:
    """Write report.json, the plots and report.html into ``out_dir``; return both report paths."""
    images = _plots(report, out_dir)
    report["examples"] = pick_examples(report, n_examples)
    report["plots"] = {k: p.name for k, p in images.items()}
    json_path, html_path = out_dir / "report.json", out_dir / "report.html"
    with atomic_open(json_path) as f:
        json.dump(report, f, ensure_ascii=False, indent=1, default=lambda x: None)
    with atomic_open(html_path) as f:
        f.write(render_html(report, images, report["examples"]))
    return json_path, html_path
