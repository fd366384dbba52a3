"""What ``corpusforge status`` reports, as a plain dict (also for ``--json``)."""

from __future__ import annotations

from typing import Any

from corpusforge.workspace import Workspace


def workspace_status(ws: Workspace) -> dict[str, Any]:
    """Counts, samples by status/task, quality reasons and failed files of a workspace."""
    s = ws.store
    return {
        "workspace": str(ws.root),
        "schema": s.schema_version(),
        "counts": s.counts(),
        "samples_by_status": s.count_samples("status"),
        "samples_by_task": s.count_samples("task"),
        "reasons": s.reason_counts(),
        "failed": s.failed_files(),
        "runs": s.recent_runs(),
    }
