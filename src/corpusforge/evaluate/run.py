"""``corpusforge eval``: answer the held-out questions with each model, score, and write the report."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpusforge.evaluate.config import EvalConfig
from corpusforge.evaluate.data import EvalItem, general_text_path, load_items, load_texts
from corpusforge.evaluate.scoring import aggregate, score_item

log = logging.getLogger(__name__)


@dataclass
class EvalResult:
    """What ``evaluate`` wrote: the report paths and the report itself."""

    report_json: Path
    report_html: Path
    report: dict[str, Any] = field(repr=False)


def _fill_context(items: list[EvalItem], store: Any) -> None:
    if store is None:
        return
    for it in items:
        if not it.context and it.chunk_ids:
            chunks = [store.get_chunk(c) for c in it.chunk_ids]
            it.context = "\n".join(c.text for c in chunks if c is not None)


def evaluate(
    data: str | Path,
    out_dir: str | Path,
    *,
    base: str | None = None,
    adapters: list[str | Path] | None = None,
    models: list[Any] | None = None,
    domain_texts: str | Path | None = None,
    general_texts: str | Path | None = None,
    cfg: EvalConfig | None = None,
    store: Any = None,
    judge_client: Any = None,
    labels: list[str] | None = None,
    progress: bool = False,
) -> EvalResult:
    """Compare a base model and its adapters (or any given models) on the test split.

    Args:
        data: test split (``messages/test.jsonl`` of an export, or its folder).
        out_dir: where report.html, report.json and the plots go.
        base: base model for Transformers (HF id, folder, GGUF; empty = embedded SmolLM2).
        adapters: PEFT adapter folders, each evaluated on top of ``base``.
        models: already-built models (objects with ``name``, ``answer`` and ``perplexity``), added after those.
        domain_texts: held-out corpus chunks (JSONL with ``text``) for domain perplexity.
        general_texts: general text for forgetting (default: the small text shipped with corpusforge).
        store: workspace store, used to fetch source chunks for the grounding score.
        judge_client: an LLMClient; when given, the judge compares the base with each other model.
    """
    from corpusforge.evaluate.answerers import TransformersModel, training_loss
    from corpusforge.evaluate.report import write_report

    cfg = cfg or EvalConfig()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    items = load_items(data, cfg.limit)
    if not items:
        raise ValueError(f"{data}: no test questions to evaluate")
    _fill_context(items, store)
    domain = load_texts(domain_texts, cfg.perplexity_texts) if domain_texts else []
    general = load_texts(general_texts or general_text_path())
    built = [TransformersModel(base, None, "base")] if (base is not None or adapters) else []
    for i, a in enumerate(adapters or []):
        label = Path(a).parent.name if Path(a).name == "adapter" else Path(a).name
        name = label if label not in {m.name for m in built} else f"{label}-{i}"
        built.append(TransformersModel(base, a, name))
    built += list(models or [])
    t0 = time.time()
    report: dict[str, Any] = {
        "created_at": time.strftime("%Y-%m-%d %H:%M:%S"),
        "data": str(data),
        "n_items": len(items),
        "models": [],
        "metrics": {},
        "perplexity": {},
        "training_loss": {},
        "items": [],
    }
    answers: dict[str, list[str]] = {}
    scores: dict[str, list[dict[str, float]]] = {}
    for m in built:
        log.info("answering %d questions with %s", len(items), m.name)
        answers[m.name] = m.answer([it.prompt for it in items], cfg.max_new_tokens, cfg.batch_size)
        scores[m.name] = [
            score_item(it, a, short_chars=cfg.short_answer_chars, labels=labels)
            for it, a in zip(items, answers[m.name])
        ]
        report["models"].append({"name": m.name, "base": base or "embedded", "adapter": m.adapter})
        report["metrics"][m.name] = aggregate(list(zip(items, scores[m.name])))
        report["perplexity"][m.name] = {
            "domain": m.perplexity(domain, cfg.perplexity_max_tokens) if domain else None,
            "general": m.perplexity(general, cfg.perplexity_max_tokens),
        }
        report["training_loss"][m.name] = training_loss(m.adapter)
    for j, it in enumerate(items):
        report["items"].append(
            {
                "item_id": it.item_id,
                "task": it.task,
                "source": it.source,
                "pages": it.pages,
                "question": it.question,
                "reference": it.reference,
                "answers": {n: answers[n][j] for n in answers},
                "scores": {n: scores[n][j] for n in scores},
            }
        )
    if judge_client is not None and len(built) > 1:
        from corpusforge.evaluate.judge import judge_pair

        report["judge"] = {}
        for m in built[1:]:
            verdicts = [
                judge_pair(
                    judge_client, it.question, it.reference, answers[built[0].name][j], answers[m.name][j]
                )
                for j, it in enumerate(items)
            ]
            wins = sum(v["winner"] == "tuned" for v in verdicts)
            ties = sum(v["winner"] == "tie" for v in verdicts)
            report["judge"][m.name] = {
                "vs": built[0].name,
                "win_rate": round(wins / len(verdicts), 4),
                "tie_rate": round(ties / len(verdicts), 4),
                "verdicts": verdicts,
            }
    report["seconds"] = round(time.time() - t0, 1)
    json_path, html_path = write_report(report, out_dir, cfg.n_examples)
    return EvalResult(json_path, html_path, report)
