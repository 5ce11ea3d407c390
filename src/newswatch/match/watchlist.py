"""A compiled watchlist: the shared query trees of its watches, loaded into the native engine.

Once the engine has its tables the trees are dropped: a large watchlist would otherwise keep
millions of small Python objects alive for the garbage collector to walk.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from newswatch.languages import lang_codes
from newswatch.match import tree
from newswatch.match.clauses import LANG, SITE
from newswatch.match.compiler import Compiler
from newswatch.match.model import Document, EntitySpec, Match, WatchSpec
from newswatch.match.parser import parse_query
from newswatch.match.program import build_tables, make_engine


class Watchlist:
    """Every watch of a config, compiled once; ``match`` is pure.

    Watches whose queries compiled to the same tree (the compiler shares identical sub-trees)
    are decided once per document, and get the same evidence.
    """

    def __init__(
        self, ids: Sequence[str], roots: Sequence[tree.Node], nodes: Sequence[tree.Node]
    ) -> None:
        self.ids = tuple(ids)
        members: dict[int, list[int]] = {}
        distinct: list[tree.Node] = []
        for i, root in enumerate(roots):
            if root.id not in members:
                members[root.id] = []
                distinct.append(root)
            members[root.id].append(i)
        tables, self.filters = build_tables(nodes, distinct, list(members.values()), self.ids)
        self.engine = make_engine(tables)

    def __len__(self) -> int:
        return len(self.ids)

    def match(self, doc: Document) -> list[Match]:
        """Every watch that matches ``doc``, in watchlist order, with its evidence."""
        return self.engine.match(doc.title, doc.body, self._filters(doc))

    def decide(self, doc: Document) -> list[str]:
        """The ids of the watches that match ``doc``, in watchlist order, without evidence."""
        return self.engine.decide(doc.title, doc.body, self._filters(doc))

    def _filters(self, doc: Document) -> list[int]:
        """The ids of the ``site:``/``lang:`` filters the document passes."""
        if not self.filters:
            return []
        keys = [SITE + s for s in site_suffixes(doc.site)]
        keys.extend(LANG + code for code in lang_codes(doc.language))
        return [self.filters[k] for k in keys if k in self.filters]


def site_suffixes(site: str) -> frozenset[str]:
    """The host and every parent domain of it: a.b.example.com -> {..., example.com, com}."""
    host = site.lower().strip().rstrip(".")
    host = host.split("://", 1)[-1].split("/", 1)[0].rsplit("@", 1)[-1].split(":", 1)[0]
    parts = host.split(".") if host else []
    return frozenset(".".join(parts[i:]) for i in range(len(parts)))


def compile_watchlist(
    watches: Sequence[WatchSpec], entities: Mapping[str, EntitySpec]
) -> Watchlist:
    """Parse and compile every watch; raises QueryError on the first invalid query."""
    with _collector_paused():
        compiler = Compiler(entities)
        roots = [compiler.compile(parse_query(w.id, w.query, entities).root) for w in watches]
        return Watchlist([w.id for w in watches], roots, compiler.nodes)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Compiling makes millions of small objects that live until the engine has its tables,
    then go with their last reference (they hold no cycles). Left on, the cyclic collector
    walks them again and again as they pile up: 44 % of compiling 100,000 watches."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
