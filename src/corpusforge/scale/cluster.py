"""Joining a Ray cluster and keeping a bounded window of tasks in flight, consumed in submission order."""

from __future__ import annotations

import importlib.util
import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from corpusforge.scale.config import RayConfig

log = logging.getLogger(__name__)

T = TypeVar("T")


class EngineError(RuntimeError):
    """The ``ray`` engine cannot run (Ray missing, no cluster); ``str(err)`` is one line for the user."""


def ray_module() -> Any:
    """The ``ray`` module, or :class:`EngineError` saying how to install it."""
    if importlib.util.find_spec("ray") is None:
        raise EngineError("--engine ray needs Ray: pip install 'corpusforge[ray]'")
    import ray

    return ray


def connect(cfg: RayConfig) -> Any:
    """Join (or, with ``address: local``, start) the cluster once per process; returns the ``ray`` module.

    Raises:
        EngineError: Ray is not installed or the cluster cannot be reached.
    """
    ray = ray_module()
    if ray.is_initialized():
        return ray
    env: dict[str, Any] = {}
    if cfg.ship_code:
        import corpusforge

        env["py_modules"] = [str(Path(corpusforge.__file__).parent)]
    address = None if cfg.address == "local" else cfg.address
    try:
        ray.init(address=address, runtime_env=env or None, log_to_driver=False, configure_logging=False)
    except (ConnectionError, RuntimeError, ValueError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise EngineError(f"cannot join the Ray cluster at ray.address={cfg.address!r}: {first}") from None
    log.info("ray: joined %s (%s CPUs)", cfg.address, ray.cluster_resources().get("CPU", 0))
    return ray


def window(cfg: RayConfig) -> int:
    """How many tasks to keep in flight (``ray.in_flight``, or twice the cluster's CPUs)."""
    if cfg.in_flight:
        return cfg.in_flight
    ray = ray_module()
    return max(2, int(2 * ray.cluster_resources().get("CPU", 1) / cfg.num_cpus))


def in_order(items: Iterable[T], submit: Callable[[T], Any], size: int) -> Iterator[tuple[T, Any]]:
    """``(item, handle)`` in the order of ``items``, with up to ``size`` submitted ahead of the one yielded.

    ``submit(item)`` starts the work (returns an ObjectRef, or anything the consumer understands); the
    consumer waits on each handle in turn, so results are recorded in input order whatever finishes first.
    """
    ahead: deque[tuple[T, Any]] = deque()
    it = iter(items)
    for item in it:
        ahead.append((item, submit(item)))
        if len(ahead) >= size:
            break
    while ahead:
        yield ahead.popleft()
        for item in it:
            ahead.append((item, submit(item)))
            break
