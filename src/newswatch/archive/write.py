"""Writing the archive: a batch of records in one transaction, and pruning by age."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from newswatch.alerts import Alert
from newswatch.archive.database import Archive
from newswatch.archive.records import Batch, alert_fields, batch, match_row
from newswatch.archive.schema import articles, matches

_REPLACED = ("url", "title", "text", "feed", "site", "language", "author", "published",
             "from_page", "fingerprint", "story_id", "terms")  # fmt: skip


def write_records(archive: Archive, records: Iterable[dict[str, Any]]) -> Batch:
    """Store a batch of archive records in one transaction; returns its rows.

    A record written twice (redelivered after a crash) changes nothing the second time: a
    story's version count grows only when its text fingerprint changes.
    """
    rows = batch(records)
    with archive.begin("writing articles") as conn:
        if rows.articles:
            conn.execute(_upsert(archive), list(rows.articles.values()))
        for url, seen in rows.sightings.items():
            conn.execute(
                update(articles)
                .where(articles.c.canonical_url == url, articles.c.last_seen < seen)
                .values(last_seen=seen)
            )
        if rows.matches:
            _insert_matches(archive, conn, list(rows.matches.values()))
    return rows


def write_alerts(archive: Archive, alerts: Sequence[tuple[str, Alert]]) -> None:
    """Record alerts raised on archived articles (by canonical URL) outside the worker."""
    rows = [match_row(url, alert_fields(alert)) for url, alert in alerts]
    if rows:
        with archive.begin("writing alerts") as conn:
            _insert_matches(archive, conn, rows)


def _upsert(archive: Archive) -> Any:
    statement = _insert_for(archive)(articles)
    new = statement.excluded
    same = articles.c.fingerprint == new.fingerprint
    values: dict[str, Any] = {name: new[name] for name in _REPLACED}
    values["versions"] = case((same, articles.c.versions), else_=articles.c.versions + 1)
    values["seen_at"] = case((same, articles.c.seen_at), else_=new.seen_at)
    values["last_seen"] = case(
        (new.last_seen > articles.c.last_seen, new.last_seen), else_=articles.c.last_seen
    )
    return statement.on_conflict_do_update(index_elements=["canonical_url"], set_=values)


def _insert_matches(archive: Archive, conn: Connection, rows: list[dict[str, Any]]) -> None:
    urls = {row["canonical_url"] for row in rows}
    found = conn.execute(
        select(articles.c.canonical_url, articles.c.id).where(articles.c.canonical_url.in_(urls))
    )
    ids: dict[str, int] = dict(found.all())
    values = [
        {**{k: v for k, v in row.items() if k != "canonical_url"}, "article_id": ids[url]}
        for row in rows
        if (url := row["canonical_url"]) in ids
    ]
    if values:
        statement = _insert_for(archive)(matches).on_conflict_do_nothing(
            index_elements=["alert_id"]
        )
        conn.execute(statement, values)


def _insert_for(archive: Archive) -> Callable[..., Any]:
    return postgresql.insert if archive.kind == "postgresql" else sqlite.insert


def prune(archive: Archive, before: float) -> int:
    """Delete the articles last seen before ``before`` (Unix seconds) and their matches;
    returns how many articles went."""
    old = select(articles.c.id).where(articles.c.last_seen < before).scalar_subquery()
    with archive.begin("pruning old articles") as conn:
        conn.execute(delete(matches).where(matches.c.article_id.in_(old)))
        return conn.execute(delete(articles).where(articles.c.last_seen < before)).rowcount
