"""A compiled watchlist: prefilter the candidate watches of a document, then verify them."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter

from newswatch.match.compiler import Compiler
from newswatch.match.docview import DocView
from newswatch.match.evaluate import Evaluator
from newswatch.match.evidence import evidence
from newswatch.match.model import Document, EntitySpec, Match, WatchSpec
from newswatch.match.parser import parse_query
from newswatch.match.prefilter import Prefilter
from newswatch.match.query import Query


@dataclass(frozen=True, slots=True)
class CompiledWatch:
    """One watch, ready to evaluate."""

    id: str
    query: Query
    root: Evaluator


class Watchlist:
    """Every watch of a config, compiled once; ``match`` is pure and thread-compatible.

    Watches whose queries compiled to the same tree (the compiler shares identical sub-trees)
    are evaluated once per document, and get the same evidence.
    """

    def __init__(self, watches: Sequence[CompiledWatch]) -> None:
        self.watches = tuple(watches)
        groups: dict[int, list[int]] = {}
        roots: list[Evaluator] = []
        for i, watch in enumerate(self.watches):
            if id(watch.root) not in groups:
                groups[id(watch.root)] = []
                roots.append(watch.root)
            groups[id(watch.root)].append(i)
        self.roots = tuple(roots)
        self.members = tuple(tuple(groups[id(root)]) for root in roots)
        self.prefilter = Prefilter(self.roots)

    def __len__(self) -> int:
        return len(self.watches)

    def __iter__(self) -> Iterator[CompiledWatch]:
        return iter(self.watches)

    def match(self, doc: Document) -> list[Match]:
        """Every watch that matches ``doc``, in watchlist order, with its evidence."""
        view = self.prefilter.view(doc)
        watches, members = self.watches, self.members
        found: list[tuple[int, Match]] = []
        for k in self._matching_roots(view):
            hits, entities, snippet = evidence(self.roots[k], doc, view)
            found.extend((i, Match(watches[i].id, hits, entities, snippet)) for i in members[k])
        found.sort(key=itemgetter(0))
        return [m for _, m in found]

    def decide(self, doc: Document) -> list[str]:
        """The ids of the watches that match ``doc``, in watchlist order, without evidence."""
        view = self.prefilter.view(doc)
        found = sorted(chain.from_iterable(self.members[k] for k in self._matching_roots(view)))
        return [self.watches[i].id for i in found]

    def _matching_roots(self, view: DocView) -> list[int]:
        roots, exact = self.roots, self.prefilter.exact
        return [k for k in self.prefilter.candidates(view) if k in exact or roots[k].test(view)]


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
