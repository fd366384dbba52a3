"""What each check of the quality gate costs per sample (CPU ms, ``time.process_time``), in one real pass.

Each check the gate calls (every filter, the question checks, the lexical score, the number and name
checks, relevance) is wrapped with a timer while ``QualityGate.score`` runs over the cases once, text
caches cleared first (a new run's cost: each context's units are computed once, by whichever check
needs them first). A check's row holds its own time, not that of timed checks it calls (the question
checks call the lexical score). ``rest`` is what the gate itself spends around the checks.

Used by ``bench/grounding.py`` (CMRC cases). As a script it times the samples of a workspace against
their chunks (real replies): ``python bench/gate_costs.py --workspace PATH [--limit 5000]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from corpusforge.generate.tasks import TASKS
from corpusforge.quality import entities, filters, gate, grounding, numbers, patterns, qtypes, text
from corpusforge.quality.config import QualityConfig
from corpusforge.quality.gate import QualityGate

CACHED = (
    text.normalize,
    text.unit_tuple,
    text.ngram_set,
    text.squashed,
    text.detect_lang,
    numbers.source_numbers,
    patterns.strip_lead_in,
    entities._clause_names,
    qtypes.question_type,
)
# (module, attribute, row of the table): the checks as the gate's modules call them
TIMED = [
    *((filters.FILTERS, name, f"filter {name}") for name in filters.FILTERS),
    (gate, "question_reasons", "question checks"),
    (grounding, "lexical_support", "lexical support"),
    (grounding, "invented_numbers", "numbers: invented"),
    (grounding, "misplaced_numbers", "numbers: misplaced"),
    (grounding, "invented_entities", "names (entities)"),
    (gate, "relevance", "relevance"),
]


def clear_caches() -> None:
    """Empty the per-text caches of the gate (units, n-gram sets, numbers, languages)."""
    for f in CACHED:
        f.cache_clear()  # type: ignore[attr-defined]


@contextmanager
def timers() -> Iterator[dict[str, float]]:
    """Wrap every check of :data:`TIMED` with a CPU timer; yields {row: seconds}."""
    spent: dict[str, float] = {}
    saved: list[tuple[Any, str, Any]] = []
    inner: list[float] = []  # time spent in timed checks called by the running one (counted there)

    def wrap(f: Callable[..., Any], row: str) -> Callable[..., Any]:
        def timed(*a: Any, **k: Any) -> Any:
            inner.append(0.0)
            t = time.process_time()
            try:
                return f(*a, **k)
            finally:
                took = time.process_time() - t
                spent[row] = spent.get(row, 0.0) + took - inner.pop()
                if inner:
                    inner[-1] += took

        return timed

    for owner, name, row in TIMED:
        get = owner.__getitem__ if isinstance(owner, dict) else lambda n, o=owner: getattr(o, n)
        f = get(name)
        saved.append((owner, name, f))
        if isinstance(owner, dict):
            owner[name] = wrap(f, row)
        else:
            setattr(owner, name, wrap(f, row))
    try:
        yield spent
    finally:
        for owner, name, f in saved:
            if isinstance(owner, dict):
                owner[name] = f
            else:
                setattr(owner, name, f)


def check_costs(cases: list[dict], cfg: QualityConfig | None = None) -> tuple[float, dict[str, float]]:
    """CPU ms per case of the whole ``score`` and of each check, over ``cases`` (question, answer, context)."""
    g = QualityGate(cfg or QualityConfig(), tasks=TASKS)
    g.score("谁在上海？", "李四在上海。", "张三在北京工作。")  # loads jieba outside the measurement
    clear_caches()
    with timers() as spent:
        t = time.process_time()
        for c in cases:
            g.score(c["question"], c["answer"], c["context"])
        total = time.process_time() - t
    n = max(1, len(cases))
    rows = {row: s * 1000 / n for row, s in sorted(spent.items(), key=lambda kv: -kv[1])}
    rows["rest"] = max(0.0, total * 1000 / n - sum(rows.values()))
    return total * 1000 / n, rows


def print_costs(title: str, cases: list[dict], cfg: QualityConfig | None = None) -> float:
    """Print the per-check cost table; returns the total ms per case."""
    total, rows = check_costs(cases, cfg)
    print(f"\n== gate cost per check, {title}: {len(cases)} samples, {total:.3f} CPU ms per sample")
    print(f"{'check':24s}{'ms/sample':>12s}{'share':>8s}")
    for row, ms in rows.items():
        print(f"{row:24s}{ms:12.4f}{ms / total if total else 0:8.1%}")
    return total


def workspace_cases(root: str, limit: int) -> list[dict]:
    """(question, answer, context) of a workspace's first ``limit`` samples, their chunks as context."""
    from corpusforge.workspace import open_workspace

    ws = open_workspace(root)
    chunks: dict[str, str] = {}
    out = []
    for s in ws.store.iter_samples():
        if len(out) >= limit:
            break
        texts = []
        for cid in s.chunk_ids:
            if cid not in chunks:
                c = ws.store.get_chunk(cid)
                chunks[cid] = c.text if c else ""
            texts.append(chunks[cid])
        out.append({"question": s.instruction, "answer": s.output, "context": "\n".join(texts)})
    ws.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workspace", required=True, help="a workspace with generated samples")
    ap.add_argument("--limit", type=int, default=5000)
    args = ap.parse_args()
    print_costs(f"workspace {args.workspace}", workspace_cases(args.workspace, args.limit))


if __name__ == "__main__":
    main()
