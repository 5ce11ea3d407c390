"""Reading the archive for the web pages: alerts a page at a time, how many outlets stories have.

Alerts are paged by key, newest first on (``detected_at``, ``alert_id``): the next page starts
below the last alert shown, so a page costs the same however deep it is, on the
``detected_at`` indexes.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select, tuple_

from newswatch.archive.database import Archive
from newswatch.archive.read import ALERT_QUERY, ArchivedAlert, to_alert
from newswatch.archive.schema import articles, matches

Cursor = tuple[float, str]
"""Where a page of alerts starts: below this (``detected_at``, ``alert_id``)."""


@dataclass(frozen=True)
class AlertFilter:
    """Which alerts a page shows: of one watch, in one language, below a cursor."""

    watch: str | None = None
    language: str | None = None
    before: Cursor | None = None


def alert_page(archive: Archive, wanted: AlertFilter, size: int) -> list[ArchivedAlert]:
    """Up to ``size`` alerts that ``wanted`` selects, newest first."""
    query = ALERT_QUERY
    if wanted.watch is not None:
        query = query.where(matches.c.watch == wanted.watch)
    if wanted.language is not None:
        query = query.where(articles.c.language == wanted.language)
    if wanted.before is not None:
        key = tuple_(matches.c.detected_at, matches.c.alert_id)
        query = query.where(key < tuple_(*wanted.before))
    query = query.order_by(matches.c.detected_at.desc(), matches.c.alert_id.desc()).limit(size)
    with archive.begin("reading alerts") as conn:
        return [to_alert(row) for row in conn.execute(query)]


def alerts_by_id(archive: Archive, ids: Collection[str]) -> dict[str, ArchivedAlert]:
    """The alerts with these ids (those that exist)."""
    if not ids:
        return {}
    query = ALERT_QUERY.where(matches.c.alert_id.in_(list(ids)))
    with archive.begin("reading alerts") as conn:
        return {alert.alert_id: alert for alert in map(to_alert, conn.execute(query))}


def alerts_on(archive: Archive, article_ids: Collection[int]) -> list[ArchivedAlert]:
    """Every alert raised on these articles, oldest first."""
    if not article_ids:
        return []
    query = ALERT_QUERY.where(matches.c.article_id.in_(list(article_ids)))
    query = query.order_by(matches.c.detected_at, matches.c.alert_id)
    with archive.begin("reading alerts") as conn:
        return [to_alert(row) for row in conn.execute(query)]


def story_sizes(archive: Archive, story_ids: Collection[str]) -> dict[str, int]:
    """Story id -> how many archived articles (outlets) it has."""
    if not story_ids:
        return {}
    query = (
        select(articles.c.story_id, func.count())
        .where(articles.c.story_id.in_(list(story_ids)))
        .group_by(articles.c.story_id)
    )
    with archive.begin("counting outlets") as conn:
        return {story: int(n) for story, n in conn.execute(query)}


def languages(archive: Archive) -> list[str]:
    """The languages of the archived articles, sorted."""
    query = select(articles.c.language).where(articles.c.language.is_not(None)).distinct()
    with archive.begin("listing languages") as conn:
        return sorted(str(language) for (language,) in conn.execute(query))
