"""Per-feed state in Redis: HTTP validators, where the feed lives, its rhythm and its health.

The state is one hash per feed (``FEED_STATE_PREFIX + feed id``). Encoding and decoding are
pure, so the schedule's Lua scripts can load and store it in the same round trip as a lease.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Literal

from redis.asyncio import Redis

from newswatch.constants import FEED_STATE_PREFIX
from newswatch.queue.streams import guard
from newswatch.schedule.timing import is_silent

Status = Literal["new", "ok", "failing", "silent"]


@dataclass(frozen=True)
class FeedState:
    """What is remembered about a feed between polls. Times are unix seconds."""

    url: str = ""
    name: str = ""
    fetch_url: str = ""
    """Where the feed really lives (a permanent redirect or a discovered feed); "" = ``url``."""
    fetch_via: str = ""
    """How ``fetch_url`` was found: ``redirect`` or ``discovery``."""
    etag: str = ""
    last_modified: str = ""
    body_hash: str = ""
    """Hash of the last body parsed, to skip parsing an unchanged body without validators."""
    last_success: float = 0.0
    last_attempt: float = 0.0
    failures: int = 0
    last_error: str = ""
    interval: float = 0.0
    """The adaptive interval (before server hints and jitter)."""
    base_interval: float = 0.0
    """The configured interval the adaptive one started from."""
    next_poll: float = 0.0
    entries_seen: int = 0
    avg_gap: float = 0.0
    """The usual time between two new entries (0: not known yet)."""
    last_new: float = 0.0
    """When the newest entry appeared (its date on a first poll, then when a poll found it)."""
    feed_hint: float = 0.0
    """The feed's own minimum delay between polls (RSS ttl, sy:updatePeriod), in seconds."""
    corrupt: frozenset[str] = field(default=frozenset(), compare=False, metadata={"kept": False})
    """Stored fields that could not be read: they read as their defaults, and the next poll
    writes them again (not stored itself)."""

    def status(self, now: float) -> Status:
        """``new`` (never polled), ``failing``, ``silent`` (much quieter than usual) or ``ok``."""
        if self.last_attempt <= 0:
            return "new"
        if self.failures > 0:
            return "failing"
        if is_silent(self.avg_gap, self.last_new, now):
            return "silent"
        return "ok"

    @property
    def source_url(self) -> str:
        """The URL to fetch: where the feed was found to live, else the configured one."""
        return self.fetch_url or self.url


_CASTS = {
    f.name: {"float": float, "int": int, "str": str}[str(f.type)]
    for f in fields(FeedState)
    if f.metadata.get("kept", True)
}


def decode_state(raw: Mapping[str, str] | Iterable[str]) -> FeedState:
    """A state from its hash (a mapping, or HGETALL's flat list of field, value, ...)."""
    if not isinstance(raw, Mapping):
        flat = list(raw)
        raw = dict(zip(flat[::2], flat[1::2], strict=True))
    values: dict[str, object] = {}
    corrupt = []
    for key, value in raw.items():
        cast = _CASTS.get(str(key))
        if cast is not None:
            try:
                values[str(key)] = cast(value)
            except ValueError:  # falls back to its default rather than stopping a feed
                corrupt.append(str(key))
    if corrupt:
        values["corrupt"] = frozenset(corrupt)
    return FeedState(**values)  # type: ignore[arg-type]


def encode_state(state: FeedState) -> dict[str, str]:
    """The hash fields of a state."""
    return {name: _field(getattr(state, name)) for name in _CASTS}


def encode_changes(before: FeedState, after: FeedState) -> dict[str, str]:
    """The hash fields that differ between two states, and those stored corrupt: what a poll
    has to write back (a 304 poll changes a handful of its fields)."""
    out = {}
    for name in _CASTS:
        value = getattr(after, name)
        if value != getattr(before, name):
            out[name] = _field(value)
    for name in before.corrupt:
        out[name] = _field(getattr(after, name))
    return out


def _field(value: object) -> str:
    return repr(value) if isinstance(value, float) else str(value)


async def load_state(redis: Redis, feed_id: str) -> FeedState:
    """The stored state of a feed (defaults for a new one)."""
    raw: Mapping[str, str] = await guard(redis.hgetall(FEED_STATE_PREFIX + feed_id))  # type: ignore[arg-type]
    return decode_state(raw)


async def load_states(redis: Redis, feed_ids: Iterable[str]) -> dict[str, FeedState]:
    """The stored states of many feeds, in one round trip."""
    ids = list(feed_ids)
    pipe = redis.pipeline(transaction=False)
    for fid in ids:
        pipe.hgetall(FEED_STATE_PREFIX + fid)
    raws = await guard(pipe.execute())
    return {fid: decode_state(raw) for fid, raw in zip(ids, raws, strict=True)}
