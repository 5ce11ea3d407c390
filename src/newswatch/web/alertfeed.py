"""Archived alerts as Atom: the feed of every watch, or of one (pure).

An entry's id is ``urn:newswatch:alert:<alert id>``, stable across restarts and processes (the
alert id is a hash of the watch and the story); ``updated`` is when the alert was raised.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from newswatch.archive.read import ArchivedAlert, ArchivedArticle
from newswatch.notify.templates import is_web_url
from newswatch.web import atom
from newswatch.web.render import parse_time, render

FEED_SIZE = 50
"""Entries in a feed: the latest alerts."""
EMPTY_FEED_UPDATED = datetime(2026, 1, 1, tzinfo=UTC)
"""``updated`` of a feed with no entry yet: fixed, so that its ETag does not change."""


def entry(alert: ArchivedAlert, story: Sequence[ArchivedArticle] = ()) -> atom.Entry:
    """The Atom entry of one alert; ``story``: the archived articles of its story, whose other
    outlets the entry names ("also reported by")."""
    article = alert.article
    others = [a for a in story if a.id != article.id]
    title = article.title.strip() or article.url or "(untitled)"
    published = parse_time(article.published)
    content = render("feed_entry.html", alert=alert, article=article, outlet=article.outlet,
                     published=published, others=others)  # fmt: skip
    return atom.Entry(
        id=f"urn:newswatch:alert:{alert.alert_id}",
        title=f"Update: {title}" if alert.update_of else title,
        updated=datetime.fromtimestamp(alert.detected_at, UTC),
        published=published,
        author=article.outlet,
        link=article.url if is_web_url(article.url) else None,
        categories=(alert.watch,),
        language=article.language,
        content_html=content,
    )


def feed(
    alerts: list[ArchivedAlert],
    self_url: str,
    watch: str | None = None,
    query: str | None = None,
    stories: Mapping[str, Sequence[ArchivedArticle]] | None = None,
) -> atom.Feed:
    """The feed of ``alerts`` (newest first): of every watch, or of ``watch`` (with its query);
    ``stories``: story id -> its archived articles."""
    stories = stories or {}
    entries = tuple(entry(a, stories.get(a.article.story_id or "", ())) for a in alerts)
    return atom.Feed(
        id=f"urn:newswatch:watch:{watch}" if watch else "urn:newswatch:alerts",
        title=f"newswatch: {watch}" if watch else "newswatch: every watch",
        subtitle=query,
        self_url=self_url,
        updated=max((e.updated for e in entries), default=EMPTY_FEED_UPDATED),
        entries=entries,
    )
