"""Helpers shared by the matcher's unit tests (imported by name: tests are not a package)."""

from __future__ import annotations

from collections.abc import Mapping

from newswatch.match import Alias, Document, EntitySpec, WatchSpec, compile_watchlist

ENTITIES: dict[str, EntitySpec] = {
    "zelenskyy": EntitySpec("zelenskyy", (Alias("Volodymyr Zelenskyy"), Alias("Zelenskyy"))),
    "zelenskyy-strict": EntitySpec("zelenskyy-strict", (Alias("Zelenskyy"),), variants=False),
    "zelensky-uk": EntitySpec("zelensky-uk", (Alias("Зеленськ*"),)),
    "as-company": EntitySpec("as-company", (Alias("AS", case_sensitive=True),)),
}


def matches(
    query: str,
    title: str = "",
    body: str = "",
    site: str = "",
    language: str | None = None,
    entities: Mapping[str, EntitySpec] = ENTITIES,
) -> bool:
    """Whether one query matches one document."""
    watchlist = compile_watchlist([WatchSpec("w", query)], entities)
    return bool(watchlist.match(Document(title, body, site, language)))
