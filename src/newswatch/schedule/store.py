"""The feed schedule in Redis: a sorted set of feed ids by next-due time, and leases.

A feed being polled holds a lease (``SET NX PX``); its due time is pushed past the lease so no
other daemon takes it. A daemon that dies loses nothing: the lease expires, the feed falls due.

Claiming returns each feed's state hash with its lease, and releasing stores the new state with
the next due time. Both are batched: one claim leases many due feeds, and the releases made in
one turn of the event loop travel together in one script call, so a poll costs a fraction of a
round trip (one more when it publishes entries).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from redis.asyncio import Redis
from redis.typing import EncodableT

from newswatch.constants import DUE_SET, FEED_STATE_PREFIX, LEASE_MS, LEASE_PREFIX
from newswatch.queue.streams import guard

Claimed = list[tuple[str, list[str]]]
"""(feed id, its state hash as HGETALL's flat list) per claimed feed.

States travel as one JSON string each way (Lua's cjson), not as dozens of RESP elements: the
pure-Python RESP parser was a large share of a poll's CPU."""

_CLAIM_DUE = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
local out = {}
for _, id in ipairs(ids) do
  if redis.call('SET', ARGV[3] .. id, ARGV[4], 'NX', 'PX', ARGV[5]) then
    redis.call('ZADD', KEYS[1], 'XX', tonumber(ARGV[1]) + tonumber(ARGV[5]), id)
    table.insert(out, {id, cjson.encode(redis.call('HGETALL', ARGV[6] .. id))})
  end
end
return out
"""

_CLAIM = """
local out = {}
for i = 5, #ARGV do
  local id = ARGV[i]
  if redis.call('SET', ARGV[1] .. id, ARGV[3], 'NX', 'PX', ARGV[4]) then
    table.insert(out, {id, cjson.encode(redis.call('HGETALL', ARGV[2] .. id))})
  end
end
return out
"""

_RELEASE = """
local owner, leases, states = ARGV[1], ARGV[2], ARGV[3]
for i = 4, #ARGV, 3 do
  local id = ARGV[i]
  if redis.call('GET', leases .. id) == owner then redis.call('DEL', leases .. id) end
  redis.call('ZADD', KEYS[1], 'XX', ARGV[i + 1], id)
  if ARGV[i + 2] ~= '' then
    local flat = {}
    for name, value in pairs(cjson.decode(ARGV[i + 2])) do
      table.insert(flat, name)
      table.insert(flat, value)
    end
    if #flat > 0 then redis.call('HSET', states .. id, unpack(flat)) end
  end
end
return 1
"""

RELEASE_BATCH_MAX = 256
"""Feeds released by one script call, at most."""


@dataclass
class _Releases:
    """Releases waiting for the next turn of the event loop, and their common outcome."""

    done: asyncio.Future[None]
    args: list[str | int] = field(default_factory=list)


class Schedule:
    """The shared schedule, seen by one owner (a daemon process)."""

    def __init__(self, redis: Redis, owner: str, lease_ms: int = LEASE_MS) -> None:
        self.redis = redis
        self.owner = owner
        self.lease_ms = lease_ms
        self._claim_due = redis.register_script(_CLAIM_DUE)
        self._claim = redis.register_script(_CLAIM)
        self._release = redis.register_script(_RELEASE)
        self._releases: _Releases | None = None
        self._sending: set[asyncio.Task[None]] = set()

    async def sync(self, feeds: Mapping[str, Mapping[str, str]], now_ms: int) -> None:
        """Schedule new feeds (due now), keep known ones, drop those no longer configured."""
        known = {str(fid) for fid in await guard(self.redis.zrange(DUE_SET, 0, -1))}
        pipe = self.redis.pipeline(transaction=False)
        for fid, meta in feeds.items():
            fields: dict[EncodableT, EncodableT] = dict(meta.items())
            pipe.hset(FEED_STATE_PREFIX + fid, mapping=fields)
        if feeds:
            pipe.zadd(DUE_SET, dict.fromkeys(feeds, now_ms), nx=True)
        removed = known - set(feeds)
        if removed:
            pipe.zrem(DUE_SET, *removed)
        await guard(pipe.execute())

    async def claim_due(self, now_ms: int, limit: int) -> Claimed:
        """Lease up to ``limit`` feeds that are due; returns them with their state hashes."""
        args: list[str | int] = [
            now_ms, limit, LEASE_PREFIX, self.owner, self.lease_ms, FEED_STATE_PREFIX,
        ]  # fmt: skip
        return _claimed(await guard(self._claim_due(keys=[DUE_SET], args=args)))

    async def claim(self, feed_ids: Iterable[str]) -> Claimed:
        """Lease the given feeds whatever their due time (``run --once``), with their states."""
        ids = list(feed_ids)
        if not ids:
            return []
        args: list[str | int] = [LEASE_PREFIX, FEED_STATE_PREFIX, self.owner, self.lease_ms, *ids]
        return _claimed(await guard(self._claim(keys=[DUE_SET], args=args)))

    async def release(
        self, feed_id: str, next_due_ms: int, state: Mapping[str, str] | None = None
    ) -> None:
        """Drop the lease, set the feed's next due time and store its state, atomically.

        Releases made in the same turn of the event loop go to Redis together, in one call
        that runs to its end even if the caller is cancelled meanwhile.
        """
        releases = self._releases
        if releases is None or len(releases.args) >= 3 * RELEASE_BATCH_MAX:
            loop = asyncio.get_running_loop()
            releases = self._releases = _Releases(loop.create_future())
            loop.call_soon(self._flush, releases)
        encoded = json.dumps(dict(state), separators=(",", ":")) if state else ""
        releases.args += [feed_id, next_due_ms, encoded]
        await asyncio.shield(releases.done)

    def _flush(self, releases: _Releases) -> None:
        if self._releases is releases:
            self._releases = None
        task = asyncio.create_task(self._send(releases))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _send(self, releases: _Releases) -> None:
        args: list[str | int] = [self.owner, LEASE_PREFIX, FEED_STATE_PREFIX, *releases.args]
        try:
            await guard(self._release(keys=[DUE_SET], args=args))
        except asyncio.CancelledError:
            releases.done.cancel()
            raise
        except Exception as exc:  # every waiting release fails with it (a QueueError)
            releases.done.set_exception(exc)
        else:
            releases.done.set_result(None)

    async def next_due_ms(self) -> int | None:
        """The earliest due time of any feed, or None when nothing is scheduled."""
        first = await guard(self.redis.zrange(DUE_SET, 0, 0, withscores=True))
        return int(first[0][1]) if first else None


def _claimed(raw: list[list[str]]) -> Claimed:
    out: Claimed = []
    for fid, encoded in raw:
        flat = json.loads(encoded)
        out.append((str(fid), flat if isinstance(flat, list) else []))  # {} is cjson's empty list
    return out
