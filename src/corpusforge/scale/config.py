"""``engine`` and ``ray`` sections of corpusforge.yaml: where ingest and the corpus build run."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from corpusforge.configbase import Section

Engine = Literal["local", "ray"]


class RayConfig(Section):
    """How the ``ray`` engine reaches its cluster and spreads the work."""

    address: str = Field(
        "auto",
        description="Ray cluster to join: auto (the one started with `ray start` on this machine, or "
        "RAY_ADDRESS), local (start one inside this process), host:port or ray://host:port.",
    )
    num_cpus: float = Field(
        1.0, gt=0, description="CPUs reserved by each task (one file, or one batch of documents)."
    )
    in_flight: int = Field(
        0,
        ge=0,
        description="Tasks submitted ahead of the one being recorded (0: twice the cluster's CPUs); "
        "bounds the driver's memory.",
    )
    batch_chars: int = Field(
        50_000,
        ge=1,
        description="corpus: consecutive documents go to one task until their pages hold this many "
        "characters (1: a task per document); fewer, larger tasks cost less to schedule.",
    )
    ship_code: bool = Field(
        False,
        description="Send this corpusforge package to the workers (runtime_env py_modules) instead of "
        "using the one installed on them.",
    )
    lsh: Literal["driver", "shuffle"] = Field(
        "driver",
        description="corpus, near de-duplication: driver (the LSH band table of every page and paragraph "
        "on the driver, documents streamed through) or shuffle (all documents cleaned first, their band "
        "keys grouped by a Ray Data shuffle into verified pairs; the driver keeps pairs and inserted refs, "
        "no band table). The kept set is the same.",
    )
    max_retries: int = Field(
        3, ge=0, description="Times a task is retried when its worker or node dies (Ray's max_retries)."
    )
