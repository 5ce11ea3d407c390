"""The story index in Redis, shared by every worker process: which story does an article join?

Time is cut into slices of ``window / STORY_SLICES``. Each slice has one hash of band key ->
story id and one of story id -> compact signature; both expire whole when the slice has left
the window, so memory is bounded by the stories of one window. One Lua script looks an article
up in every live slice, verifies the candidates on their stored signatures and, when none is
similar enough, inserts the article as a new story: two workers seeing two copies at once
agree on one story. A band key names the story inserted last with it (an older story sharing
it is still found by its other bands). Outlets are recorded per story (``record``) and read at
send time.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

from redis.asyncio import Redis

from newswatch.constants import (
    STORY_BANDS_PREFIX,
    STORY_OUTLETS_MAX,
    STORY_OUTLETS_PREFIX,
    STORY_SIGNATURES_PREFIX,
    STORY_SLICES,
)
from newswatch.queue.streams import guard
from newswatch.stories.model import Outlet, ordered
from newswatch.stories.sketch import HASHES, Sketch, story_id

# KEYS: the live slices' band hashes (current first), then their signature hashes in the same
# order. ARGV: band count, the band keys, the signature, the agreeing values needed, the new
# story's id, the current slice's expiry (Unix s). Returns {story id, agreeing values, 1 if new}.
_ASSIGN = """
local n = #KEYS / 2
local nb = tonumber(ARGV[1])
local sig = ARGV[nb + 2]
local need = tonumber(ARGV[nb + 3])
local fields = {}
for i = 1, nb do fields[i] = ARGV[i + 1] end
local mine = {string.byte(sig, 1, -1)}
local best, best_same, checked = false, -1, {}
for s = 1, n do
  local ids = redis.call('HMGET', KEYS[s], unpack(fields))
  for i = 1, nb do
    local id = ids[i]
    if id and not checked[id] then
      checked[id] = true
      local other = redis.call('HGET', KEYS[n + s], id)
      if other and #other == #sig then
        local theirs = {string.byte(other, 1, -1)}
        local same = 0
        for j = 1, #mine, 2 do
          if mine[j] == theirs[j] and mine[j + 1] == theirs[j + 1] then same = same + 1 end
        end
        if same >= need and same > best_same then best, best_same = id, same end
      end
    end
  end
end
if best then return {best, best_same, 0} end
local new_id = ARGV[nb + 4]
local pairs = {}
for i = 1, nb do pairs[2 * i - 1] = fields[i]; pairs[2 * i] = new_id end
redis.call('HSET', KEYS[1], unpack(pairs))
redis.call('HSET', KEYS[n + 1], new_id, sig)
redis.call('EXPIREAT', KEYS[1], ARGV[nb + 5])
redis.call('EXPIREAT', KEYS[n + 1], ARGV[nb + 5])
return {new_id, #mine / 2, 1}
"""

# KEYS: the story's outlets hash. ARGV: canonical URL, outlet JSON, max outlets, TTL (s).
_RECORD = """
local known = redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1
if known or redis.call('HLEN', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
"""


def slice_length(window_s: float) -> float:
    """Seconds per slice of the index."""
    return window_s / STORY_SLICES


def live_slices(now: float, window_s: float) -> list[int]:
    """The numbers of the slices a lookup reads at ``now``: the current one first, then the
    ``STORY_SLICES`` before it (a story stays findable for between one window and one slice
    more)."""
    current = int(now // slice_length(window_s))
    return [current - i for i in range(STORY_SLICES + 1)]


def slice_expiry(number: int, window_s: float) -> int:
    """When slice ``number`` has left the window (Unix s): its keys expire then."""
    return math.ceil((number + 1) * slice_length(window_s) + window_s)


def needed(threshold: float) -> int:
    """How many of the signature's values must agree for a similarity of ``threshold``."""
    return max(1, math.ceil(threshold * HASHES - 1e-9))


class StoryIndex:
    """Assigns articles to stories and keeps each story's outlets."""

    def __init__(self, redis: Redis, window_s: float, threshold: float) -> None:
        self.redis = redis
        self.window_s = window_s
        self.threshold = threshold
        self._assign = redis.register_script(_ASSIGN)
        self._record = redis.register_script(_RECORD)

    async def assign(self, sketch: Sketch | None, canonical_url: str,
                     now: float | None = None) -> str:  # fmt: skip
        """The id of the story the article joins, or of the new story it starts (derived from
        its canonical URL). An article too short to sketch is a story of its own."""
        own = story_id(canonical_url)
        if sketch is None:
            return own
        numbers = live_slices(time.time() if now is None else now, self.window_s)
        keys = [STORY_BANDS_PREFIX + str(n) for n in numbers]
        keys += [STORY_SIGNATURES_PREFIX + str(n) for n in numbers]
        bands = sketch.bands()
        args: list[bytes | str | int] = [len(bands), *bands, sketch.compact(),
                                         needed(self.threshold), own,
                                         slice_expiry(numbers[0], self.window_s)]  # fmt: skip
        reply = await guard(self._assign(keys=keys, args=args))
        found = reply[0]
        return found.decode() if isinstance(found, bytes) else str(found)

    async def record(self, story: str, canonical_url: str, outlet: Outlet) -> None:
        """Note an article as one of the story's outlets (up to ``STORY_OUTLETS_MAX``)."""
        ttl = math.ceil(self.window_s + slice_length(self.window_s))
        args: list[str | int] = [canonical_url, outlet.encode(), STORY_OUTLETS_MAX, ttl]
        await guard(self._record(keys=[STORY_OUTLETS_PREFIX + story], args=args))


async def read_outlets(redis: Redis, stories: Sequence[str]) -> dict[str, tuple[Outlet, ...]]:
    """The outlets recorded for each story (empty when none are, or they expired)."""
    unique = list(dict.fromkeys(stories))
    if not unique:
        return {}
    async with redis.pipeline(transaction=False) as pipe:
        for story in unique:
            pipe.hgetall(STORY_OUTLETS_PREFIX + story)
        replies = await guard(pipe.execute())
    return {story: ordered(_text(reply)) for story, reply in zip(unique, replies, strict=True)}


def _text(reply: dict[bytes | str, bytes | str]) -> dict[str, str]:
    return {_str(k): _str(v) for k, v in reply.items()}


def _str(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
