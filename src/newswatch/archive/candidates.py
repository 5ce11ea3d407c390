"""Candidates for search and backfill: the articles that meet a presearch requirement, newest
first, in batches (keyset pages on (seen_at, id)); and the watches that alerted on articles."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import ColumnElement, Integer, column, literal, select, text, tuple_
from sqlalchemy.dialects.postgresql import TSQUERY

from newswatch.archive.database import Archive
from newswatch.archive.presearch import Requirement, fts5, tsquery
from newswatch.archive.read import ARTICLE_COLUMNS, ArchivedArticle, to_article
from newswatch.archive.schema import FTS_TABLE, articles, matches

BATCH = 500


def candidates(
    archive: Archive,
    required: Requirement | None,
    since: float | None = None,
    batch: int = BATCH,
    after: tuple[float, int] | None = None,
) -> Iterator[list[ArchivedArticle]]:
    """Batches of the articles that meet ``required`` (every article when None), seen since
    ``since`` (Unix seconds), newest first, from after ``after`` ((seen_at, id)) on."""
    query = select(*ARTICLE_COLUMNS).order_by(articles.c.seen_at.desc(), articles.c.id.desc())
    if required is not None:
        query = query.where(_meets(archive, required))
    if since is not None:
        query = query.where(articles.c.seen_at >= since)
    while True:
        page = query if after is None else query.where(
            tuple_(articles.c.seen_at, articles.c.id) < tuple_(*after)
        )  # fmt: skip
        with archive.begin("searching the archive") as conn:
            rows = conn.execute(page.limit(batch)).all()
        if rows:
            yield [to_article(row) for row in rows]
        if len(rows) < batch:
            return
        after = (rows[-1].seen_at, rows[-1].id)


def _meets(archive: Archive, required: Requirement) -> ColumnElement[Any]:
    if archive.kind == "postgresql":
        return articles.c.terms.op("@@")(literal(tsquery(required)).cast(TSQUERY))
    found = text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :fts").bindparams(
        fts=fts5(required)
    )
    return articles.c.id.in_(found.columns(column("rowid", Integer)))


def watches_of(archive: Archive, ids: list[int]) -> dict[int, list[str]]:
    """Article id -> the watches that alerted on it (sorted)."""
    if not ids:
        return {}
    query = (
        select(matches.c.article_id, matches.c.watch)
        .where(matches.c.article_id.in_(ids))
        .distinct()
        .order_by(matches.c.article_id, matches.c.watch)
    )
    found: dict[int, list[str]] = {}
    with archive.begin("reading alerts") as conn:
        for article_id, watch in conn.execute(query):
            found.setdefault(article_id, []).append(watch)
    return found
