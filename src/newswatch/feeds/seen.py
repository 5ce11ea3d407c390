"""New-entry detection that survives restarts, and publication to the ``entries`` stream.

Each feed has a sorted set of entry fingerprints scored by when they were last present in the
feed. One Lua script marks entries seen and appends the new ones to the stream, atomically, so
a crash can neither lose a new entry nor publish one twice.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from redis.asyncio import Redis

from newswatch.constants import ENTRIES_STREAM, FEED_SEEN_PREFIX, SEEN_PER_FEED_MAX
from newswatch.queue.streams import guard

_PUBLISH_NEW = """
local published = 0
for i = 3, #ARGV, 2 do
  if redis.call('ZADD', KEYS[1], 'NX', ARGV[1], ARGV[i]) == 1 then
    redis.call('XADD', KEYS[2], '*', 'data', ARGV[i + 1])
    published = published + 1
  else
    redis.call('ZADD', KEYS[1], 'XX', ARGV[1], ARGV[i])
  end
end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[2]) + 1))
return published
"""


class EntryPublisher:
    """Publishes a feed's not-yet-seen entries."""

    def __init__(self, redis: Redis, max_seen: int = SEEN_PER_FEED_MAX) -> None:
        self._script = redis.register_script(_PUBLISH_NEW)
        self.max_seen = max_seen

    async def publish_new(
        self, feed_id: str, entries: Sequence[tuple[str, dict[str, Any]]], now_ms: int
    ) -> int:
        """Append the entries whose fingerprint is new to the stream; returns how many."""
        if not entries:
            return 0
        args: list[str | int] = [now_ms, max(self.max_seen, len(entries))]
        for fingerprint, payload in entries:
            args += [fingerprint, json.dumps(payload, ensure_ascii=False, separators=(",", ":"))]
        keys = [FEED_SEEN_PREFIX + feed_id, ENTRIES_STREAM]
        return int(await guard(self._script(keys=keys, args=args)))
