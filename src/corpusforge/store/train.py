"""Training runs and their loss curves (``train_runs``, ``train_losses``; migration m007)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from corpusforge.store.base import StoreBase


class TrainMixin(StoreBase):
    """Reads and writes of training runs."""

    def add_train_run(
        self,
        *,
        stage: str,
        method: str,
        base_model: str | None,
        data: str | None,
        out: str,
        steps: int | None,
        started_at: float,
        finished_at: float,
        summary: dict[str, Any],
        hyperparameters: dict[str, Any],
        losses: Iterable[tuple[int, float]],
    ) -> int:
        """Insert one ``train_runs`` row and its ``train_losses`` in one transaction; return the run id.

        ``hyperparameters`` values that JSON cannot encode are stored as their ``str()``.
        """
        with self.transaction() as c:
            cur = c.execute(
                "INSERT INTO train_runs (stage, method, base_model, data, out, steps, started_at, finished_at,"
                " summary, hyperparameters) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    stage,
                    method,
                    base_model,
                    data,
                    out,
                    steps,
                    started_at,
                    finished_at,
                    json.dumps(summary, ensure_ascii=False),
                    json.dumps(hyperparameters, ensure_ascii=False, default=str),
                ),
            )
            run_id = int(cur.lastrowid or 0)
            c.executemany(
                "INSERT OR REPLACE INTO train_losses (run_id, step, loss) VALUES (?,?,?)",
                [(run_id, s, v) for s, v in losses],
            )
        return run_id

    def train_losses(self, run_id: int) -> list[tuple[int, float]]:
        """The (step, loss) curve of one recorded run, by step."""
        return [
            (int(r[0]), float(r[1]))
            for r in self.conn.execute(
                "SELECT step, loss FROM train_losses WHERE run_id=? ORDER BY step", (run_id,)
            )
        ]
