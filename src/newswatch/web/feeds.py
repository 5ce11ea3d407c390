"""GET /feed.atom (every watch) and GET /watches/{watch}/feed.atom: the latest alerts as Atom.

Readers poll: the ETag is a hash of the document, so an unchanged feed costs them a 304.
"""

from __future__ import annotations

import hashlib
from functools import partial

from aiohttp import web

from newswatch.archive.database import Archive
from newswatch.archive.read import ArchivedAlert, ArchivedArticle, latest_alerts
from newswatch.archive.stories import articles_of
from newswatch.web import alertfeed, atom
from newswatch.web.security import public_url
from newswatch.web.state import STATE, ask

FEED_CACHE_CONTROL = "private, no-cache"
"""Keep it out of shared caches (it may need a token); readers revalidate with the ETag."""


async def every_watch(request: web.Request) -> web.Response:
    """The feed of every watch's alerts."""
    return await _feed(request, None)


async def one_watch(request: web.Request) -> web.Response:
    """The feed of one watch's alerts; 404 for a watch the config does not have."""
    watch = request.match_info["watch"]
    if watch not in request.app[STATE].watches:
        raise web.HTTPNotFound(text=f"404: no watch {watch!r} in the config\n")
    return await _feed(request, watch)


def alerts_and_stories(
    archive: Archive, watch: str | None
) -> tuple[list[ArchivedAlert], dict[str, list[ArchivedArticle]]]:
    """The latest alerts (of one watch, or of all) and the articles of their stories."""
    alerts = latest_alerts(archive, watch=watch, limit=alertfeed.FEED_SIZE)
    return alerts, articles_of(archive, {a.article.story_id for a in alerts if a.article.story_id})


async def _feed(request: web.Request, watch: str | None) -> web.Response:
    alerts, stories = await ask(request, partial(alerts_and_stories, watch=watch))
    query = request.app[STATE].watches.get(watch) if watch else None
    document = atom.render(alertfeed.feed(alerts, public_url(request), watch, query, stories))
    return conditional(request, document, atom.CONTENT_TYPE)


def conditional(request: web.Request, body: bytes, content_type: str) -> web.Response:
    """200 with ``body`` and its ETag, or 304 when the client already has it."""
    etag = hashlib.sha256(body).hexdigest()[:32]
    headers = {"Cache-Control": FEED_CACHE_CONTROL}
    if any(tag.value in (etag, "*") for tag in request.if_none_match or ()):
        response = web.Response(status=304, headers=headers)
    else:
        response = web.Response(body=body, headers={**headers, "Content-Type": content_type})
    response.etag = etag
    return response


ROUTES = [
    web.get("/feed.atom", every_watch),
    web.get("/watches/{watch}/feed.atom", one_watch),
]
