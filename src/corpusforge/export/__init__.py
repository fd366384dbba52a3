"""export stage: write the reviewed samples in the formats trainers read (see ``formats``).

``run_export`` and ``ExportSummary`` are loaded lazily: ``corpusforge.config`` imports this package's
``config`` module, and the runner imports the workspace (which imports ``corpusforge.config``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["ExportSummary", "run_export"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from corpusforge.export import run

        return getattr(run, name)
    raise AttributeError(name)
