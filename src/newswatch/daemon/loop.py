"""The consume loop shared by the worker and notifier roles, with a run-to-completion mode."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from newswatch.constants import BLOCK_MS, READ_COUNT
from newswatch.errors import QueueError
from newswatch.observe.outage import log_failure
from newswatch.queue.streams import Consumer, Handler, Message

log = logging.getLogger(__name__)
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
    count: int = READ_COUNT,
) -> None:
    """Handle batches until ``stop`` is set, or, with ``burst``, until none are left.

    Redis errors are retried with backoff (``burst`` re-raises them). A message left pending is
    read again by this consumer, or claimed by another after the visibility timeout.
    """
    await consumer.start()
    failures = 0
    while not stop.is_set():
        try:
            batch = await consumer.read(count, None if burst else BLOCK_MS)
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


def sequential(consumer: Consumer, handle: Handler, stop: asyncio.Event) -> BatchHandler:
    """A batch handler that handles messages one by one and acks each that is done.

    ``stop`` is looked at between messages: the rest of the batch stays pending (handed back).
    An unexpected error leaves that message pending for a later claim.
    """

    async def run(batch: list[Message], burst: bool) -> bool:
        for message in batch:
            if stop.is_set():
                return True
            try:
                if await handle(message):
                    await consumer.ack(message.id)
            except QueueError as exc:
                if burst:
                    raise
                log_failure(log, exc, "redis failed on %s %s; left pending",
                            consumer.stream, message.id)  # fmt: skip
                return False
            except Exception:
                log.exception("failed to handle %s %s; left pending", consumer.stream, message.id)
        return True

    return run


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
