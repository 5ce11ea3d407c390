"""Stream trimming against a real Redis: acknowledged entries go, pending and unread ones stay."""

from __future__ import annotations

import redis.asyncio as aioredis

from newswatch.daemon.housekeeping import trim_floor, trim_stream
from newswatch.queue.streams import Consumer, publish

STREAM, GROUP = "nw:{nw}:test-trim", "g"


def test_floor_is_the_oldest_of_pending_undelivered_and_retained() -> None:
    assert trim_floor("5-0", "3-1", "9-0") == "3-1"
    assert trim_floor("5-0", None, "9-0") == "5-0"
    assert trim_floor("12-0", None, "9-0") == "9-0"
    assert trim_floor("10-2", "10-10", "0-0") == "0-0"


async def test_trim_keeps_every_unacknowledged_entry(redis_client: aioredis.Redis) -> None:
    ids = [await publish(redis_client, STREAM, {"n": n}) for n in range(20)]
    consumer = Consumer(redis_client, STREAM, GROUP, "c1", visibility_ms=60_000)
    await consumer.start()
    batch = await consumer.read(15, None)  # 15 delivered, 5 never read
    for message in batch[:10]:
        await consumer.ack(message.id)  # 10 acked, 5 pending

    removed = await trim_stream(redis_client, STREAM, GROUP, retain=2)

    left = [entry_id for entry_id, _ in await redis_client.xrange(STREAM)]
    assert removed == 10
    assert left == ids[10:]  # 5 pending + 5 unread
    assert await consumer.pending_count() == 5


async def test_trim_keeps_the_retained_tail_of_acknowledged_entries(
    redis_client: aioredis.Redis,
) -> None:
    ids = [await publish(redis_client, STREAM, {"n": n}) for n in range(8)]
    consumer = Consumer(redis_client, STREAM, GROUP, "c1", visibility_ms=60_000)
    await consumer.start()
    for message in await consumer.read(8, None):
        await consumer.ack(message.id)

    assert await trim_stream(redis_client, STREAM, GROUP, retain=3) == 5
    assert [entry_id for entry_id, _ in await redis_client.xrange(STREAM)] == ids[5:]
    assert await trim_stream(redis_client, STREAM, GROUP, retain=3) == 0
