"""The notifier role: deliver each alert to each of its notifiers, never losing or doubling one.

For every ``alerts`` message and each of its notifiers, in this order:

1. skip the notifier if its delivered marker exists or a retry of the pair is queued (the retry
   store owns it then): a message redelivered after a crash is not sent twice;
2. defer the alert to the notifier's digest when the notifier is in digest mode, the watch is in
   its quiet hours, or the watch's hourly budget for that notifier is spent;
3. otherwise send it: success writes the delivered marker at once; a transient failure queues a
   retry with backoff; a permanent one (or a spent retry budget) makes a dead letter.

The queued retries, dead letters and digest additions are written in one MULTI together with
the XACK, so a crash leaves the message pending (claimed again after the visibility timeout)
with nothing half-recorded. The window that remains: a crash between a receiver's success and
the delivered marker; the Idempotency-Key header / Message-ID (the alert id) let receivers
close it. Messages of a batch are delivered concurrently; each message's own steps stay in order.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis

from newswatch.alerts import Alert, Delivery, delivery_from_message
from newswatch.constants import (
    ALERTS_STREAM,
    DEAD_LETTER_STREAM,
    DELIVERY_CONCURRENCY,
    NOTIFIERS_GROUP,
)
from newswatch.daemon.loop import consume
from newswatch.delivery.budget import Budget
from newswatch.delivery.deadletters import delivered_key
from newswatch.delivery.digests import DigestStore
from newswatch.delivery.policy import Policies
from newswatch.delivery.retries import RetryStore, member
from newswatch.delivery.sender import Dead, Outcome, Retry, Sender
from newswatch.errors import QueueError
from newswatch.notify import Notifier
from newswatch.observe.outage import log_failure
from newswatch.queue.streams import Consumer, Message, encode, guard

log = logging.getLogger(__name__)

__all__ = ["Deliverer", "delivered_key"]


@dataclass(frozen=True)
class Deferred:
    """Held for the notifier's digest until ``not_before_ms``."""

    not_before_ms: int


class Deliverer:
    """Handles ``alerts`` messages; its ``sender`` is shared with the retry pump."""

    def __init__(
        self,
        redis: Redis,
        notifiers: Mapping[str, Notifier],
        stats: Any,
        policies: Policies | None = None,
        sender: Sender | None = None,
    ) -> None:
        self.redis = redis
        self.stats = stats
        self.policies = policies or Policies()
        self.sender = sender or Sender(redis, notifiers, self.policies, stats)
        self.retries = RetryStore(redis)
        self.digests = DigestStore(redis)
        self.budget = Budget(redis)

    async def handle(self, message: Message) -> bool:
        """Deliver one message to its notifiers and acknowledge it; True when acknowledged."""
        delivery = delivery_from_message(message.payload)
        outcomes = [
            (name, await self._one(delivery, name, message.payload))
            for name in await self._open(delivery)
        ]
        await asyncio.shield(self._settle(message.id, delivery, outcomes))
        return True

    async def _open(self, delivery: Delivery) -> list[str]:
        names = list(dict.fromkeys(delivery.notify))
        async with self.redis.pipeline(transaction=False) as pipe:
            for name in names:
                pipe.exists(delivered_key(delivery.id, name))
            delivered = await guard(pipe.execute())
        waiting = await self.retries.waiting([member(delivery.id, n) for n in names])
        return [n for n, d, w in zip(names, delivered, waiting, strict=True) if not d and not w]

    async def _one(
        self, delivery: Delivery, name: str, message: dict[str, Any]
    ) -> Outcome | Deferred:
        if isinstance(delivery, Alert) and not delivery.replay:
            deferred = await self._deferral(delivery, name)
            if deferred is not None:
                self.stats.deferred += 1
                return deferred
        return await self.sender.attempt(delivery, name, message)

    async def _deferral(self, alert: Alert, name: str) -> Deferred | None:
        now = self.sender.clock()
        if self.policies.notifier(name).digest_mode:
            return Deferred(int(now * 1000))
        watch = self.policies.watch(alert.watch)
        quiet_end = watch.quiet_until(datetime.fromtimestamp(now, UTC))
        if quiet_end is not None:
            return Deferred(int(quiet_end.timestamp() * 1000))
        if watch.max_per_hour is None:
            return None
        admitted = await self.budget.admit(
            alert.watch, name, alert.id, watch.max_per_hour, int(now * 1000)
        )
        return None if admitted else Deferred(int(now * 1000))

    async def _settle(
        self, message_id: str, delivery: Delivery, outcomes: list[tuple[str, Outcome | Deferred]]
    ) -> None:
        now_ms = int(self.sender.clock() * 1000)
        async with self.redis.pipeline(transaction=True) as pipe:
            for name, outcome in outcomes:
                if isinstance(outcome, Retry):
                    RetryStore.add(pipe, outcome.record, member(delivery.id, name), outcome.due_ms)
                elif isinstance(outcome, Dead):
                    pipe.xadd(DEAD_LETTER_STREAM, encode(outcome.entry))  # type: ignore[arg-type]
                elif isinstance(outcome, Deferred) and isinstance(delivery, Alert):
                    DigestStore.add(pipe, name, delivery, outcome.not_before_ms, now_ms)
            pipe.xack(ALERTS_STREAM, NOTIFIERS_GROUP, message_id)
            await guard(pipe.execute())

    async def consume(self, consumer: Consumer, stop: asyncio.Event, *, burst: bool) -> None:
        """Deliver messages until ``stop`` is set, or, with ``burst``, until none are left; a
        batch is delivered concurrently and finished before ``stop`` is looked at again."""
        await consume(consumer, self._batch, stop, burst=burst, count=DELIVERY_CONCURRENCY)

    async def _batch(self, batch: list[Message], burst: bool) -> bool:
        """Deliver a batch concurrently; False when some message was left pending."""
        results = await asyncio.gather(*(self.handle(m) for m in batch), return_exceptions=True)
        ok = True
        for message, result in zip(batch, results, strict=True):
            if not isinstance(result, BaseException):
                continue
            if isinstance(result, QueueError) and burst:
                raise result
            ok = False
            log_failure(log, result, "failed to handle alerts %s; left pending", message.id)
        return ok

    async def flush_digests(self, now: datetime | None = None) -> int:
        """Enqueue every notifier's digest whose schedule fired; returns how many were."""
        moment = now or datetime.now(UTC)
        flushed = 0
        for name, policy in self.policies.notifiers.items():
            if await self.digests.flush(name, policy.digest, moment) is not None:
                self.stats.digests += 1
                flushed += 1
        return flushed
