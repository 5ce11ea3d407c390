"""The feed schedule in Redis: a sorted set of feed ids by next-due time, and leases.

A feed being polled holds a lease (``SET NX PX``); its due time is pushed past the lease so no
other daemon takes it. A daemon that dies loses nothing: the lease expires, the feed falls due.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from redis.asyncio import Redis
from redis.typing import EncodableT

from newswatch.constants import DUE_SET, FEED_STATE_PREFIX, LEASE_MS, LEASE_PREFIX
from newswatch.queue.streams import guard

_CLAIM_DUE = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
local out = {}
for _, id in ipairs(ids) do
  if redis.call('SET', ARGV[3] .. id, ARGV[4], 'NX', 'PX', ARGV[5]) then
    redis.call('ZADD', KEYS[1], 'XX', tonumber(ARGV[1]) + tonumber(ARGV[5]), id)
    table.insert(out, id)
  end
end
return out
"""

_RELEASE = """
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
redis.call('ZADD', KEYS[1], 'XX', ARGV[2], ARGV[3])
return 1
"""


class Schedule:
    """The shared schedule, seen by one owner (a daemon process)."""

    def __init__(self, redis: Redis, owner: str, lease_ms: int = LEASE_MS) -> None:
        self.redis = redis
        self.owner = owner
        self.lease_ms = lease_ms
        self._claim_due = redis.register_script(_CLAIM_DUE)
        self._release = redis.register_script(_RELEASE)

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

    async def claim_due(self, now_ms: int, limit: int) -> list[str]:
        """Lease up to ``limit`` feeds that are due; returns their ids."""
        args: list[str | int] = [now_ms, limit, LEASE_PREFIX, self.owner, self.lease_ms]
        return [str(x) for x in await guard(self._claim_due(keys=[DUE_SET], args=args))]

    async def claim(self, feed_ids: Iterable[str]) -> list[str]:
        """Lease the given feeds whatever their due time (``run --once``)."""
        pipe = self.redis.pipeline(transaction=False)
        ids = list(feed_ids)
        for fid in ids:
            pipe.set(LEASE_PREFIX + fid, self.owner, nx=True, px=self.lease_ms)
        results = await guard(pipe.execute())
        return [fid for fid, ok in zip(ids, results, strict=True) if ok]

    async def release(self, feed_id: str, next_due_ms: int) -> None:
        """Drop the lease and set the feed's next due time."""
        keys = [DUE_SET, LEASE_PREFIX + feed_id]
        await guard(self._release(keys=keys, args=[self.owner, next_due_ms, feed_id]))

    async def next_due_ms(self) -> int | None:
        """The earliest due time of any feed, or None when nothing is scheduled."""
        first = await guard(self.redis.zrange(DUE_SET, 0, 0, withscores=True))
        return int(first[0][1]) if first else None
