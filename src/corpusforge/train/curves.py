"""Loss curves: a PNG next to the run, and rows in the workspace store (tables of migration m007)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any


def save_loss_plot(losses: list[tuple[int, float]], path: Path, title: str) -> Path:
    """Plot loss against step (matplotlib, Agg backend) into ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
    ax.plot([s for s, _ in losses], [v for _, v in losses], marker="o", markersize=3)
    ax.set_xlabel("step")
    ax.set_ylabel("training loss")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def record_in_store(store: Any, result: Any) -> int:
    """Insert one ``train_runs`` row and its ``train_losses``; return the run id."""
    summary = {k: v for k, v in result.to_dict().items() if k not in ("losses", "hyperparameters")}
    with store.transaction() as c:
        cur = c.execute(
            "INSERT INTO train_runs (stage, method, base_model, data, out, steps, started_at, finished_at, summary,"
            " hyperparameters) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (result.stage, result.method, result.base_model, result.data.get("path"), result.out, result.steps,
             time.time() - result.runtime_s, time.time(), json.dumps(summary, ensure_ascii=False),
             json.dumps(result.hyperparameters, ensure_ascii=False, default=str)))
        run_id = int(cur.lastrowid or 0)
        c.executemany("INSERT OR REPLACE INTO train_losses (run_id, step, loss) VALUES (?,?,?)",
                      [(run_id, s, v) for s, v in result.losses])
    return run_id


def losses_from_store(store: Any, run_id: int) -> list[tuple[int, float]]:
    """The (step, loss) curve of one recorded run."""
    return [(int(r[0]), float(r[1])) for r in store.conn.execute(
        "SELECT step, loss FROM train_losses WHERE run_id=? ORDER BY step", (run_id,))]
