"""Gate workers: the quality gate's scoring in processes of their own, so it does not hold up the event loop.

What a sample's verdict is before de-duplication (:meth:`QualityGate.verdict`: filters, grounding,
names, numbers, evidence, relevance) depends only on the sample, its source and the gate settings, so
it can be computed anywhere and in any order. A ``generate`` run sends each job's fresh samples to a
worker as soon as their replies are in (:meth:`GateWorkers.verdicts`) and, when it commits the job in
its fixed order, only replays de-duplication on the verdicts that came back (as for verdicts stored by
an earlier run, :mod:`corpusforge.quality.reuse`). The samples, their ids, statuses and reasons are
the same with or without workers, at any concurrency (``tests/generate/test_gate_workers.py``).

A worker is ``python -m corpusforge.quality.workers``: frames (4-byte length, pickle) on its stdin and
stdout, the first one the gate settings, answered by ``ready`` once the worker has loaded what the gate
needs. Until then, and after a worker dies, samples are gated in the run's own process: a worker only
ever saves time. It ignores Ctrl-C and ends when its stdin closes (its run ended, or was killed).
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import signal
import struct
import sys
import threading
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    from corpusforge.quality.gate import Verdict
    from corpusforge.quality.traits import Traits
    from corpusforge.records import Sample

log = logging.getLogger(__name__)

_LEN = struct.Struct("<I")
START_WAIT = 30.0  # seconds samples wait for the first worker to be ready
#: (sample, context, answer): what :meth:`QualityGate.verdict` reads
Item = tuple["Sample", str, "str | None"]
#: (verdict, evidence) of one item, or None when it failed there (it is then gated in the run's process)
Result = tuple["Verdict", list[dict[str, Any]]] | None


def _frame(obj: Any) -> bytes:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return _LEN.pack(len(data)) + data


class GateWorkers:
    """``n`` worker processes gating for one event loop.

    Args:
        settings: the ``quality`` section as ``model_dump(mode="json")``.
        n: how many worker processes.
    """

    def __init__(self, settings: dict[str, Any], n: int = 1):
        self.settings, self.n = settings, max(1, n)
        self._procs: list[asyncio.subprocess.Process] = []
        self._ready: list[asyncio.subprocess.Process] = []
        self._readers: list[asyncio.Task[None]] = []
        self._waiting: dict[int, tuple[asyncio.Future[list[Result]], int, asyncio.subprocess.Process]] = {}
        self._load: dict[int, int] = {}  # pid -> items sent, not answered
        self._queue: list[tuple[list[Item], dict[str, Traits], asyncio.Future[list[Result]]]] = []
        self._next = 0
        self._closed = False
        self._starting = 0  # workers started, not ready yet
        self._up = asyncio.Event()  # set when one is ready, or none is left starting
        self._gave_up = False
        self.items = 0  # items the workers gave a verdict (for the summary)

    @property
    def usable(self) -> bool:
        """Whether a worker is up or still starting (else :meth:`verdicts` is not worth calling)."""
        return bool(self._ready) or (self._starting > 0 and not self._gave_up)

    async def _when_up(self, items: list[Item], traits: dict[str, Traits]) -> list[Result]:
        """:meth:`verdicts` once a worker is up (None for each item if none comes up in time)."""
        try:
            await asyncio.wait_for(self._up.wait(), START_WAIT)
        except asyncio.TimeoutError:
            if not self._gave_up:
                log.warning(
                    "no gate worker started within %gs; samples are gated in this process", START_WAIT
                )
            self._gave_up = True
        return await self.verdicts(items, traits)

    async def start(self) -> None:
        """Start the workers (returns at once; samples wait for the first to be ready, a fraction of a
        second, and are gated in this process if none is within :data:`START_WAIT` seconds)."""
        for _ in range(self.n):
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "corpusforge.quality.workers",
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
            )
            assert proc.stdin is not None
            proc.stdin.write(_frame(self.settings))
            self._procs.append(proc)
            self._starting += 1
            self._load[proc.pid] = 0
            self._readers.append(asyncio.ensure_future(self._read(proc)))

    async def _read(self, proc: asyncio.subprocess.Process) -> None:
        """Take one worker's replies: ``ready``, then (batch id, results) per batch sent."""
        assert proc.stdout is not None
        try:
            while True:
                head = await proc.stdout.readexactly(_LEN.size)
                msg = pickle.loads(await proc.stdout.readexactly(_LEN.unpack(head)[0]))
                if msg == "ready":
                    self._starting -= 1
                    self._ready.append(proc)
                    self._up.set()
                    continue
                bid, results = msg
                fut, n, _ = self._waiting.pop(bid)
                self._load[proc.pid] -= n
                self.items += sum(r is not None for r in results)
                if not fut.done():
                    fut.set_result(results)
        except (asyncio.IncompleteReadError, ConnectionError, pickle.UnpicklingError, EOFError) as e:
            if not self._closed:
                log.warning("gate worker %s stopped (%s); its samples are gated in this process", proc.pid, e)
        finally:
            if proc in self._ready:
                self._ready.remove(proc)
            else:
                self._starting -= 1
            if not self._starting and not self._ready:
                self._up.set()  # none will come up: whoever waits gates in this process
            for bid, (fut, n, p) in list(self._waiting.items()):
                if p is proc:
                    del self._waiting[bid]
                    if not fut.done():
                        fut.set_result([None] * n)

    def verdicts(self, items: list[Item], traits: dict[str, Traits]) -> asyncio.Future[list[Result]]:
        """The verdicts of ``items`` (in their order); every item sent in one turn of the loop goes in
        one batch. An item comes back None when a worker could not gate it (gate it in process)."""
        if not self._ready and self._starting and not self._gave_up and items:
            return asyncio.ensure_future(self._when_up(items, traits))
        fut: asyncio.Future[list[Result]] = asyncio.get_running_loop().create_future()
        if not self._ready or not items:
            fut.set_result([None] * len(items))
            return fut
        if not self._queue:
            asyncio.get_running_loop().call_soon(self._send)
        self._queue.append((items, traits, fut))
        return fut

    def _send(self) -> None:
        """Send what was queued this turn, as one batch, to the least-loaded worker that is up."""
        queued, self._queue = self._queue, []
        if not self._ready:
            for items, _, fut in queued:
                fut.set_result([None] * len(items))
            return
        proc = min(self._ready, key=lambda p: self._load[p.pid])
        items = [it for q, _, _ in queued for it in q]
        traits = {k: v for _, t, _ in queued for k, v in t.items()}
        bid, self._next = self._next, self._next + 1
        done: asyncio.Future[list[Result]] = asyncio.get_running_loop().create_future()
        self._waiting[bid] = (done, len(items), proc)
        self._load[proc.pid] += len(items)

        def split(f: asyncio.Future[list[Result]]) -> None:
            results, at = f.result(), 0
            for q, _, fut in queued:
                if not fut.done():
                    fut.set_result(results[at : at + len(q)])
                at += len(q)

        done.add_done_callback(split)
        assert proc.stdin is not None
        try:
            proc.stdin.write(_frame((bid, traits, items)))
        except (ConnectionError, RuntimeError):
            self._waiting.pop(bid, None)
            done.set_result([None] * len(items))

    async def aclose(self) -> None:
        """End the workers (their stdin closes) and wait for them a moment; kill what is left."""
        self._closed = True
        for proc in self._procs:
            if proc.stdin is not None and not proc.stdin.is_closing():
                proc.stdin.close()
        for proc in self._procs:
            try:
                await asyncio.wait_for(proc.wait(), 5)
            except (asyncio.TimeoutError, ProcessLookupError):
                proc.kill()
                await proc.wait()
        for t in self._readers:
            t.cancel()
        await asyncio.gather(*self._readers, return_exceptions=True)


def _read_frame(inp: BinaryIO) -> Any:
    head = inp.read(_LEN.size)
    if len(head) < _LEN.size:
        return None
    (n,) = _LEN.unpack(head)
    data = inp.read(n)
    if len(data) < n:
        return None
    return pickle.loads(data)


def _load_jieba() -> None:
    try:
        import jieba
        import jieba.posseg  # noqa: F401 - its tag table loads on import

        jieba.setLogLevel(60)
        jieba.initialize()
    except ImportError:  # pragma: no cover - jieba is a core dependency
        pass


def serve(inp: BinaryIO, out: BinaryIO) -> None:
    """The worker's loop: settings, ``ready``, then a result list per batch, until ``inp`` ends."""
    from corpusforge.quality.config import QualityConfig
    from corpusforge.quality.gate import QualityGate

    settings = _read_frame(inp)
    if settings is None:
        return
    gate = QualityGate(QualityConfig.model_validate(settings))
    # jieba's dictionary takes half a second to load: in the background (the first Chinese name waits)
    threading.Thread(target=_load_jieba, daemon=True).start()
    out.write(_frame("ready"))
    out.flush()
    while (msg := _read_frame(inp)) is not None:
        bid, traits, items = msg
        gate.learn_traits(traits)
        results: list[Result] = []
        for sample, context, answer in items:
            try:
                v = gate.verdict(sample, context, answer=answer)
                results.append((v, sample.evidence))
            except Exception:  # noqa: BLE001 - gated again in the run's process, where it fails loudly
                results.append(None)
        out.write(_frame((bid, results)))
        out.flush()


def main() -> None:
    """Entry point of a worker process (``python -m corpusforge.quality.workers``)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the run's to handle; stdin closing ends us
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing printed may land between the frames
    try:
        serve(inp, out)
    except (BrokenPipeError, KeyboardInterrupt):  # the run is gone
        pass
    os._exit(0)  # nothing to clean up: skip the interpreter's shutdown (the run waits for this exit)


if __name__ == "__main__":
    main()
