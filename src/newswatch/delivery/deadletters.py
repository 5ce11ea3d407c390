"""The dead-letter stream: (alert, notifier) pairs that failed for good, with their last error.

Each entry carries the alerts-stream message for that one notifier, so ``replay`` puts exactly
that back on the ``alerts`` stream (marked ``replay``: no budget, no quiet hours), after
clearing the delivered marker and any queued retry of the pair, and removes the dead letter;
all in one Lua script, so a replay is neither lost nor doubled.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

from newswatch.alerts import Alert, Digest
from newswatch.constants import (
    ALERTS_STREAM,
    DEAD_LETTER_STREAM,
    DELIVERED_PREFIX,
    RETRY_DUE,
    RETRY_LEASES,
    RETRY_RECORDS,
)
from newswatch.delivery.retries import member
from newswatch.queue.streams import encode, guard

# Atomic: only the process that removes the dead letter re-enqueues it.
_REPLAY = """
if redis.call('XDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('XADD', KEYS[2], '*', 'data', ARGV[2])
redis.call('DEL', KEYS[3])
redis.call('ZREM', KEYS[4], ARGV[4])
redis.call('HDEL', KEYS[5], ARGV[4])
redis.call('HDEL', KEYS[6], ARGV[4])
return 1
"""


def delivered_key(delivery_id: str, notifier: str) -> str:
    """The marker saying ``notifier`` has the alert (or digest) ``delivery_id``."""
    return f"{DELIVERED_PREFIX}{delivery_id}:{notifier}"


def dead_entry(
    delivery: Alert | Digest,
    notifier: str,
    message: dict[str, Any],
    attempts: int,
    error: str,
    failed_at: str,
) -> dict[str, Any]:
    """The dead-letter stream entry for a pair that will not be retried."""
    return {
        "alert_id": delivery.id,
        "watch": delivery.watch,
        **_about(delivery),
        "notifier": notifier,
        "attempts": attempts,
        "error": error,
        "failed_at": failed_at,
        "message": {**message, "notify": [notifier]},
    }


def _about(delivery: Alert | Digest) -> dict[str, str]:
    """What the letter was about, for people: the article's title and URL, or a digest's size."""
    if isinstance(delivery, Alert):
        article = delivery.article
        return {"title": article.title or article.url, "url": article.url}
    count = len(delivery.alerts)
    return {"title": f"digest of {count} alert{'' if count == 1 else 's'}", "url": ""}


@dataclass(frozen=True)
class DeadLetter:
    """One dead-letter entry as ``newswatch dlq list`` shows it."""

    id: str
    alert_id: str
    watch: str
    notifier: str
    attempts: int
    error: str
    failed_at: str
    message: dict[str, Any]
    title: str = ""
    """The article's title (or a digest's size); empty in letters written before it was kept."""
    url: str = ""

    def summary(self) -> dict[str, Any]:
        """The ``dlq list --json`` object."""
        return {
            "id": self.id,
            "alert_id": self.alert_id,
            "watch": self.watch,
            "notifier": self.notifier,
            "attempts": self.attempts,
            "error": self.error,
        }


async def dead_letters(redis: Redis, ids: Iterable[str] | None = None) -> list[DeadLetter]:
    """Every dead letter, oldest first, or only those with the given stream ids."""
    wanted = set(ids) if ids is not None else None
    entries: Any = await guard(redis.xrange(DEAD_LETTER_STREAM, "-", "+"))
    letters = [_decode(entry_id, fields) for entry_id, fields in entries]
    return [d for d in letters if wanted is None or d.id in wanted]


async def replay(redis: Redis, letters: Iterable[DeadLetter]) -> int:
    """Put each dead letter back on the ``alerts`` stream for its notifier; returns how many."""
    script = redis.register_script(_REPLAY)
    count = 0
    for letter in letters:
        message = {**letter.message, "notify": [letter.notifier], "replay": True}
        pair = member(letter.alert_id, letter.notifier)
        keys = [DEAD_LETTER_STREAM, ALERTS_STREAM, delivered_key(letter.alert_id, letter.notifier)]
        keys += [RETRY_DUE, RETRY_RECORDS, RETRY_LEASES]
        args: list[str | int] = [letter.id, encode(message)["data"], 0, pair]
        count += int(await guard(script(keys=keys, args=args)))
    return count


async def drop(redis: Redis, ids: Iterable[str]) -> int:
    """Delete dead letters by stream id; returns how many existed."""
    wanted = list(ids)
    if not wanted:
        return 0
    return int(await guard(redis.xdel(DEAD_LETTER_STREAM, *wanted)))


def _decode(entry_id: str, fields: dict[str, str]) -> DeadLetter:
    data = json.loads(fields.get("data", "{}"))
    return DeadLetter(
        id=entry_id,
        alert_id=str(data.get("alert_id", "")),
        watch=str(data.get("watch", "")),
        notifier=str(data.get("notifier", "")),
        attempts=int(data.get("attempts", 0)),
        error=str(data.get("error", "")),
        failed_at=str(data.get("failed_at", "")),
        message=data.get("message") or {},
        title=str(data.get("title", "")),
        url=str(data.get("url", "")),
    )
