"""A compiled watchlist: prefilter the candidate watches of a document, then verify them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from newswatch.match.compiler import Compiler
from newswatch.match.docview import DocView
from newswatch.match.evaluate import Evaluator, Evidence
from newswatch.match.model import Document, EntitySpec, Field, Hit, Match, WatchSpec
from newswatch.match.parser import parse_query
from newswatch.match.prefilter import Prefilter
from newswatch.match.query import TITLE, Query
from newswatch.match.snippet import make_snippet

MAX_HITS = 100  # per match; the first ones in reading order (title, then body)


@dataclass(frozen=True, slots=True)
class CompiledWatch:
    """One watch, ready to evaluate."""

    id: str
    query: Query
    root: Evaluator


class Watchlist:
    """Every watch of a config, compiled once; ``match`` is pure and thread-compatible."""

    def __init__(self, watches: Sequence[CompiledWatch]) -> None:
        self.watches = tuple(watches)
        self.prefilter = Prefilter([w.root for w in self.watches])

    def __len__(self) -> int:
        return len(self.watches)

    def __iter__(self) -> Iterator[CompiledWatch]:
        return iter(self.watches)

    def match(self, doc: Document) -> list[Match]:
        """Every watch that matches ``doc``, in watchlist order, with its evidence."""
        view = DocView(doc)
        watches = self.watches
        return [
            build_match(watches[i], doc, view)
            for i in self.prefilter.candidates(view)
            if watches[i].root.test(view)
        ]


def compile_watchlist(
    watches: Sequence[WatchSpec], entities: Mapping[str, EntitySpec]
) -> Watchlist:
    """Parse and compile every watch; raises QueryError on the first invalid query."""
    compiler = Compiler(entities)
    compiled = []
    for spec in watches:
        query = parse_query(spec.id, spec.query, entities)
        compiled.append(CompiledWatch(spec.id, query, compiler.compile(query.root)))
    return Watchlist(compiled)


def build_match(watch: CompiledWatch, doc: Document, view: DocView) -> Match:
    """The Match of a watch known to match: hits, entities and snippet."""
    evidence = Evidence()
    watch.root.collect(view, evidence)
    hits = _hits(evidence, view)
    body_hits = [h for h in hits if h.field == "body"]
    title_hits = [h for h in hits if h.field == "title"]
    if body_hits or not (title_hits or not doc.body.strip()):
        snippet = make_snippet(doc.body, body_hits)
    else:
        snippet = make_snippet(doc.title, title_hits)
    entities = tuple(dict.fromkeys(evidence.entities))
    return Match(watch.id, hits, entities, snippet)


def _hits(evidence: Evidence, view: DocView) -> tuple[Hit, ...]:
    hits: dict[Hit, None] = {}
    for which, start, end in sorted(set(evidence.spans))[:MAX_HITS]:  # TITLE < BODY
        field = view.field(which)
        offsets = field.offsets()
        first, last = offsets[start][0], offsets[end - 1][1]
        name: Field = "title" if which == TITLE else "body"
        hits[Hit(name, field.text[first:last], first, last)] = None
    return tuple(hits)
