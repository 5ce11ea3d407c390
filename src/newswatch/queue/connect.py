"""Open the Redis client: ``redis.url`` when given (a Redis Cluster with ``redis.cluster``),
otherwise the embedded server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import cast

import redis.asyncio as aioredis
from redis.exceptions import RedisError

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
        client = cluster_client(url) if cluster else aioredis.from_url(url, decode_responses=True)
    else:
        embedded = EmbeddedRedis(data_dir)
        embedded.start()
        client = aioredis.Redis(unix_socket_path=str(embedded.socket), decode_responses=True)
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
