"""GET /: the archived alerts, newest first, a page at a time, of one watch or language.

``?watch=ID`` and ``?lang=CODE`` filter; ``?before=SECONDS:ALERT_ID`` is where a page starts
(the "older" link writes it).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from urllib.parse import urlencode

from aiohttp import web

from newswatch.archive.browse import (
    AlertFilter,
    Cursor,
    alert_page,
    alerts_by_id,
    languages,
    story_sizes,
)
from newswatch.archive.database import Archive
from newswatch.archive.read import ArchivedAlert
from newswatch.web.page import page
from newswatch.web.position import format_position, parse_position
from newswatch.web.state import STATE, ask

PAGE_SIZE = 50


@dataclass(frozen=True)
class Listing:
    """A page of alerts and what it shows beside them."""

    alerts: list[ArchivedAlert]
    next: Cursor | None
    """Where the next (older) page starts; None on the last page."""
    outlets: dict[str, int]
    """Story id -> how many articles (outlets) it has."""
    updated: dict[str, ArchivedAlert]
    """The alerts that update alerts on this page update, by id."""
    languages: list[str]


def listing(archive: Archive, wanted: AlertFilter, size: int = PAGE_SIZE) -> Listing:
    """The page of alerts ``wanted`` selects (one more is read, to know there is a next page)."""
    alerts = alert_page(archive, wanted, size + 1)
    shown = alerts[:size]
    last = shown[-1] if len(alerts) > size else None
    stories = {a.article.story_id for a in shown if a.article.story_id}
    return Listing(
        alerts=shown,
        next=(last.detected_at, last.alert_id) if last else None,
        outlets=story_sizes(archive, stories),
        updated=alerts_by_id(archive, {a.update_of for a in shown if a.update_of}),
        languages=languages(archive),
    )


def chosen(request: web.Request, name: str) -> str | None:
    """A filter's value, None when it is absent or empty."""
    return request.query.get(name, "").strip() or None


async def alerts(request: web.Request) -> web.Response:
    """The page of alerts."""
    wanted = AlertFilter(chosen(request, "watch"), chosen(request, "lang"),
                         parse_position(request.query.get("before"), str))  # fmt: skip
    found = await ask(request, partial(listing, wanted=wanted))
    older = older_href(wanted, found.next) if found.next else None
    return page(request, "alerts.html", page="alerts", listing=found, wanted=wanted,
                older=older, watches=sorted(request.app[STATE].watches))  # fmt: skip


def older_href(wanted: AlertFilter, cursor: Cursor) -> str:
    """The link to the page after ``cursor``, with the same filters."""
    params = {"watch": wanted.watch, "lang": wanted.language,
              "before": format_position(cursor)}  # fmt: skip
    return "/?" + urlencode({k: v for k, v in params.items() if v})


ROUTES = [web.get("/", alerts)]
