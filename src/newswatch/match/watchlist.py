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
from newswatch.match.lexicon import Lexicon, shipped
from newswatch.match.model import ConceptHit, Document, EntitySpec, Match, WatchSpec
from newswatch.match.parser import parse_query
from newswatch.match.program import build_tables, make_engine
from newswatch.match.query import And, ConceptRef, Near, Node, Not, Or


class Watchlist:
    """Every watch of a config, compiled once; ``match`` is pure.

    Watches whose queries compiled to the same tree (the compiler shares identical sub-trees)
    are decided once per document, and get the same evidence.
    """

    def __init__(
        self,
        ids: Sequence[str],
        roots: Sequence[tree.Node],
        nodes: Sequence[tree.Node],
        concepts: Mapping[str, tuple[str, ...]] | None = None,
        lexicon: Lexicon | None = None,
    ) -> None:
        self.ids = tuple(ids)
        self.concepts = dict(concepts or {})  # watch id -> the concepts its query names
        self.lexicon = lexicon or shipped()
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

    def concept_hits(self, match: Match) -> tuple[ConceptHit, ...]:
        """The hits of ``match`` that are forms of concepts its watch names, with the concept."""
        wanted = self.concepts.get(match.watch)
        if not wanted:
            return ()
        found = ((self.lexicon.concept_of(wanted, h.term), h) for h in match.hits)
        return tuple(ConceptHit(c, h.field, h.term, h.start, h.end) for c, h in found if c)

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
    watches: Sequence[WatchSpec],
    entities: Mapping[str, EntitySpec],
    lexicon: Lexicon | None = None,
) -> Watchlist:
    """Parse and compile every watch; raises QueryError on the first invalid query. Concepts
    come from ``lexicon`` (the shipped one by default)."""
    lexicon = lexicon or shipped()
    with _collector_paused():
        compiler = Compiler(entities, lexicon)
        roots, concepts = [], {}
        for w in watches:
            root = parse_query(w.id, w.query, entities, lexicon, w.translate).root
            named = tuple(dict.fromkeys(concepts_of(root)))
            if named:
                concepts[w.id] = named
            roots.append(compiler.compile(root))
        return Watchlist([w.id for w in watches], roots, compiler.nodes, concepts, lexicon)


def concepts_of(node: Node) -> Iterator[str]:
    """The concepts a query names, in query order."""
    if isinstance(node, ConceptRef):
        yield from node.concepts
    elif isinstance(node, And | Or):
        for child in node.children:
            yield from concepts_of(child)
    elif isinstance(node, Not):
        yield from concepts_of(node.child)
    elif isinstance(node, Near):
        yield from concepts_of(node.left)
        yield from concepts_of(node.right)


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
