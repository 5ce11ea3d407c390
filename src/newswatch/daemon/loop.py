"""The consume loop shared by the worker and notifier roles, with a run-to-completion mode."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from newswatch.constants import BLOCK_MS, READ_COUNT
from newswatch.errors import QueueError
from newswatch.observe.outage import log_failure
from newswatch.queue.streams import Consumer, Message

log = logging.getLogger(__name__)
T = TypeVar("T")
_REDIS_RETRY_S = (1.0, 2.0, 5.0, 10.0, 30.0)

# Handles a batch (``burst`` says whether Redis errors must propagate); False when some message
# was left pending, so that the consumer re-reads its own pending messages first.
BatchHandler = Callable[[list[Message], bool], Awaitable[bool]]


async def consume(
    consumer: Consumer,
    handle_batch: BatchHandler,
    stop: asyncio.Event,
    *,
    burst: bool,
    count: int | Callable[[], int] = READ_COUNT,
) -> None:
    """Handle batches until ``stop`` is set, or, with ``burst``, until none are left.

    ``count`` is the most messages to read at a time (or what says it before each read).
    Redis errors are retried with backoff (``burst`` re-raises them). A message left pending is
    read again by this consumer, or claimed by another after the visibility timeout.
    """
    await consumer.start()
    failures = 0
    while not stop.is_set():
        try:
            size = count() if callable(count) else count
            batch = await consumer.read(size, None if burst else BLOCK_MS)
            failures = 0
        except QueueError as exc:
            if burst:
                raise
            delay = _REDIS_RETRY_S[min(failures, len(_REDIS_RETRY_S) - 1)]
            log_failure(log, exc, "reading %s failed; retrying in %ss", consumer.stream, delay)
            failures += 1
            await _sleep_or_stop(stop, delay)
            continue
        if not batch and burst:
            return
        if batch and not await handle_batch(batch, burst):
            consumer.rewind()
            await _sleep_or_stop(stop, _REDIS_RETRY_S[0])


async def finish(work: Awaitable[T]) -> T:
    """Await ``work`` to its end even when the caller is cancelled meanwhile, then pass the
    cancellation on: for bookkeeping that must not stop halfway (publishing, acknowledging)."""
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        while not task.done():  # cancelled again meanwhile: keep waiting
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(task)
        raise


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
