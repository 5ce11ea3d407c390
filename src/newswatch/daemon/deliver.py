"""The notifier role: deliver each alert to each of its notifiers, exactly once in normal operation.

A delivered marker per (alert id, notifier) is set right after a successful send, so an alert
redelivered after a crash is not sent again to a notifier that already has it. The remaining
window: a crash between the receiver's 2xx and the marker being written. Webhook receivers can
close it with the Idempotency-Key header (the alert id).

A transient failure leaves the message pending (it is claimed again after the visibility
timeout); a permanent one moves (alert, notifier) to the dead-letter stream with its error.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from redis.asyncio import Redis

from newswatch.alerts import Alert
from newswatch.constants import DEAD_LETTER_STREAM, DELIVERED_PREFIX, DELIVERED_TTL_S
from newswatch.daemon.worker import now_iso
from newswatch.errors import PermanentDeliveryError, TransientDeliveryError
from newswatch.notify import Notifier
from newswatch.queue.streams import Message, guard, publish

log = logging.getLogger(__name__)


def delivered_key(alert_id: str, notifier: str) -> str:
    """The marker saying ``notifier`` has ``alert_id``."""
    return f"{DELIVERED_PREFIX}{alert_id}:{notifier}"


class Deliverer:
    """Handles ``alerts`` messages."""

    def __init__(self, redis: Redis, notifiers: Mapping[str, Notifier], stats: Any) -> None:
        self.redis = redis
        self.notifiers = notifiers
        self.stats = stats

    async def handle(self, message: Message) -> bool:
        """Deliver to every notifier of the alert; True when none is left to retry."""
        alert = Alert.from_message(message.payload)
        done = True
        for name in alert.notify:
            if await guard(self.redis.exists(delivered_key(alert.id, name))):
                continue
            done = await self._deliver(alert, name, message) and done
        return done

    async def _deliver(self, alert: Alert, name: str, message: Message) -> bool:
        notifier = self.notifiers.get(name)
        try:
            if notifier is None:
                raise PermanentDeliveryError(f"notifier {name!r} is no longer configured")
            await notifier.send(alert)
        except TransientDeliveryError as exc:
            self.stats.delivery_failures += 1
            log.warning("alert %s to %s failed, will retry: %s", alert.id, name, exc)
            return False
        except PermanentDeliveryError as exc:
            await self._dead_letter(message, alert, name, str(exc))
        else:
            await guard(self.redis.set(delivered_key(alert.id, name), "1", ex=DELIVERED_TTL_S))
            self.stats.delivered += 1
        return True

    async def _dead_letter(self, message: Message, alert: Alert, name: str, error: str) -> None:
        entry = {
            "alert_id": alert.id,
            "watch": alert.watch,
            "notifier": name,
            "attempts": 1,
            "error": error,
            "failed_at": now_iso(),
            "message": {**message.payload, "notify": [name]},
        }
        await publish(self.redis, DEAD_LETTER_STREAM, entry)
        self.stats.dead_lettered += 1
        log.error("alert %s to %s dead-lettered: %s", alert.id, name, error)
