"""Archive test data: records as the worker makes them, and an emptied PostgreSQL database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from newswatch.alerts import Alert, ArticleInfo
from newswatch.archive.database import create
from newswatch.archive.records import article_record, sighting_record
from newswatch.match.model import Hit
from newswatch.story import text_version

__all__ = ["alert", "empty_postgres", "record", "sighting_record"]


def empty_postgres(url: str) -> None:
    """Drop everything in the database's public schema."""
    engine = create(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


def alert(watch: str, url: str, detected_at: str = "2026-12-01T10:00:00Z", **kw: Any) -> Alert:
    """An alert of ``watch`` on the article at ``url`` (one hit on its title)."""
    info = ArticleInfo(url, "t", "Feed", None, "en", None, "the snippet", "")
    fields: dict[str, Any] = {
        "id": f"{watch}-{url}"[-32:], "watch": watch, "detected_at": detected_at,
        "article": info, "hits": (Hit("title", "word", 0, 4),), "marks": ((0, 4),), **kw,
    }  # fmt: skip
    return Alert(**fields)


def record(
    url: str,
    title: str = "A title",
    body: str = "Some text.",
    *,
    alerts: tuple[Alert, ...] = (),
    seen_at: float = 1_000_000.0,
    site: str = "example.org",
    language: str | None = "en",
    published: str | None = None,
    story_id: str | None = None,
) -> dict[str, Any]:
    """The archive record the worker would append for this article."""
    info = ArticleInfo(url, title, "Feed", published, language, None, "", body)
    fingerprint = text_version(title, body).fingerprint
    return article_record(info, url, site, True, fingerprint, alerts, seen_at, story_id)
