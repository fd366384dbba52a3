"""Many servers behind one backend: least-loaded dispatch, per-server caps, ejection and probing.

:class:`EndpointPool` holds one :class:`EndpointState` per entry of ``llm.openai.base_url``. A request
goes to the server in rotation with the lowest ``(in flight + 1) / weight`` that is below its
``max_concurrency`` (ties: round-robin), preferring servers the request has not tried yet, so a retry
lands elsewhere. A server that fails ``eject_after`` times in a row (connection errors, timeouts, 5xx)
is taken out of rotation and probed again after ``probe_after`` seconds (the delay doubles after each
failed probe, up to :data:`PROBE_MAX`); one success puts it back. When every server is out, requests
are sent anyway (the first one to succeed re-admits its server), so a fleet that is briefly down
costs retries, not a stuck run. Which server answered never enters the cache key.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from pydantic import Field

from corpusforge.configbase import Section

log = logging.getLogger(__name__)

#: the longest delay between two probes of a server out of rotation, in seconds
PROBE_MAX = 300.0


class Endpoint(Section):
    """One server of ``llm.openai.base_url`` (a plain string there is ``{url: <string>}``)."""

    url: str = Field(..., min_length=1, description="Base URL of the server, e.g. http://10.0.0.5:8000/v1.")
    weight: float = Field(
        1.0, gt=0, description="Share of the load: a request goes to the lowest (in flight + 1) / weight."
    )
    max_concurrency: int = Field(
        0, ge=0, description="Most requests in flight at this server (0 = only llm.concurrency bounds it)."
    )


@dataclass(slots=True)
class EndpointState:
    """Load and health of one server (``out_until`` > 0: out of rotation until then, monotonic time)."""

    index: int
    url: str
    weight: float
    cap: int
    in_flight: int = 0
    fails: int = 0
    out_until: float = 0.0
    delay: float = 0.0
    probing: bool = False
    sent: int = 0
    answered: int = 0

    @property
    def out(self) -> bool:
        """Whether the server is out of rotation."""
        return self.out_until > 0

    def free(self) -> bool:
        """Whether the server is below its concurrency cap."""
        return not self.cap or self.in_flight < self.cap


@dataclass(slots=True)
class EndpointPool:
    """The servers of one backend and the dispatch rule (see the module docstring)."""

    endpoints: list[EndpointState]
    eject_after: int = 3
    probe_after: float = 10.0
    _turn: int = 0
    _waiters: list[asyncio.Future[None]] = field(default_factory=list)

    @classmethod
    def build(cls, endpoints: list[Endpoint], eject_after: int, probe_after: float) -> EndpointPool:
        """A pool over ``endpoints`` (URLs without their trailing slash)."""
        states = [
            EndpointState(i, e.url.rstrip("/"), e.weight, e.max_concurrency) for i, e in enumerate(endpoints)
        ]
        return cls(states, eject_after, probe_after)

    def pick(self, avoid: Collection[str] = ()) -> EndpointState | None:
        """The least-loaded server with a free slot, not in ``avoid`` if possible (None: all at their cap)."""
        live = [e for e in self.endpoints if not e.out] or self.endpoints  # all out: send anyway
        fresh = [e for e in live if e.url not in avoid]
        n = len(self.endpoints)
        for group in (fresh, live):
            free = [e for e in group if e.free()]
            if free:
                best = min(free, key=lambda e: ((e.in_flight + 1) / e.weight, (e.index - self._turn) % n))
                self._turn = (best.index + 1) % n
                return best
        return None

    @asynccontextmanager
    async def slot(self, avoid: Collection[str] = ()) -> AsyncIterator[EndpointState]:
        """Hold one request slot at the server :meth:`pick` chooses, waiting while all are at their cap."""
        while (ep := self.pick(avoid)) is None:
            fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(fut)
            try:
                await fut
            finally:
                if fut in self._waiters:
                    self._waiters.remove(fut)
        ep.in_flight += 1
        ep.sent += 1
        try:
            yield ep
        finally:
            ep.in_flight -= 1
            self._wake()

    def _wake(self) -> None:
        waiters, self._waiters = self._waiters, []
        for fut in waiters:
            if not fut.done() and not fut.get_loop().is_closed():
                fut.set_result(None)

    def succeeded(self, ep: EndpointState) -> None:
        """``ep`` answered (a request or a probe): reset its failures, put it back in rotation."""
        ep.fails = 0
        ep.answered += 1
        if ep.out:
            ep.out_until, ep.delay = 0.0, 0.0
            log.warning("%s answers again; back in rotation", ep.url)
            self._wake()

    def failed(self, ep: EndpointState, why: str = "") -> None:
        """``ep`` failed with a connection error, a timeout or a 5xx: maybe take it out of rotation."""
        now = time.monotonic()
        ep.fails += 1
        if ep.out:
            if now >= ep.out_until:  # a probe (or a request sent when all were out) failed: wait longer
                ep.delay = min(PROBE_MAX, max(ep.delay, self.probe_after) * 2)
                ep.out_until = now + ep.delay
            return  # else a request sent before it was taken out: already counted
        if ep.fails >= self.eject_after:
            ep.delay = self.probe_after
            ep.out_until = now + ep.delay
            log.warning(
                "%s failed %d times in a row%s; out of rotation, probed again in %gs",
                ep.url,
                ep.fails,
                f" ({why})" if why else "",
                ep.delay,
            )

    def due(self) -> list[EndpointState]:
        """Servers out of rotation whose probe time has come and that no probe is checking yet."""
        now = time.monotonic()
        return [e for e in self.endpoints if e.out and not e.probing and now >= e.out_until]

    def counts(self) -> dict[str, int]:
        """Requests sent to each server so far (URL -> count)."""
        return {e.url: e.sent for e in self.endpoints}
