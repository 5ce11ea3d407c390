"""The web app on a free port of 127.0.0.1, as the daemon serves it, for a real client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import redis.asyncio as aioredis

from newswatch.observe.metrics import Heartbeat
from newswatch.observe.server import HealthInputs
from newswatch.web import WebState, serve
from tests.support.smtp import free_port


@asynccontextmanager
async def served(redis_url: str, state: WebState, token: str | None) -> AsyncIterator[str]:
    """The app (with /healthz, feed health and dead letters over the Redis at ``redis_url``,
    as the daemon's client reads it) on a free port; its base URL."""
    client = aioredis.Redis.from_url(redis_url, decode_responses=True)
    state.redis = client
    listen = f"127.0.0.1:{free_port()}"
    try:
        async with serve(listen, HealthInputs(client, ("worker",), Heartbeat()), state, token):
            yield f"http://{listen}"
    finally:
        await client.aclose()


async def fetch(url: str, headers: dict[str, str], **kw: object) -> httpx.Response:
    """GET ``url`` with a fresh client (no connection reused between requests)."""
    async with httpx.AsyncClient(timeout=10) as http:
        return await http.get(url, headers=headers, **kw)  # type: ignore[arg-type]
