"""Politeness per host: at most ``per_host`` requests at once, and a minimum delay between the
starts of two requests to one host (the configured one, or longer where the host's robots.txt
asks for a Crawl-delay: ``slow_down``).

Hosts are forgotten once idle and past their delay, so memory follows the hosts in use rather
than every host ever contacted.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

_SWEEP_AT = 1024
_SLOW_HOSTS_MAX = 10_000


@dataclass
class _Host:
    semaphore: asyncio.Semaphore
    users: int = 0
    next_start: float = 0.0


class HostGate:
    """Admits requests to a host under the per-host concurrency limit and start delay."""

    def __init__(
        self,
        per_host: int,
        delay_s: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.per_host = per_host
        self.delay_s = delay_s
        self._clock = clock
        self._sleep = sleep  # with ``clock``, a virtual time for tests
        self._hosts: dict[str, _Host] = {}
        self._slow: OrderedDict[str, float] = OrderedDict()  # hosts with a longer delay

    def slow_down(self, host: str, delay_s: float) -> None:
        """Keep requests to ``host`` at least ``delay_s`` apart (when longer than the usual)."""
        if delay_s > self.delay_s:
            self._slow[host] = delay_s
            self._slow.move_to_end(host)
            if len(self._slow) > _SLOW_HOSTS_MAX:
                self._slow.popitem(last=False)
        else:
            self._slow.pop(host, None)

    def delay(self, host: str) -> float:
        """The least time between the starts of two requests to ``host``."""
        return self._slow.get(host, self.delay_s) if self._slow else self.delay_s

    def slot(self, host: str) -> _Slot:
        """Hold one of ``host``'s request slots (``async with``), starting no sooner than its
        delay allows."""
        return _Slot(self, host)

    async def _enter(self, host: str) -> _Host:
        entry = self._hosts.get(host)
        if entry is None:
            if len(self._hosts) >= _SWEEP_AT:
                self._sweep()
            entry = self._hosts[host] = _Host(asyncio.Semaphore(self.per_host))
        entry.users += 1
        try:
            await entry.semaphore.acquire()
            try:
                await self._pace(entry, self.delay(host))
            except BaseException:
                entry.semaphore.release()
                raise
        except BaseException:
            self._leave(host, entry)
            raise
        return entry

    def _exit(self, host: str, entry: _Host) -> None:
        entry.semaphore.release()
        self._leave(host, entry)

    def _leave(self, host: str, entry: _Host) -> None:
        entry.users -= 1
        if entry.users == 0 and entry.next_start <= self._clock():
            self._hosts.pop(host, None)

    def ready(self, host: str) -> bool:
        """Whether a request to ``host`` would start at once, with no wait for a turn."""
        entry = self._hosts.get(host)
        if entry is None:
            return True
        return not entry.semaphore.locked() and (
            self.delay(host) <= 0 or entry.next_start <= self._clock()
        )

    def __len__(self) -> int:
        return len(self._hosts)

    async def _pace(self, entry: _Host, delay_s: float) -> None:
        if delay_s <= 0:
            return
        now = self._clock()
        start = max(now, entry.next_start)
        entry.next_start = start + delay_s  # reserved before sleeping: no two share a start
        if start > now:
            await self._sleep(start - now)

    def _sweep(self) -> None:
        now = self._clock()
        idle = [h for h, e in self._hosts.items() if e.users == 0 and e.next_start <= now]
        for host in idle:
            del self._hosts[host]


class _Slot:
    """A turn at a host, as an async context manager (lighter than a generator-based one: it
    is taken at every request)."""

    __slots__ = ("_entry", "_gate", "_host")

    def __init__(self, gate: HostGate, host: str) -> None:
        self._gate = gate
        self._host = host
        self._entry: _Host | None = None

    async def __aenter__(self) -> None:
        self._entry = await self._gate._enter(self._host)

    async def __aexit__(self, *exc_info: object) -> None:
        if self._entry is not None:
            self._gate._exit(self._host, self._entry)
            self._entry = None
