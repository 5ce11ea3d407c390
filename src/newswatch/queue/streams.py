"""Redis Streams with consumer groups: publish, read (new, own pending, stale claimed), ack.

Each message carries one JSON document in its ``data`` field. A consumer first re-reads its own
pending messages (a restart under the same name), then claims messages other consumers left
pending for longer than the visibility timeout (XAUTOCLAIM), then reads new ones.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from redis.asyncio import Redis
from redis.exceptions import (
    ClusterDownError,
    ConnectionError,
    RedisError,
    ResponseError,
    TimeoutError,
)

from newswatch.errors import QueueError, QueueUnavailable
from newswatch.observe.outage import Outage

T = TypeVar("T")
Payload = dict[str, Any]


@dataclass(frozen=True)
class Message:
    """One stream message: its id, the decoded payload and how often it was delivered."""

    id: str
    payload: Payload


# This process's view of Redis: told once when it goes away and when it answers again.
REDIS_OUTAGE = Outage("Redis")
# redis-py errors that mean Redis cannot be reached (rather than a command that failed).
_UNREACHABLE = (ConnectionError, TimeoutError, ClusterDownError, OSError)


def translated(exc: RedisError | OSError) -> QueueError:
    """The QueueError for a redis-py error (QueueUnavailable when Redis cannot be reached,
    which is reported to ``REDIS_OUTAGE``)."""
    if isinstance(exc, _UNREACHABLE):
        REDIS_OUTAGE.failed(exc)
        return QueueUnavailable(f"redis: {exc}")
    REDIS_OUTAGE.answered()
    return QueueError(f"redis: {exc}")


async def guard(call: Awaitable[T]) -> T:
    """Await a Redis call, translating redis-py errors into QueueError."""
    try:
        result = await call
    except (RedisError, OSError) as exc:
        raise translated(exc) from exc
    REDIS_OUTAGE.answered()
    return result


def encode(payload: Payload) -> dict[str, str]:
    """The stream fields for a payload."""
    return {"data": json.dumps(payload, ensure_ascii=False, separators=(",", ":"))}


async def publish(redis: Redis, stream: str, payload: Payload) -> str:
    """Append ``payload`` to ``stream``; returns the message id."""
    return str(await guard(redis.xadd(stream, encode(payload))))  # type: ignore[arg-type]


async def ensure_group(redis: Redis, stream: str, group: str) -> None:
    """Create the consumer group (and the stream) unless it exists."""
    try:
        await redis.xgroup_create(stream, group, id="0", mkstream=True)
    except ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise translated(exc) from exc
    except (RedisError, OSError) as exc:
        raise translated(exc) from exc


class Consumer:
    """A named member of a consumer group on one stream."""

    def __init__(
        self, redis: Redis, stream: str, group: str, name: str, *, visibility_ms: int
    ) -> None:
        self.redis = redis
        self.stream = stream
        self.group = group
        self.name = name
        self.visibility_ms = visibility_ms
        self._own_pending = True

    async def start(self) -> None:
        """Make sure the group exists."""
        await ensure_group(self.redis, self.stream, self.group)

    async def read(self, count: int, block_ms: int | None) -> list[Message]:
        """The next batch: own pending first, then stale claimed, then new (blocking)."""
        if self._own_pending:
            batch = await self._xreadgroup("0", count, None)
            if batch:
                return batch
            self._own_pending = False
        claimed = await self._autoclaim(count)
        if claimed:
            return claimed
        return await self._xreadgroup(">", count, block_ms)

    def rewind(self) -> None:
        """Read this consumer's own pending messages first again (after a failed batch)."""
        self._own_pending = True

    async def ack(self, message_id: str) -> None:
        """Acknowledge a message whose work is done."""
        await guard(self.redis.xack(self.stream, self.group, message_id))

    async def ack_many(self, message_ids: list[str]) -> None:
        """Acknowledge several messages at once."""
        if message_ids:
            await guard(self.redis.xack(self.stream, self.group, *message_ids))

    async def keep(self, message_ids: Sequence[str]) -> None:
        """Reset the idle time of messages this consumer is still working on, so that no other
        consumer claims them meanwhile. One idle for less than half the visibility timeout is
        left as it is (it is fresh, or another consumer has just claimed it)."""
        idle_ms = self.visibility_ms // 2
        await guard(
            self.redis.xclaim(
                self.stream, self.group, self.name, idle_ms, list(message_ids), justid=True
            )
        )

    async def pending_count(self) -> int:
        """Messages delivered to any consumer of the group and not yet acknowledged."""
        info = await guard(self.redis.xpending(self.stream, self.group))
        return int(info["pending"])

    async def _xreadgroup(self, start: str, count: int, block_ms: int | None) -> list[Message]:
        reply: Any = await guard(
            self.redis.xreadgroup(
                self.group, self.name, {self.stream: start}, count=count, block=block_ms
            )
        )
        messages: list[Message] = []
        for _stream, entries in reply or []:
            messages += _decode(entries)
        return messages

    async def _autoclaim(self, count: int) -> list[Message]:
        reply: Any = await guard(
            self.redis.xautoclaim(
                self.stream, self.group, self.name, self.visibility_ms, "0-0", count=count
            )
        )
        return _decode(reply[1])


def _decode(entries: list[tuple[str, dict[str, str] | None]]) -> list[Message]:
    messages = []
    for message_id, fields in entries:
        if fields is None:  # trimmed away while pending
            continue
        messages.append(Message(message_id, json.loads(fields.get("data", "{}"))))
    return messages


# A handler returns True when the message is done and may be acknowledged.
Handler = Callable[[Message], Awaitable[bool]]
