"""The retry pump: redelivers the (alert, notifier) pairs whose next attempt is due.

Run by every notifier process (an APScheduler job in ``run``, a drain loop in ``run --once``);
leases in the retry store make sure each due pair is redelivered by one process only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid

from newswatch.alerts import delivery_from_message
from newswatch.constants import DELIVERY_CONCURRENCY
from newswatch.delivery.deadletters import delivered_key
from newswatch.delivery.retries import Claimed, RetryStore
from newswatch.delivery.sender import Dead, Retry, Sender
from newswatch.queue.streams import guard

log = logging.getLogger(__name__)


class RetryPump:
    """Claims due retries under a lease and redelivers them."""

    def __init__(self, sender: Sender, store: RetryStore, lease_ms: int) -> None:
        self.sender = sender
        self.store = store
        self.lease_ms = lease_ms
        self.token = uuid.uuid4().hex

    async def run_due(self, stop: asyncio.Event | None = None) -> int:
        """Redeliver every pair due now, batch after batch, until ``stop`` is set (the batch in
        flight is finished); returns how many were attempted."""
        total = 0
        while stop is None or not stop.is_set():
            now_ms = int(self.sender.clock() * 1000)
            claimed = await self.store.claim(
                now_ms, self.lease_ms, DELIVERY_CONCURRENCY, self.token
            )
            if not claimed:
                return total
            await asyncio.gather(*(self.redeliver(c) for c in claimed))
            total += len(claimed)
        return total

    async def redeliver(self, claimed: Claimed) -> None:
        """One more attempt for a claimed pair, recorded under its lease."""
        record = claimed.record
        delivery = delivery_from_message(record.message)
        if await guard(self.sender.redis.exists(delivered_key(delivery.id, record.notifier))):
            await self.store.done(claimed)
            return
        outcome = await self.sender.attempt(
            delivery, record.notifier, record.message, record.failures, record.first_failed_at
        )
        if isinstance(outcome, Retry):
            kept = await self.store.reschedule(claimed, outcome.record, outcome.due_ms)
        elif isinstance(outcome, Dead):
            kept = await self.store.dead_letter(claimed, outcome.entry)
        else:
            kept = await self.store.done(claimed)
        if not kept:
            log.warning("lease on retry %s expired while it was being delivered", claimed.member)

    async def drain(self, wait_s: float, stop: asyncio.Event | None = None) -> None:
        """Redeliver until no retry falls due within ``wait_s`` of now (``run --once``)."""
        deadline = self.sender.clock() + wait_s
        while stop is None or not stop.is_set():
            await self.run_due(stop)
            due_ms = await self.store.next_due_ms()
            if due_ms is None or due_ms / 1000 > deadline:
                return
            pause = max(0.005, due_ms / 1000 - self.sender.clock())
            await _sleep_or_stop(stop, pause)


async def _sleep_or_stop(stop: asyncio.Event | None, seconds: float) -> None:
    if stop is None:
        await asyncio.sleep(seconds)
        return
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
