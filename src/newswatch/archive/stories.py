"""Reading stories from the archive: the articles of several stories at once, and the biggest
stories of a period (``newswatch stories``, the Atom entries' "also reported by")."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select

from newswatch.archive.database import Archive
from newswatch.archive.read import ARTICLE_COLUMNS, ArchivedArticle, to_article
from newswatch.archive.schema import articles


@dataclass(frozen=True)
class ArchivedStory:
    """A story and its archived articles (its outlets), first seen first."""

    id: str
    articles: list[ArchivedArticle]


def articles_of(archive: Archive, story_ids: Collection[str]) -> dict[str, list[ArchivedArticle]]:
    """Story id -> its archived articles, first seen first (stories without any left out)."""
    if not story_ids:
        return {}
    query = select(*ARTICLE_COLUMNS).where(articles.c.story_id.in_(list(story_ids)))
    query = query.order_by(articles.c.first_seen, articles.c.id)
    found: dict[str, list[ArchivedArticle]] = {}
    with archive.begin("reading stories") as conn:
        for row in conn.execute(query):
            article = to_article(row)
            found.setdefault(str(article.story_id), []).append(article)
    return found


def biggest(archive: Archive, since: float | None = None, limit: int = 20) -> list[ArchivedStory]:
    """The stories with the most articles seen since ``since`` (all time when None), biggest
    first, then the most recently seen; each with all its articles."""
    size = func.count().label("size")
    query = select(articles.c.story_id, size, func.max(articles.c.last_seen).label("latest"))
    query = query.where(articles.c.story_id.is_not(None))
    if since is not None:
        query = query.where(articles.c.last_seen >= since)
    query = query.group_by(articles.c.story_id)
    query = query.order_by(size.desc(), func.max(articles.c.last_seen).desc()).limit(limit)
    with archive.begin("listing stories") as conn:
        ids = [str(story) for story, _, _ in conn.execute(query)]
    found = articles_of(archive, ids)
    return [ArchivedStory(story, found.get(story, [])) for story in ids]
