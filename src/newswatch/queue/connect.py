"""Open the Redis client: ``redis.url`` when given (a Redis Cluster with ``redis.cluster``),
otherwise the embedded server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import cast

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from newswatch.constants import REDIS_MAX_CONNECTIONS, REDIS_POOL_WAIT_S
from newswatch.errors import QueueError
from newswatch.queue.embedded import EmbeddedRedis

Redis = aioredis.Redis


def cluster_client(url: str) -> Redis:
    """A Redis Cluster client that knows the cluster from the node at ``url``.

    redis-py's RedisCluster has the commands, scripts and pipelines of its Redis client (every
    key of newswatch is in one hash slot, so transactions and multi-key scripts work too): it
    is used through the same type, so that the roles need not know which one they talk to.
    """
    return cast(Redis, aioredis.RedisCluster.from_url(url, decode_responses=True))


@asynccontextmanager
async def open_redis(
    url: str | None, data_dir: Path, *, cluster: bool = False
) -> AsyncIterator[Redis]:
    """Yield a connected client (decoded strings); stop the embedded server on exit."""
    embedded: EmbeddedRedis | None = None
    if url:
        client = cluster_client(url) if cluster else _client(url)
    else:
        embedded = EmbeddedRedis(data_dir)
        embedded.start()
        client = _client(f"unix://{embedded.socket}")
    try:
        try:
            await client.ping()
            if url and not cluster and await _cluster_enabled(client):
                raise QueueError(f"Redis at {url} is a Redis Cluster node: set redis.cluster: true")
        except (RedisError, OSError) as exc:
            raise QueueError(
                f"cannot reach Redis at {url or (embedded and embedded.socket)}: {exc}"
            ) from exc
        yield client
    finally:
        await client.aclose()
        if embedded is not None:
            embedded.stop()


async def _cluster_enabled(client: Redis) -> bool:
    info = await client.info("cluster")
    return bool(info.get("cluster_enabled"))


def _client(url: str) -> Redis:
    """A client whose commands wait for a free connection when all are in use (a worker has
    hundreds of articles in flight; redis-py's default pool raises at its 100th instead)."""
    pool = aioredis.BlockingConnectionPool.from_url(
        url,
        decode_responses=True,
        max_connections=REDIS_MAX_CONNECTIONS,
        timeout=REDIS_POOL_WAIT_S,
    )
    return aioredis.Redis.from_pool(pool)
