"""Open the Redis client: ``redis.url`` when given, otherwise the embedded server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from newswatch.errors import QueueError
from newswatch.queue.embedded import EmbeddedRedis

Redis = aioredis.Redis


@asynccontextmanager
async def open_redis(url: str | None, data_dir: Path) -> AsyncIterator[Redis]:
    """Yield a connected client (decoded strings); stop the embedded server on exit."""
    embedded: EmbeddedRedis | None = None
    if url:
        client = aioredis.from_url(url, decode_responses=True)
    else:
        embedded = EmbeddedRedis(data_dir)
        embedded.start()
        client = aioredis.Redis(unix_socket_path=str(embedded.socket), decode_responses=True)
    try:
        try:
            await client.ping()
        except (RedisError, OSError) as exc:
            raise QueueError(
                f"cannot reach Redis at {url or (embedded and embedded.socket)}: {exc}"
            ) from exc
        yield client
    finally:
        await client.aclose()
        if embedded is not None:
            embedded.stop()
