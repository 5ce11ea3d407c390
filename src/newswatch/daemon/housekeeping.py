"""Bounded storage: trim the work streams without dropping an unacknowledged entry.

An entry older than both the group's last-delivered id and the oldest pending id has been
acknowledged. Of those, the newest ``retain`` stay (``newswatch status`` shows recent alerts;
none of the archive stream's, whose records are in the database once acknowledged); older ones
are removed with ``XTRIM MINID``. Markers (seen, delivered) expire by TTL and the per-feed seen
sets are capped where they are written, so memory stays flat. The archive database is pruned to
``archive.keep``.
"""

from __future__ import annotations

import logging
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from newswatch.constants import ARCHIVE_STREAM, STREAM_RETAIN
from newswatch.daemon.archiver import Archiver
from newswatch.queue.info import STREAMS
from newswatch.queue.streams import guard, translated

log = logging.getLogger(__name__)


def _id_key(stream_id: str) -> tuple[int, int]:
    ms, _, seq = stream_id.partition("-")
    return int(ms), int(seq or 0)


def trim_floor(last_delivered: str, oldest_pending: str | None, newest_kept: str | None) -> str:
    """The lowest id that must stay: nothing pending or undelivered, nor the retained tail."""
    candidates = [last_delivered, oldest_pending, newest_kept]
    return min((c for c in candidates if c), key=_id_key)


async def trim_stream(redis: Redis, stream: str, group: str, retain: int = STREAM_RETAIN) -> int:
    """Trim one stream; returns how many entries were removed."""
    try:
        groups: list[dict[str, Any]] = await redis.xinfo_groups(stream)
    except ResponseError:  # no stream yet
        return 0
    except (RedisError, OSError) as exc:
        raise translated(exc) from exc
    info = next((g for g in groups if g.get("name") == group), None)
    if info is None:
        return 0
    pending = await guard(redis.xpending(stream, group))
    newest_kept = await _tail_start(redis, stream, retain)
    floor = trim_floor(str(info["last-delivered-id"]), pending.get("min"), newest_kept)
    removed = int(await guard(redis.xtrim(stream, minid=floor, approximate=False)))
    if removed:
        log.info("trimmed %d acknowledged entries from %s", removed, stream)
    return removed


async def _tail_start(redis: Redis, stream: str, retain: int) -> str | None:
    """The oldest id of the newest ``retain`` entries ("0-0" when there are fewer; None when
    none are to be retained)."""
    if not retain:
        return None
    tail = await guard(redis.xrevrange(stream, count=retain)) or []
    return str(tail[-1][0]) if len(tail) == retain else "0-0"


async def housekeeping(redis: Redis, archiver: Archiver | None = None) -> None:
    """Trim every work stream; prune the archive."""
    for stream, group in STREAMS.values():
        await trim_stream(redis, stream, group, 0 if stream == ARCHIVE_STREAM else STREAM_RETAIN)
    if archiver is not None:
        await archiver.prune()
