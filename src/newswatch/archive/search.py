"""Search and backfill over the archive: the query language, exactly.

The presearcher (``presearch``) narrows the archive to candidates through the database's
full-text index; the project's matcher then decides each candidate, so the results are the
articles the matcher matches, no more and no less, newest first.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from newswatch.archive.candidates import candidates
from newswatch.archive.database import Archive
from newswatch.archive.presearch import Requirement, any_of, requirement
from newswatch.archive.read import ArchivedArticle
from newswatch.match import Watchlist, parse_query
from newswatch.match.compiler import Compiler
from newswatch.match.model import Document, EntitySpec, Match, WatchSpec

PROBE = 1000


@dataclass(frozen=True)
class Compiled:
    """Watches compiled for the archive: the matcher and what candidates must hold."""

    watchlist: Watchlist
    required: Requirement | None


@dataclass(frozen=True)
class Found:
    """An archived article and the watches (or the query) that match it, with their evidence."""

    article: ArchivedArticle
    matches: list[Match]


def compile_watches(specs: Sequence[WatchSpec], entities: Mapping[str, EntitySpec]) -> Compiled:
    """Compile watches (or one query, as a watch); raises QueryError on a bad query."""
    compiler = Compiler(entities)
    roots = [compiler.compile(parse_query(s.id, s.query, entities).root) for s in specs]
    watchlist = Watchlist([s.id for s in specs], roots, compiler.nodes)
    return Compiled(watchlist, any_of([requirement(root) for root in roots]))


def document(article: ArchivedArticle) -> Document:
    """The matcher's input for an archived article."""
    return Document(article.title, article.text, article.site, article.language)


Position = tuple[float, int]
"""Where a search goes on from: the (seen_at, id) of the last article shown."""


def find(
    archive: Archive,
    compiled: Compiled,
    since: float | None = None,
    probe: int = PROBE,
    after: Position | None = None,
) -> Iterator[Found]:
    """Every archived article (seen since ``since``, older than ``after``) that the watches
    match, newest first, with the evidence of each match."""
    for batch in _candidates(archive, compiled, since, probe, after):
        for article in batch:
            found = compiled.watchlist.match(document(article))
            if found:
                yield Found(article, found)


def decide(
    archive: Archive, compiled: Compiled, since: float | None = None, probe: int = PROBE
) -> Iterator[tuple[ArchivedArticle, list[str]]]:
    """As ``find``, but only which watches match each article: no evidence is gathered, which
    makes deciding a watch that matches most of the archive several times faster."""
    for batch in _candidates(archive, compiled, since, probe, None):
        for article in batch:
            watches = compiled.watchlist.decide(document(article))
            if watches:
                yield article, watches


def _candidates(
    archive: Archive, compiled: Compiled, since: float | None, probe: int, after: Position | None
) -> Iterator[list[ArchivedArticle]]:
    """The articles the matcher must decide, newest first, in batches.

    The newest ``probe`` articles are read as they are: a query that matches much of the
    archive fills its first page there, before the index would have listed its many
    candidates; the index serves the rest.
    """
    if probe:
        newest = next(candidates(archive, None, since, probe, after), [])
        yield newest
        if len(newest) < probe:
            return
        after = (newest[-1].seen_at, newest[-1].id)
    yield from candidates(archive, compiled.required, since, after=after)
