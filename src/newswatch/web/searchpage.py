"""GET /search?q=QUERY: the archive searched with a watch query, as ``newswatch search`` does
(the same engine: full-text presearch, then the matcher decides), newest first.

A query that does not compile is shown back with its error under the column it names; one
that does comes with the YAML of a watch to paste into the config.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from itertools import islice

import yaml
from aiohttp import web

from newswatch.archive.candidates import watches_of
from newswatch.archive.database import Archive
from newswatch.archive.search import Compiled, Found, compile_watches, find
from newswatch.errors import QueryError
from newswatch.match.model import EntitySpec, WatchSpec
from newswatch.web.page import page
from newswatch.web.state import STATE, ask

RESULTS = 20
"""Articles shown (the newest that match)."""
MAX_QUERY_CHARS = 2000


@dataclass(frozen=True)
class Results:
    """What a search found: the articles and the watches that alerted on each."""

    found: list[Found]
    watches: dict[int, list[str]]


def search(archive: Archive, compiled: Compiled, limit: int = RESULTS) -> Results:
    """The newest ``limit`` articles the query matches."""
    found = list(islice(find(archive, compiled), limit))
    return Results(found, watches_of(archive, [f.article.id for f in found]))


def watch_yaml(query: str) -> str:
    """The ``watches:`` entry of a watch with this query, to paste into the config."""
    entry = {"id": "my-watch", "query": query, "notify": []}
    return yaml.safe_dump({"watches": [entry]}, allow_unicode=True, sort_keys=False, width=1000)


async def search_page(request: web.Request) -> web.Response:
    """The search box, and the results or the query's error."""
    query = request.query.get("q", "").strip()
    error, results, snippet = None, None, None
    try:
        compiled = compiled_query(query, request.app[STATE].entities) if query else None
    except QueryError as exc:
        error = exc
    else:
        if compiled is not None:
            results = await ask(request, partial(search, compiled=compiled))
            snippet = watch_yaml(query)
    return page(request, "search.html", status=400 if error else 200, page="search",
                query=query, error=error, results=results, snippet=snippet)  # fmt: skip


def compiled_query(query: str, entities: Mapping[str, EntitySpec]) -> Compiled:
    """``query`` compiled as a watch; raises QueryError when it is bad (or too long)."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError("query", MAX_QUERY_CHARS + 1, f"over {MAX_QUERY_CHARS} characters")
    return compile_watches([WatchSpec("query", query)], entities)


ROUTES = [web.get("/search", search_page)]
