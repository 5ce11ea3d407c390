"""The story index on a real Redis: copies join the first story, others start their own."""

from __future__ import annotations

import asyncio
import random

import redis.asyncio as aioredis

from newswatch.constants import STORY_BANDS_PREFIX, STORY_OUTLETS_MAX, STORY_SIGNATURES_PREFIX
from newswatch.stories import Outlet, StoryIndex, read_outlets, sketch, story_id
from newswatch.stories.index import live_slices
from tests.support.redis_cluster import RedisCluster

WINDOW = 72 * 3600.0
NOW = 1_800_000_000.0
VOCABULARY = [f"w{i}" for i in range(5000)]


def text(seed: int, n: int = 300) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(VOCABULARY) for _ in range(n))


def copy_of(body: str) -> str:
    """Another outlet's copy: its own header and footer, a paragraph cut, a word changed."""
    words = body.split()
    words[10] = "edited"
    return " ".join(["Home", "World", "Politics", *words[:150], *words[180:], "Share", "this"])


async def test_a_copy_joins_the_first_story_and_an_unrelated_text_starts_its_own(
    redis_client: aioredis.Redis,
) -> None:
    index = StoryIndex(redis_client, WINDOW, 0.4)
    first = await index.assign(sketch(text(1)), "https://a.example/1", NOW)
    assert first == story_id("https://a.example/1")
    joined = await index.assign(sketch(copy_of(text(1))), "https://b.example/x", NOW + 60)
    assert joined == first
    other = await index.assign(sketch(text(2)), "https://c.example/2", NOW + 120)
    assert other == story_id("https://c.example/2")
    # the same article again (a redelivered entry) finds its own story
    assert await index.assign(sketch(text(1)), "https://a.example/1", NOW + 180) == first


async def test_a_short_text_is_a_story_of_its_own_and_not_indexed(
    redis_client: aioredis.Redis,
) -> None:
    index = StoryIndex(redis_client, WINDOW, 0.4)
    assert await index.assign(sketch("Breaking news"), "https://a.example/s", NOW) == story_id(
        "https://a.example/s"
    )
    assert await redis_client.keys("*stories*") == []


async def test_a_copy_after_the_window_starts_a_new_story(redis_client: aioredis.Redis) -> None:
    index = StoryIndex(redis_client, WINDOW, 0.4)
    first = await index.assign(sketch(text(3)), "https://a.example/3", NOW)
    later = NOW + WINDOW + WINDOW / 12 + 1
    assert await index.assign(sketch(copy_of(text(3))), "https://b.example/3", later) != first


async def test_the_threshold_decides_what_joins(redis_client: aioredis.Redis) -> None:
    strict = StoryIndex(redis_client, WINDOW, 0.99)
    first = await strict.assign(sketch(text(4)), "https://a.example/4", NOW)
    assert await strict.assign(sketch(copy_of(text(4))), "https://b.example/4", NOW) != first


async def test_two_copies_at_once_agree_on_one_story(redis_client: aioredis.Redis) -> None:
    indexes = [StoryIndex(redis_client, WINDOW, 0.4) for _ in range(2)]
    for seed in range(10, 20):
        body = text(seed)
        found = await asyncio.gather(
            indexes[0].assign(sketch(body), f"https://a.example/{seed}", NOW),
            indexes[1].assign(sketch(copy_of(body)), f"https://b.example/{seed}", NOW),
        )
        assert found[0] == found[1]


async def test_slices_expire_whole_after_the_window(redis_client: aioredis.Redis) -> None:
    index = StoryIndex(redis_client, WINDOW, 0.4)
    now = 1_900_000_000.0
    await index.assign(sketch(text(5)), "https://a.example/5", now)
    current = live_slices(now, WINDOW)[0]
    for prefix in (STORY_BANDS_PREFIX, STORY_SIGNATURES_PREFIX):
        expires_at = await redis_client.expiretime(prefix + str(current))
        assert now + WINDOW < expires_at <= now + WINDOW + WINDOW / 12 + 1


async def test_outlets_are_recorded_once_each_and_bounded(redis_client: aioredis.Redis) -> None:
    index = StoryIndex(redis_client, WINDOW, 0.4)
    outlet = Outlet("a.example", "https://a.example/1", "First", None, 1.0)
    await index.record("s1", "https://a.example/1", outlet)
    await index.record(
        "s1", "https://a.example/1", Outlet("a.example", outlet.url, "Edited", None, 1.0)
    )
    for n in range(STORY_OUTLETS_MAX + 5):
        url = f"https://o{n}.example/1"
        await index.record("s1", url, Outlet(f"o{n}.example", url, "Copy", None, 2.0 + n))
    outlets = await read_outlets(redis_client, ["s1", "s1", "none"])
    assert len(outlets["s1"]) == STORY_OUTLETS_MAX and outlets["none"] == ()
    assert outlets["s1"][0].title == "Edited" and outlets["s1"][1].site == "o0.example"
    assert await redis_client.ttl("nw:{nw}:stories:outlets:s1") > WINDOW


async def test_the_index_works_on_a_redis_cluster(redis_cluster: RedisCluster) -> None:
    client = aioredis.RedisCluster.from_url(redis_cluster.url, decode_responses=True)
    try:
        index = StoryIndex(client, WINDOW, 0.4)  # type: ignore[arg-type]
        first = await index.assign(sketch(text(30)), "https://a.example/30", NOW)
        assert await index.assign(sketch(copy_of(text(30))), "https://b.example/30", NOW) == first
        await index.record(
            first, "https://b.example/30", Outlet("b", "https://b.example/30", "B", None)
        )
        outlets = await read_outlets(client, [first])  # type: ignore[arg-type]
        assert [o.site for o in outlets[first]] == ["b"]
    finally:
        await client.aclose()
