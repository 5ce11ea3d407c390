"""Digests: each notifier's deferred alerts, gathered in Redis and sent as one message.

Per notifier::

    <DIGEST_PREFIX><name>:due    sorted set  alert id -> not before (unix ms; quiet hours)
    <DIGEST_PREFIX><name>:items  hash        alert id -> the alert's stream message (JSON)
    <DIGEST_PREFIX><name>:last   string      when the current window opened (unix ms)

An alert is added in the same MULTI that acknowledges its stream message, so it is neither
lost nor added twice. When the notifier's schedule has fired since the window opened, ``flush``
turns the ready alerts into one digest message on the ``alerts`` stream (addressed to that
notifier only) and removes them, in one optimistic transaction: any number of processes may
try, one succeeds. From there a digest is delivered, retried and dead-lettered like an alert.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from apscheduler.triggers.cron import CronTrigger
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline
from redis.exceptions import RedisError, WatchError

from newswatch.alerts import Alert, Digest
from newswatch.constants import ALERTS_STREAM, DIGEST_MAX_ALERTS, DIGEST_PREFIX
from newswatch.delivery.timing import digest_due
from newswatch.queue.streams import encode, guard, translated

_ATTEMPTS = 5


def digest_keys(notifier: str) -> tuple[str, str, str]:
    """The due, items and last keys of ``notifier``'s digest."""
    base = f"{DIGEST_PREFIX}{notifier}"
    return f"{base}:due", f"{base}:items", f"{base}:last"


def iso(moment: datetime) -> str:
    """RFC 3339 UTC, seconds."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def to_ms(moment: datetime) -> int:
    """Unix milliseconds."""
    return int(moment.timestamp() * 1000)


class DigestStore:
    """Deferred alerts per notifier, and the flush that turns them into digests."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    @staticmethod
    def add(pipe: Pipeline, notifier: str, alert: Alert, not_before_ms: int, now_ms: int) -> None:
        """Queue (in the MULTI that acks the alert) an alert for ``notifier``'s next digest."""
        due, items, last = digest_keys(notifier)
        message = {**alert.to_message(), "notify": [notifier]}
        pipe.zadd(due, {alert.id: not_before_ms}, nx=True)
        pipe.hset(items, alert.id, json.dumps(message, ensure_ascii=False))
        pipe.set(last, now_ms, nx=True)

    async def pending(self, notifier: str) -> int:
        """How many alerts wait for ``notifier``'s digest."""
        return int(await guard(self.redis.zcard(digest_keys(notifier)[0])))

    async def flush(self, notifier: str, trigger: CronTrigger, now: datetime) -> Digest | None:
        """Enqueue the digest if the schedule fired since the window opened; None otherwise."""
        for _ in range(_ATTEMPTS):
            try:
                return await self._flush(notifier, trigger, now)
            except WatchError:
                continue  # another process flushed or an alert arrived meanwhile: look again
            except (RedisError, OSError) as exc:
                raise translated(exc) from exc
        return None

    async def _flush(self, notifier: str, trigger: CronTrigger, now: datetime) -> Digest | None:
        due, items, last = digest_keys(notifier)
        async with self.redis.pipeline(transaction=True) as pipe:
            await pipe.watch(due, last)
            opened = await pipe.get(last)
            if opened is None:
                return None
            since = datetime.fromtimestamp(int(opened) / 1000, UTC)
            if not digest_due(trigger, since, now):
                return None
            ready: Any = await pipe.zrangebyscore(
                due, "-inf", to_ms(now), start=0, num=DIGEST_MAX_ALERTS
            )
            ids = [str(i) for i in ready]
            total = int(await pipe.zcard(due))
            bodies: list[Any] = list(await pipe.hmget(items, ids)) if ids else []
            digest = _digest(notifier, since, now, ids, bodies)
            pipe.multi()  # type: ignore[no-untyped-call]
            if ids:
                pipe.zrem(due, *ids)
                pipe.hdel(items, *ids)
            if digest is not None:
                message = encode(digest.to_message())
                pipe.xadd(ALERTS_STREAM, message)  # type: ignore[arg-type]
            if total > len(ids):
                pipe.set(last, to_ms(now))
            else:
                pipe.delete(last)
            await pipe.execute()
            return digest


def _digest(
    notifier: str, since: datetime, now: datetime, ids: list[str], bodies: list[Any]
) -> Digest | None:
    messages: list[dict[str, Any]] = [json.loads(b) for b in bodies if b is not None]
    if not messages:
        return None
    alerts = tuple(Alert.from_message(m) for m in messages)
    seed = f"{notifier}\n{to_ms(since)}\n" + "\n".join(ids)
    return Digest(
        id=hashlib.sha256(seed.encode()).hexdigest()[:32],
        notifier=notifier,
        created_at=iso(now),
        since=iso(since),
        until=iso(now),
        alerts=alerts,
    )
