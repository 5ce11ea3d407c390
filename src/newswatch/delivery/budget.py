"""A watch's alert budget per notifier: at most N alerts in any 60 minutes (Redis).

One sorted set per (watch, notifier) holds the ids of the alerts admitted, scored by admission
time; deferred alerts are not counted. Admission is idempotent: an admitted alert seen again
(redelivered after a crash) is admitted again without using up the budget twice.
"""

from __future__ import annotations

from redis.asyncio import Redis

from newswatch.constants import BUDGET_PREFIX, BUDGET_WINDOW_S
from newswatch.queue.streams import guard

_ADMIT = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]) * 1000)
if redis.call('ZSCORE', KEYS[1], ARGV[3]) then return 1 end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
"""


def budget_key(watch: str, notifier: str) -> str:
    """The sorted set of alerts ``notifier`` was sent from ``watch`` in the last hour."""
    return f"{BUDGET_PREFIX}{watch}:{notifier}"


class Budget:
    """Admits alerts within a watch's hourly budget."""

    def __init__(self, redis: Redis) -> None:
        self._admit = redis.register_script(_ADMIT)

    async def admit(
        self, watch: str, notifier: str, alert_id: str, limit: int, now_ms: int
    ) -> bool:
        """True when the alert fits in the last hour's ``limit`` (it then counts against it)."""
        keys = [budget_key(watch, notifier)]
        args: list[str | int] = [now_ms, BUDGET_WINDOW_S, alert_id, limit]
        return bool(await guard(self._admit(keys=keys, args=args)))
