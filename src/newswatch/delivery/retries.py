"""The retry store: (alert, notifier) pairs waiting for their next attempt, in Redis.

    RETRY_DUE      sorted set  member "<delivery id>:<notifier>" -> next attempt (unix ms)
    RETRY_RECORDS  hash        member -> RetryRecord as JSON (the message, failures, last error)
    RETRY_LEASES   hash        member -> token of the process redelivering it

``claim`` takes due members under a lease: their score moves to the lease's end and the
claimer's token is recorded, so two processes never redeliver the same pair; a claimer that dies
simply lets the lease run out and the pair falls due again. ``finish`` (done, retry later,
dead-letter) only takes effect while the caller still holds the lease.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from newswatch.constants import DEAD_LETTER_STREAM, RETRY_DUE, RETRY_LEASES, RETRY_RECORDS
from newswatch.queue.streams import guard

_KEYS = [RETRY_DUE, RETRY_RECORDS, RETRY_LEASES, DEAD_LETTER_STREAM]

_CLAIM = """
local members = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, m in ipairs(members) do
  local record = redis.call('HGET', KEYS[2], m)
  if record then
    redis.call('ZADD', KEYS[1], ARGV[2], m)
    redis.call('HSET', KEYS[3], m, ARGV[4])
    table.insert(out, m)
    table.insert(out, record)
  else
    redis.call('ZREM', KEYS[1], m)
    redis.call('HDEL', KEYS[3], m)
  end
end
return out
"""

_FINISH = """
if redis.call('HGET', KEYS[3], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[3], ARGV[1])
if ARGV[3] == 'retry' then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[5])
  redis.call('ZADD', KEYS[1], ARGV[4], ARGV[1])
else
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
  if ARGV[3] == 'dead' then redis.call('XADD', KEYS[4], '*', 'data', ARGV[5]) end
end
return 1
"""


def member(delivery_id: str, notifier: str) -> str:
    """The store's name for (delivery, notifier)."""
    return f"{delivery_id}:{notifier}"


@dataclass(frozen=True)
class RetryRecord:
    """What a retry needs: the stream message (for this notifier only) and the failures so far."""

    message: dict[str, Any]
    notifier: str
    failures: int
    first_failed_at: float
    error: str

    def to_json(self) -> str:
        """The stored form."""
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> RetryRecord:
        """Read a stored record."""
        return cls(**json.loads(raw))


@dataclass(frozen=True)
class Claimed:
    """A record taken under lease ``token``."""

    member: str
    record: RetryRecord
    token: str


class RetryStore:
    """The retry sorted set, records and leases."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._claim = redis.register_script(_CLAIM)
        self._finish = redis.register_script(_FINISH)

    @staticmethod
    def add(pipe: Pipeline, record: RetryRecord, key: str, due_ms: int) -> None:
        """Queue (in a MULTI with the stream ack) a first retry; an existing one is kept."""
        pipe.hsetnx(RETRY_RECORDS, key, record.to_json())
        pipe.zadd(RETRY_DUE, {key: due_ms}, nx=True)

    async def waiting(self, keys: list[str]) -> list[bool]:
        """For each member, whether a retry is queued for it (then the retry store owns it)."""
        if not keys:
            return []
        found: list[int] = await guard(self.redis.hmget(RETRY_RECORDS, keys))  # type: ignore[arg-type]
        return [value is not None for value in found]

    async def claim(self, now_ms: int, lease_ms: int, count: int, token: str) -> list[Claimed]:
        """Take up to ``count`` due records under a lease of ``lease_ms``."""
        args: list[str | int] = [now_ms, now_ms + lease_ms, count, token]
        flat: list[str] = await guard(self._claim(keys=_KEYS, args=args))
        pairs = zip(flat[::2], flat[1::2], strict=True)
        return [Claimed(m, RetryRecord.from_json(raw), token) for m, raw in pairs]

    async def done(self, claimed: Claimed) -> bool:
        """Forget a pair that was delivered (or found delivered); False if the lease was lost."""
        return await self._end(claimed, "done", 0, "")

    async def reschedule(self, claimed: Claimed, record: RetryRecord, due_ms: int) -> bool:
        """Queue the next attempt with the updated record; False if the lease was lost."""
        return await self._end(claimed, "retry", due_ms, record.to_json())

    async def dead_letter(self, claimed: Claimed, entry: dict[str, Any]) -> bool:
        """Move the pair to the dead-letter stream; False if the lease was lost."""
        body = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
        return await self._end(claimed, "dead", 0, body)

    async def next_due_ms(self) -> int | None:
        """When the earliest queued retry (or expiring lease) falls due."""
        first: Any = await guard(self.redis.zrange(RETRY_DUE, 0, 0, withscores=True))
        return int(first[0][1]) if first else None

    async def size(self) -> int:
        """How many pairs are waiting."""
        return int(await guard(self.redis.zcard(RETRY_DUE)))

    async def _end(self, claimed: Claimed, action: str, due_ms: int, body: str) -> bool:
        args: list[str | int] = [claimed.member, claimed.token, action, due_ms, body]
        return bool(await guard(self._finish(keys=_KEYS, args=args)))
