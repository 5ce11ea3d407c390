"""/metrics (Prometheus text) and /healthz on ``http.listen`` (served by ``newswatch.web``)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Collection
from dataclasses import dataclass

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from redis.asyncio import Redis

from newswatch.errors import QueueError
from newswatch.observe import metrics
from newswatch.queue.info import stream_info

MAX_LAG = 10_000
TICK_STALE_S = 30.0
REDIS_TIMEOUT_S = 2.0


@dataclass
class HealthInputs:
    """What /healthz looks at."""

    redis: Redis
    roles: Collection[str]
    heartbeat: metrics.Heartbeat
    max_lag: int = MAX_LAG
    tick_stale_s: float = TICK_STALE_S


async def refresh_stream_gauges(redis: Redis) -> None:
    """Read stream lengths, pending counts, lag and consumers into the gauges."""
    for info in await stream_info(redis):
        metrics.STREAM_LENGTH.labels(info.name).set(info.length)
        metrics.STREAM_PENDING.labels(info.name).set(info.pending)
        metrics.STREAM_LAG.labels(info.name).set(info.lag)
        metrics.STREAM_CONSUMERS.labels(info.name).set(info.consumers)


async def health(inputs: HealthInputs) -> tuple[bool, dict[str, object]]:
    """(healthy, details): Redis reachable, scheduler ticking, lag under the threshold."""
    details: dict[str, object] = {}
    try:
        async with asyncio.timeout(REDIS_TIMEOUT_S):
            infos = await stream_info(inputs.redis)
    except (QueueError, TimeoutError) as exc:
        return False, {"redis": f"unreachable: {exc or type(exc).__name__}"}
    details["redis"] = "ok"
    ok = True
    if "poller" in inputs.roles:
        age = time.time() - inputs.heartbeat.last
        details["scheduler_tick_age_s"] = round(age, 1)
        ok = ok and age < inputs.tick_stale_s
    for info in infos[:2]:
        details[f"{info.name}_lag"] = info.lag
        ok = ok and info.lag < inputs.max_lag
    return ok, details


def routes(inputs: HealthInputs) -> list[web.RouteDef]:
    """GET /metrics and GET /healthz (the app is made in ``newswatch.web``)."""

    async def metrics_view(_request: web.Request) -> web.Response:
        # Without Redis the counters are still worth serving; /healthz reports the outage.
        with contextlib.suppress(QueueError, TimeoutError):
            async with asyncio.timeout(REDIS_TIMEOUT_S):
                await refresh_stream_gauges(inputs.redis)
        body = generate_latest(metrics.REGISTRY)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def healthz_view(_request: web.Request) -> web.Response:
        ok, details = await health(inputs)
        body = json.dumps({"status": "ok" if ok else "unhealthy", **details})
        return web.Response(text=body, status=200 if ok else 503, content_type="application/json")

    return [web.get("/metrics", metrics_view), web.get("/healthz", healthz_view)]
