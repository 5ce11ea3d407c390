"""One attempt to deliver an alert or a digest to one notifier, and what follows from it.

The outcome says what the caller must record: ``Sent`` (the delivered marker is already
written, right after the receiver's success), ``Retry`` (queue the next attempt) or ``Dead``
(move the pair to the dead-letter stream). Errors that are not a DeliveryError (a bug in a
notifier or a template) count as transient, so a poison alert ends in the dead-letter stream
after its retry budget instead of blocking the queue.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis

from newswatch.alerts import Alert, Delivery
from newswatch.constants import DELIVERED_TTL_S
from newswatch.delivery.backoff import next_attempt_at
from newswatch.delivery.deadletters import dead_entry, delivered_key
from newswatch.delivery.outlets import with_current_outlets
from newswatch.delivery.policy import Policies
from newswatch.delivery.retries import RetryRecord
from newswatch.errors import PermanentDeliveryError, TransientDeliveryError
from newswatch.notify import Notifier
from newswatch.observe import metrics
from newswatch.queue.streams import guard
from newswatch.words import count

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sent:
    """Delivered; the marker is written."""


@dataclass(frozen=True)
class Retry:
    """Failed transiently: try again at ``due_ms`` with ``record``."""

    record: RetryRecord
    due_ms: int


@dataclass(frozen=True)
class Dead:
    """Failed for good (permanent error or budget spent): ``entry`` goes to the dead letters."""

    entry: dict[str, Any]


Outcome = Sent | Retry | Dead


def now_iso() -> str:
    """The current time as RFC 3339 UTC."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Sender:
    """Sends through the notifiers and decides what a failure leads to."""

    def __init__(
        self,
        redis: Redis,
        notifiers: Mapping[str, Notifier],
        policies: Policies,
        stats: Any,
        clock: Callable[[], float] = time.time,
        draw: Callable[[], float] = random.random,
    ) -> None:
        self.redis = redis
        self.notifiers = notifiers
        self.policies = policies
        self.stats = stats
        self.clock = clock
        self.draw = draw

    async def attempt(
        self,
        delivery: Delivery,
        name: str,
        message: dict[str, Any],
        failures: int = 0,
        first_failed_at: float | None = None,
    ) -> Outcome:
        """Send once (with the stories' outlets known now); ``failures`` and
        ``first_failed_at`` describe the attempts before."""
        try:
            await self._send(await with_current_outlets(self.redis, delivery), name)
        except PermanentDeliveryError as exc:
            return self._dead(delivery, name, message, failures + 1, str(exc))
        except TransientDeliveryError as exc:
            return self._failed(delivery, name, message, failures, first_failed_at, exc)
        except Exception as exc:
            log.exception("notifier %s raised unexpectedly on %s", name, delivery.id)
            error = TransientDeliveryError(f"{type(exc).__name__}: {exc}")
            return self._failed(delivery, name, message, failures, first_failed_at, error)
        marker = self.redis.set(delivered_key(delivery.id, name), "1", ex=DELIVERED_TTL_S)
        await asyncio.shield(guard(marker))
        self.stats.delivered += 1
        metrics.DELIVERIES.labels(name, "delivered").inc()
        return Sent()

    async def _send(self, delivery: Delivery, name: str) -> None:
        notifier = self.notifiers.get(name)
        if notifier is None:
            raise PermanentDeliveryError(f"notifier {name!r} is no longer configured")
        if isinstance(delivery, Alert):
            await notifier.send(delivery)
        else:
            await notifier.send_digest(delivery)

    def _failed(
        self,
        delivery: Delivery,
        name: str,
        message: dict[str, Any],
        failures: int,
        first_failed_at: float | None,
        exc: TransientDeliveryError,
    ) -> Outcome:
        now = self.clock()
        first = first_failed_at if first_failed_at is not None else now
        failures += 1
        self.stats.delivery_failures += 1
        metrics.DELIVERIES.labels(name, "retry").inc()
        policy = self.policies.notifier(name).retry
        due = next_attempt_at(policy, failures, first, now, exc.retry_after, self.draw())
        if due is None:
            error = f"{exc} (gave up after {failures} attempts)"
            return self._dead(delivery, name, message, failures, error)
        log.warning("%s to %s failed (attempt %d), retrying in %.1fs: %s",
                    delivery.id, name, failures, due - now, exc,
                    extra={"alert": delivery.id, "notifier": name})  # fmt: skip
        record = RetryRecord({**message, "notify": [name]}, name, failures, first, str(exc))
        return Retry(record, int(due * 1000))

    def _dead(
        self, delivery: Delivery, name: str, message: dict[str, Any], attempts: int, error: str
    ) -> Dead:
        self.stats.dead_lettered += 1
        metrics.DELIVERIES.labels(name, "dead").inc()
        log.error("%s to %s dead-lettered after %s: %s",
                  delivery.id, name, count(attempts, "attempt"), error,
                  extra={"alert": delivery.id, "notifier": name})  # fmt: skip
        return Dead(dead_entry(delivery, name, message, attempts, error, now_iso()))
