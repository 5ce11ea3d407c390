"""Matching articles against watchlists: the query language, its compiler and the matcher.

    parse_query(watch_id, query, entity_ids) -> Query          raises QueryError
    compile_watchlist(watches, entities, lexicon) -> Watchlist  raises QueryError
    Watchlist.concept_hits(match) -> tuple[ConceptHit, ...]     ~peace -> perdamaian
    Watchlist.match(document) -> list[Match]                    every matching watch, in order
    make_snippet(text, hits, width=240) -> Snippet

The pipeline: ``normalize`` (tokens shared by queries and documents) -> ``lexer``/``parser``
(query -> ``query`` nodes) -> ``compiler`` (nodes -> shared ``tree`` nodes, entity aliases with
``variants``, ``countries`` names) -> ``clauses`` and ``program`` (trees -> the engine's
tables) -> ``watchlist`` (the native ``_engine``, ``engine/*.c``: candidates, verification,
evidence, ``model`` objects). ``reference`` is a deliberately naive evaluator, with its own
evidence and snippet code (``reference_snippet``), used to test the fast one.
"""

from __future__ import annotations

from newswatch.match.model import (
    Alias,
    ConceptHit,
    Document,
    EntitySpec,
    Hit,
    Match,
    Snippet,
    WatchSpec,
)
from newswatch.match.parser import parse_query
from newswatch.match.query import Query
from newswatch.match.snippet import make_snippet
from newswatch.match.watchlist import Watchlist, compile_watchlist

__all__ = [
    "Alias",
    "ConceptHit",
    "Document",
    "EntitySpec",
    "Hit",
    "Match",
    "Query",
    "Snippet",
    "WatchSpec",
    "Watchlist",
    "compile_watchlist",
    "make_snippet",
    "parse_query",
]
