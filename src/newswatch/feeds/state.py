"""Per-feed state in Redis: HTTP validators and health (last success, failures, last error)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from redis.asyncio import Redis
from redis.typing import EncodableT

from newswatch.constants import FEED_STATE_PREFIX
from newswatch.queue.streams import guard


@dataclass(frozen=True)
class FeedState:
    """What is remembered about a feed between polls. Times are unix seconds."""

    url: str = ""
    name: str = ""
    etag: str = ""
    last_modified: str = ""
    last_success: float = 0.0
    last_attempt: float = 0.0
    failures: int = 0
    last_error: str = ""
    interval: float = 0.0
    next_poll: float = 0.0
    entries_seen: int = 0


_TYPES = {f.name: f.type for f in fields(FeedState)}


async def load_state(redis: Redis, feed_id: str) -> FeedState:
    """The stored state of a feed (defaults for a new one)."""
    raw = await guard(redis.hgetall(FEED_STATE_PREFIX + feed_id))
    values: dict[str, object] = {}
    for raw_key, value in raw.items():
        key = str(raw_key)
        kind = _TYPES.get(key)
        if kind == "float":
            values[key] = float(value)
        elif kind == "int":
            values[key] = int(value)
        elif kind == "str":
            values[key] = value
    return FeedState(**values)  # type: ignore[arg-type]


async def save_state(redis: Redis, feed_id: str, state: FeedState) -> None:
    """Store a feed's state."""
    mapping: dict[EncodableT, EncodableT] = {k: str(v) for k, v in asdict(state).items()}
    await guard(redis.hset(FEED_STATE_PREFIX + feed_id, mapping=mapping))
