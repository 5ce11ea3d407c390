"""What the streams look like right now: length, pending, lag and consumers of each group."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from newswatch.constants import (
    ALERTS_STREAM,
    ARCHIVE_STREAM,
    ARCHIVERS_GROUP,
    DEAD_LETTER_STREAM,
    ENTRIES_STREAM,
    NOTIFIERS_GROUP,
    WORKERS_GROUP,
)
from newswatch.queue.streams import guard, translated

LAG_SCAN_MAX = 100_000
STREAMS = {
    "entries": (ENTRIES_STREAM, WORKERS_GROUP),
    "alerts": (ALERTS_STREAM, NOTIFIERS_GROUP),
    "archive": (ARCHIVE_STREAM, ARCHIVERS_GROUP),
}


@dataclass(frozen=True)
class StreamInfo:
    """One stream and its consumer group."""

    name: str
    length: int
    pending: int
    lag: int
    consumers: int


async def stream_info(redis: Redis) -> list[StreamInfo]:
    """The work streams and the dead-letter stream."""
    infos = [await _one(redis, name, key, group) for name, (key, group) in STREAMS.items()]
    dead = int(await guard(redis.xlen(DEAD_LETTER_STREAM)))
    return [*infos, StreamInfo("dead", dead, 0, 0, 0)]


async def _one(redis: Redis, name: str, key: str, group: str) -> StreamInfo:
    length = int(await guard(redis.xlen(key)))
    try:
        groups: list[dict[str, Any]] = await redis.xinfo_groups(key)
    except ResponseError:  # the stream does not exist yet
        return StreamInfo(name, length, 0, length, 0)
    except (RedisError, OSError) as exc:
        raise translated(exc) from exc
    for info in groups:
        if info.get("name") == group:
            lag = info.get("lag")
            if lag is None:  # Redis < 7 does not report it (a system redis-server 6.x)
                lag = await _count_after(redis, key, str(info["last-delivered-id"]))
            return StreamInfo(
                name, length, int(info.get("pending", 0)), int(lag), int(info.get("consumers", 0))
            )
    return StreamInfo(name, length, 0, length, 0)


async def _count_after(redis: Redis, key: str, last_id: str) -> int:
    """Entries after ``last_id``, counted up to LAG_SCAN_MAX."""
    newer = await guard(redis.xrange(key, min=f"({last_id}", count=LAG_SCAN_MAX))
    return len(newer or [])
