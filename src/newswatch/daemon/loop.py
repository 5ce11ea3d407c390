"""The consume loop shared by the worker and notifier roles, with a run-to-completion mode."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from newswatch.constants import BLOCK_MS, READ_COUNT
from newswatch.errors import QueueError
from newswatch.queue.streams import Consumer, Handler

log = logging.getLogger(__name__)
_REDIS_RETRY_S = (1.0, 2.0, 5.0, 10.0, 30.0)


async def consume(consumer: Consumer, handle: Handler, stop: asyncio.Event, *, burst: bool) -> None:
    """Handle messages until ``stop`` is set, or, with ``burst``, until none are left.

    A message is handled to completion before ``stop`` is looked at again, so stopping never
    leaves one half done; an unexpected error leaves it pending for a later claim.
    """
    await consumer.start()
    failures = 0
    while not stop.is_set():
        try:
            batch = await consumer.read(READ_COUNT, None if burst else BLOCK_MS)
            failures = 0
        except QueueError:
            if burst:
                raise
            delay = _REDIS_RETRY_S[min(failures, len(_REDIS_RETRY_S) - 1)]
            log.exception("redis unavailable on %s; retrying in %ss", consumer.stream, delay)
            failures += 1
            await _sleep_or_stop(stop, delay)
            continue
        if not batch and burst:
            return
        for message in batch:
            if stop.is_set():
                return
            try:
                if await handle(message):
                    await consumer.ack(message.id)
            except QueueError:
                if burst:
                    raise
                log.exception(
                    "redis failed while handling %s %s; left pending", consumer.stream, message.id
                )
                break
            except Exception:
                log.exception("failed to handle %s %s; left pending", consumer.stream, message.id)


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
