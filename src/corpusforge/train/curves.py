"""Loss curves: a PNG next to the run, and rows in the workspace store (tables of migration m007)."""

from __future__ import annotations

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
    finished = time.time()
    return int(
        store.add_train_run(
            stage=result.stage,
            method=result.method,
            base_model=result.base_model,
            data=result.data.get("path"),
            out=result.out,
            steps=result.steps,
            started_at=finished - result.runtime_s,
            finished_at=finished,
            summary=summary,
            hyperparameters=result.hyperparameters,
            losses=result.losses,
        )
    )


def losses_from_store(store: Any, run_id: int) -> list[tuple[int, float]]:
    """The (step, loss) curve of one recorded run."""
    return list(store.train_losses(run_id))
