"""Reading the archive: an article, the latest alerts (for feeds and pages), counts and size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, func, or_, select, text

from newswatch.archive.database import Archive
from newswatch.archive.schema import articles, matches

ARTICLE_COLUMNS = [c for c in articles.c if c.name != "terms"]
ALERT_QUERY = select(*[c for c in matches.c if c.name != "article_id"], *ARTICLE_COLUMNS).join(
    articles, articles.c.id == matches.c.article_id
)
"""Alerts with their article: what ``to_alert`` reads."""


@dataclass(frozen=True)
class ArchivedArticle:
    """An archived article (its latest version); times are Unix seconds."""

    id: int
    canonical_url: str
    url: str
    title: str
    text: str
    feed: str
    site: str
    language: str | None
    author: str | None
    published: str | None
    from_page: bool
    fingerprint: str
    first_seen: float
    seen_at: float
    last_seen: float
    versions: int
    story_id: str | None

    @property
    def outlet(self) -> str:
        """Where it was published: ``site (feed name)``, or whichever of the two is known."""
        if self.site and self.feed and self.feed != self.site:
            return f"{self.site} ({self.feed})"
        return self.site or self.feed or "unknown outlet"


@dataclass(frozen=True)
class ArchivedAlert:
    """An alert raised on an archived article, with the evidence its notifiers were given."""

    alert_id: str
    watch: str
    update_of: str | None
    detected_at: float
    hits: list[dict[str, Any]]
    snippet: str
    marks: list[list[int]]
    entities: list[str]
    article: ArchivedArticle


@dataclass(frozen=True)
class Summary:
    """How much the archive holds: ``oldest`` is the first sighting of the oldest article."""

    articles: int
    alerts: int
    oldest: float | None
    size_bytes: int


def to_article(row: Row[Any]) -> ArchivedArticle:
    """An article from a row holding (at least) ``ARTICLE_COLUMNS``."""
    mapping = row._mapping
    return ArchivedArticle(**{c.name: mapping[c.name] for c in ARTICLE_COLUMNS})


def article(
    archive: Archive, *, id: int | None = None, url: str | None = None
) -> ArchivedArticle | None:
    """The article with this id, or whose URL or canonical URL is ``url``."""
    query = select(*ARTICLE_COLUMNS)
    if id is not None:
        query = query.where(articles.c.id == id)
    if url is not None:
        query = query.where(or_(articles.c.canonical_url == url, articles.c.url == url))
    with archive.begin("reading an article") as conn:
        row = conn.execute(query.limit(1)).first()
    return to_article(row) if row is not None else None


def latest_alerts(
    archive: Archive, watch: str | None = None, limit: int = 50
) -> list[ArchivedAlert]:
    """The newest alerts, of every watch or of one, newest first."""
    query = ALERT_QUERY
    if watch is not None:
        query = query.where(matches.c.watch == watch)
    query = query.order_by(matches.c.detected_at.desc(), matches.c.alert_id).limit(limit)
    with archive.begin("reading the latest alerts") as conn:
        rows = conn.execute(query).all()
    return [to_alert(row) for row in rows]


def to_alert(row: Row[Any]) -> ArchivedAlert:
    """An alert from a row holding the ``matches`` columns and ``ARTICLE_COLUMNS``."""
    m = row._mapping
    return ArchivedAlert(
        alert_id=m["alert_id"], watch=m["watch"], update_of=m["update_of"],
        detected_at=m["detected_at"], hits=m["hits"], snippet=m["snippet"], marks=m["marks"],
        entities=m["entities"], article=to_article(row),
    )  # fmt: skip


def summary(archive: Archive) -> Summary:
    """Articles and alerts held, the oldest article's first sighting, the size on disk."""
    with archive.begin("counting the archive") as conn:
        count, oldest = conn.execute(select(func.count(), func.min(articles.c.first_seen))).one()
        alerts = conn.execute(select(func.count()).select_from(matches)).scalar_one()
        size = conn.execute(text(_SIZE[archive.kind])).scalar_one()
    return Summary(int(count), int(alerts), oldest, int(size or 0))


_SIZE = {
    "sqlite": "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
    "postgresql": "SELECT pg_total_relation_size('articles') + pg_total_relation_size('matches')",
}
