"""GET /feeds (every feed's health, as ``newswatch feeds``) and GET /dead-letters, with POST
/dead-letters/replay and /dead-letters/drop (as ``newswatch dlq replay|drop``): what Redis
knows, read and changed through the same functions as the commands."""

from __future__ import annotations

import re
import time

from aiohttp import web
from redis.asyncio import Redis

from newswatch.config.durations import format_duration
from newswatch.delivery.deadletters import dead_letters, drop, replay
from newswatch.errors import NewswatchError
from newswatch.feeds.health import ORDER, ago, feed_health
from newswatch.web.page import page, see_other
from newswatch.web.state import STATE


def redis_of(request: web.Request) -> Redis:
    """The Redis the daemon uses; 404 when this server has none."""
    redis = request.app[STATE].redis
    if redis is None:
        raise web.HTTPNotFound(text="404: this server reads no Redis\n")
    return redis


def unavailable(request: web.Request, exc: NewswatchError) -> web.Response:
    """503: Redis cannot be read just now."""
    return page(request, "unavailable.html", status=503, page=request.path.strip("/"),
                problem=str(exc))  # fmt: skip


async def feeds_page(request: web.Request) -> web.Response:
    """The feeds' health table, worst first."""
    now = time.time()
    try:
        rows = await feed_health(redis_of(request), request.app[STATE].feeds, now)
    except NewswatchError as exc:
        return unavailable(request, exc)
    counts = {status: sum(r["status"] == status for r in rows) for status in ORDER}
    return page(request, "feeds.html", page="feeds", rows=rows, counts=counts, now=now,
                ago=ago, duration=format_duration)  # fmt: skip


async def dead_letters_page(request: web.Request) -> web.Response:
    """The dead letters, oldest first, each with its replay and drop buttons."""
    try:
        letters = await dead_letters(redis_of(request))
    except NewswatchError as exc:
        return unavailable(request, exc)
    done = request.query.get("done", "")
    return page(request, "dead_letters.html", page="dead-letters", letters=letters,
                done=DONE.get(done))  # fmt: skip


DONE = {
    "replayed": "Re-queued for its notifier: the running daemon delivers it.",
    "dropped": "Dropped for good.",
    "gone": "That dead letter was not there any more.",
}
"""What the page says after a POST (the redirect names one of these; nothing else is shown)."""


async def replay_one(request: web.Request) -> web.StreamResponse:
    """Replay the dead letter named in the form."""
    redis, wanted = redis_of(request), await letter_id(request)
    try:
        done = await replay(redis, await dead_letters(redis, [wanted]))
    except NewswatchError as exc:
        return unavailable(request, exc)
    raise see_other(request, "/dead-letters?done=" + ("replayed" if done else "gone"))


async def drop_one(request: web.Request) -> web.StreamResponse:
    """Drop the dead letter named in the form."""
    redis, wanted = redis_of(request), await letter_id(request)
    try:
        done = await drop(redis, [wanted])
    except NewswatchError as exc:
        return unavailable(request, exc)
    raise see_other(request, "/dead-letters?done=" + ("dropped" if done else "gone"))


STREAM_ID = re.compile(r"\d{1,20}-\d{1,20}")


async def letter_id(request: web.Request) -> str:
    """The dead letter's stream id from the form; 400 without one."""
    given = (await request.post()).get("id")
    if not isinstance(given, str) or not STREAM_ID.fullmatch(given):
        raise web.HTTPBadRequest(text="400: which dead letter? (the form has no id)\n")
    return given


ROUTES = [
    web.get("/feeds", feeds_page),
    web.get("/dead-letters", dead_letters_page),
    web.post("/dead-letters/replay", replay_one),
    web.post("/dead-letters/drop", drop_one),
]
