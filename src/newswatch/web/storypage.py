"""GET /stories/{story}: a story's outlets and versions, the alerts raised on it and the full
text with the hits of the watches it matched; GET /articles/{id}: the story of an article
(itself alone when stories are off or it has none yet).

The hits are found again in the text as the archive holds it (its latest version) by the
config's compiled watches: the offsets an alert kept point into the version it was raised on.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from aiohttp import web

from newswatch.archive.browse import alerts_on
from newswatch.archive.database import Archive
from newswatch.archive.read import ArchivedAlert, ArchivedArticle, article
from newswatch.archive.search import document
from newswatch.archive.stories import articles_of
from newswatch.match import Watchlist
from newswatch.web.page import page
from newswatch.web.state import STATE, ask

Marks = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Outlet:
    """One article of a story, with the spans of its title and text the watches hit."""

    article: ArchivedArticle
    title_marks: Marks
    text_marks: Marks


@dataclass(frozen=True)
class Story:
    """A story: its articles (first seen first) and every alert raised on them."""

    id: str | None
    outlets: list[Outlet]
    alerts: list[ArchivedAlert]

    @property
    def watches(self) -> list[str]:
        """The watches that alerted on the story."""
        return sorted({a.watch for a in self.alerts})


def marked(item: ArchivedArticle, watches: set[str], watchlist: Watchlist | None) -> Outlet:
    """``item`` with the hits of ``watches`` in it (none without a watchlist)."""
    found = watchlist.match(document(item)) if watchlist else []
    hits = [hit for match in found if match.watch in watches for hit in match.hits]
    spans = {field: tuple(sorted({(h.start, h.end) for h in hits if h.field == field}))
             for field in ("title", "body")}  # fmt: skip
    return Outlet(item, spans["title"], spans["body"])


def read_story(
    archive: Archive, story_id: str | None, article_id: int | None, watchlist: Watchlist | None
) -> Story | None:
    """The story ``story_id``, or the story of article ``article_id``; None when unknown."""
    alone: list[ArchivedArticle] = []
    if article_id is not None:
        found = article(archive, id=article_id)
        story_id = found.story_id if found else None
        alone = [found] if found else []
    items = articles_of(archive, [story_id]).get(story_id, []) if story_id else alone
    if not items:
        return None
    alerts = alerts_on(archive, [a.id for a in items])
    watches = {a.watch for a in alerts}
    return Story(story_id, [marked(a, watches, watchlist) for a in items], alerts)


async def _show(request: web.Request, story_id: str | None, article_id: int | None) -> web.Response:
    state = request.app[STATE]
    story = await ask(request, partial(read_story, story_id=story_id, article_id=article_id,
                                       watchlist=state.watchlist))  # fmt: skip
    if story is None:
        return page(request, "missing.html", status=404, page="story", what="story")
    return page(request, "story.html", page="story", story=story)


async def by_story(request: web.Request) -> web.Response:
    """The story with this id."""
    return await _show(request, request.match_info["story"], None)


async def by_article(request: web.Request) -> web.Response:
    """The story of the article with this id."""
    return await _show(request, None, int(request.match_info["article"]))


ROUTES = [
    web.get("/stories/{story}", by_story),
    web.get(r"/articles/{article:\d{1,18}}", by_article),
]
