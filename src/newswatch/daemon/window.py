"""Handling stream messages concurrently: a sliding window of messages in flight.

The worker's messages wait on very different things: a page from a fast host, a turn at a
host kept slow by its ``host_delay`` or robots.txt ``Crawl-delay``, a slot in the extraction
pool. Handled one at a time, each wait holds up every message behind it; here up to ``limit``
messages are in flight at once and a free place is refilled from the stream as soon as any
message is done, so a slow host holds up only its own messages. With a ``key`` (the worker's
is the article's host), at most ``per_key`` messages of one key are in flight: the window reads
ahead (up to ``read_ahead`` messages held) and the others of that key wait, as plain messages,
for their turn, so a burst of one host's articles cannot fill the window.

Each message is acknowledged when its own handler is done (never before). Messages in flight
are kept from going stale (``Consumer.keep``), so that no other consumer claims them while they
wait their turn. When ``stop`` is set, the window reads nothing more and cancels what is in
flight: a handler's bookkeeping runs to its end (``loop.finish``), anything not acknowledged
stays pending and is claimed again later. A message read again while still in flight (its own
pending list re-read, or claimed back) is not started twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass

from newswatch.constants import READ_COUNT
from newswatch.daemon.loop import consume, finish
from newswatch.errors import QueueError
from newswatch.observe.outage import log_failure
from newswatch.queue.streams import Consumer, Handler, Message

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fairness:
    """At most ``per_key`` messages of one ``key`` in flight; up to ``read_ahead`` held."""

    key: Callable[[Message], str]
    per_key: int
    read_ahead: int


class Window:
    """Handles a consumer's messages, at most ``limit`` at once, acknowledging each when done."""

    def __init__(self, consumer: Consumer, handle: Handler, stop: asyncio.Event, limit: int,
                 fairness: Fairness):  # fmt: skip
        self.consumer = consumer
        self.handle = handle
        self.stop = stop
        self.limit = limit
        self.fairness = fairness
        self._held: set[str] = set()  # ids of the messages in flight or waiting
        self._flying: dict[str, asyncio.Task[None]] = {}
        self._waiting: dict[str, deque[Message]] = {}  # key -> messages held for their turn
        self._ready: dict[str, None] = {}  # keys with messages waiting and room for one more
        self._busy: Counter[str] = Counter()  # key -> messages of it in flight
        self._failure: QueueError | None = None  # a Redis error in a handler or an ack
        self._ended = asyncio.Event()  # set whenever a message in flight ends

    def __len__(self) -> int:
        return len(self._flying)

    async def run(self, *, burst: bool) -> None:
        """Handle messages until ``stop`` is set (then cancel those in flight), or, with
        ``burst``, until the stream has none left and every one in flight is done (a Redis
        error is raised then)."""
        keeper = asyncio.create_task(self._keep_alive())
        try:
            await consume(self.consumer, self._admit, self.stop, burst=burst, count=self._room)
            await self._settle(cancel=self.stop.is_set())
        finally:
            keeper.cancel()
            await self._settle(cancel=True)  # after an error: hand back what is in flight
            await asyncio.gather(keeper, return_exceptions=True)
        failure, self._failure = self._failure, None
        if burst and failure is not None:
            raise failure

    def _room(self) -> int:
        return min(READ_COUNT, self.fairness.read_ahead - len(self._held))

    async def _admit(self, batch: list[Message], burst: bool) -> bool:
        """Hold the batch's new messages and start those whose key has room; return once there
        is room for another; False after a Redis error (in burst mode, raise it)."""
        new = [message for message in batch if message.id not in self._held]
        for message in new:
            self._hold(message)
        self._start_ready()
        if not new and self._held:  # only messages already held: wait for one to end
            await self._wait_for_room(len(self._held) - 1)
        await self._wait_for_room(self.fairness.read_ahead - 1)
        failure, self._failure = self._failure, None
        if failure is not None and burst:
            raise failure
        return failure is None

    def _hold(self, message: Message) -> None:
        key = self.fairness.key(message)
        self._held.add(message.id)
        self._waiting.setdefault(key, deque()).append(message)
        if self._busy[key] < self.fairness.per_key:
            self._ready[key] = None

    def _start_ready(self) -> None:
        """Start waiting messages, a key at a time in turn, while there is room in flight."""
        while self._ready and len(self._flying) < self.limit and not self.stop.is_set():
            key = next(iter(self._ready))
            del self._ready[key]
            queue = self._waiting[key]
            message = queue.popleft()
            self._busy[key] += 1
            self._flying[message.id] = asyncio.create_task(self._one(message, key))
            if not queue:
                del self._waiting[key]
            elif self._busy[key] < self.fairness.per_key:
                self._ready[key] = None  # its next message, after the other keys' turns

    async def _wait_for_room(self, most: int) -> None:
        """Wait until at most ``most`` messages are held, or ``stop`` is set."""
        while len(self._held) > most and not self.stop.is_set():
            self._ended.clear()
            waits = [asyncio.ensure_future(self._ended.wait()),
                     asyncio.ensure_future(self.stop.wait())]  # fmt: skip
            try:
                await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for wait in waits:
                    wait.cancel()

    async def _one(self, message: Message, key: str) -> None:
        stream = self.consumer.stream
        try:
            if await self.handle(message):
                await finish(self.consumer.ack(message.id))
        except QueueError as exc:
            self._failure = exc
            log_failure(log, exc, "redis failed on %s %s; left pending", stream, message.id)
        except Exception:
            log.exception("failed to handle %s %s; left pending", stream, message.id)
        finally:
            self._flying.pop(message.id, None)
            self._held.discard(message.id)
            self._busy[key] -= 1
            if not self._busy[key]:
                del self._busy[key]
            if key in self._waiting:
                self._ready[key] = None
            self._start_ready()
            self._ended.set()

    async def _settle(self, *, cancel: bool) -> None:
        """Wait for every message held to end (with ``cancel``, those waiting are let go, left
        pending, and those in flight cancelled)."""
        if cancel:
            self._held.difference_update(m.id for q in self._waiting.values() for m in q)
            self._waiting.clear()
            self._ready.clear()
            for task in self._flying.values():
                task.cancel()
        while self._flying:
            await asyncio.wait(list(self._flying.values()))

    async def _keep_alive(self) -> None:
        """Reset the idle time of the messages held, a few times per visibility timeout."""
        period = self.consumer.visibility_ms / 3000
        while True:
            await asyncio.sleep(period)
            if not self._held:
                continue
            try:
                await self.consumer.keep(list(self._held))
            except QueueError as exc:
                log_failure(log, exc, "could not keep %s messages in flight", self.consumer.stream)
