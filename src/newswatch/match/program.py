"""A compiled watchlist as the tables of the native engine (``engine/``, loaded by ``Engine``).

Words, wildcard prefixes, site/lang filters and entities get dense ids; each tree node
becomes a row of 7 ints and each pattern a row of 6 (the layout is in ``engine/engine.h``);
the candidate index lists, for each key, the roots whose clause (``clauses``) is that key
alone and the clauses of several keys it satisfies, and for each of those the roots that need
it; each root lists the watches that share it. Building the tables is pure: trees in,
``Tables`` out.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from newswatch.match import model, normalize, tree
from newswatch.match._engine import Engine
from newswatch.match.clauses import LANG, PREFIX, SITE, Clause, clauses
from newswatch.match.query import Pattern

MAX_DISTANCE = 1 << 30  # NEAR/n beyond any document's length
_KINDS = {tree.Term: 0, tree.Leaf: 1, tree.Near: 2, tree.AndNode: 3, tree.OrNode: 4,
          tree.NotNode: 5, tree.Filter: 6}  # fmt: skip
_FILTER_TAGS = {tree.SITE_FILTER: SITE, tree.LANG_FILTER: LANG}


def _ints() -> array[int]:
    return array("i")


@dataclass
class Tables:
    """Everything the engine loads (attribute names are read by ``engine/program.c``)."""

    vocab: list[str] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    case_sensitive: bool = False  # some pattern compares case-kept forms
    nfilter: int = 0
    entities: tuple[str, ...] = ()
    watch_ids: tuple[str, ...] = ()
    nodes: array[int] = field(default_factory=_ints)
    refs: array[int] = field(default_factory=_ints)
    patterns: array[int] = field(default_factory=_ints)
    pwords: array[int] = field(default_factory=_ints)
    # key k -> key_roots[root_start[k] : root_start[k + 1]]: roots whose clause is k alone;
    # key k -> key_clauses[clause_start[k] : clause_start[k + 1]]: clauses of several keys;
    # such a clause c -> clause_roots[clause_roots_start[c] : ...]: the roots needing it.
    root_start: array[int] = field(default_factory=_ints)
    key_roots: array[int] = field(default_factory=_ints)
    clause_start: array[int] = field(default_factory=_ints)
    key_clauses: array[int] = field(default_factory=_ints)
    clause_roots_start: array[int] = field(default_factory=_ints)
    clause_roots: array[int] = field(default_factory=_ints)
    need: array[int] = field(default_factory=_ints)
    exact: array[int] = field(default_factory=_ints)
    root_node: array[int] = field(default_factory=_ints)
    always: array[int] = field(default_factory=_ints)
    member_start: array[int] = field(default_factory=_ints)
    members: array[int] = field(default_factory=_ints)


class _Ids(dict[str, int]):
    """Dense ids, given in order of first use."""

    def __missing__(self, key: str) -> int:
        found = self[key] = len(self)
        return found


class _Builder:
    def __init__(self) -> None:
        self.t = Tables()
        self.words, self.prefixes, self.filters, self.entities = _Ids(), _Ids(), _Ids(), _Ids()
        self.pattern_ids: dict[Pattern, int] = {}

    def pattern(self, p: Pattern) -> int:
        found = self.pattern_ids.get(p)
        if found is None:
            found = self.pattern_ids[p] = len(self.pattern_ids)
            n, words = len(p.words), self.words
            # where it may start: its first (folded) word, or -1 - the id of a lone prefix
            first = -1 - self.prefixes[p.folded[0]] if p.prefix and n == 1 else words[p.folded[0]]
            last = self.prefixes[p.words[-1]] if p.prefix else words[p.words[-1]]
            row = (n, p.prefix, p.case_sensitive, p.capitalized, first, len(self.t.pwords))
            self.t.case_sensitive |= p.case_sensitive
            self.t.patterns.extend(row)
            self.t.pwords.extend([*(words[w] for w in p.words[:-1]), last])
        return found

    def refs(self, ids: Sequence[int]) -> tuple[int, int]:
        start = len(self.t.refs)
        self.t.refs.extend(ids)
        return start, len(ids)

    def node(self, node: tree.Node) -> None:
        """Appends the row of ``node`` (kind, fields, a, b, c, ordered, has_entities)."""
        kind, fields, a, b, c, ordered, entities = _KINDS[type(node)], 0, 0, 0, 0, 0, 0
        if isinstance(node, tree.Term):
            fields, a = node.fields, self.words[node.word]
        elif isinstance(node, tree.Leaf):
            singles = [Pattern((word,)) for word in sorted(node.singles)]
            fields, c = node.fields, -1 if node.entity is None else self.entities[node.entity]
            a, b = self.refs([self.pattern(p) for p in (*singles, *node.patterns)])
        elif isinstance(node, tree.Near):
            a, b, c = node.left.id, node.right.id, min(node.distance, MAX_DISTANCE)
            ordered, entities = node.ordered, node.has_entities
        elif isinstance(node, tree.AndNode | tree.OrNode):
            a, b = self.refs([child.id for child in node.children])
        elif isinstance(node, tree.NotNode):
            a = node.child.id
        else:
            a = self.filters[_FILTER_TAGS[node.kind] + node.value]
        self.t.nodes.extend((kind, fields, a, b, c, ordered, entities))

    def index(self, roots: Sequence[tree.Node]) -> None:
        """The clauses of each root, how many must hold and whether they decide it, and the
        candidate index built from them (``_clause_index``)."""
        t, owners = self.t, defaultdict[Clause, list[int]](list)
        memo: dict[tree.Node, tuple[list[Clause], bool]] = {}
        for i, root in enumerate(roots):
            found, decides = clauses(root, memo)
            distinct = dict.fromkeys(found)
            for clause in distinct:
                owners[clause].append(i)
            t.need.append(len(distinct))
            t.exact.append(bool(found) and decides)
            t.root_node.append(root.id)
            if not found:
                t.always.append(i)
        self._clause_index(owners)

    def _key(self, key: str) -> tuple[int, int]:
        """(space, id): space 0 words, 1 prefixes, 2 filters."""
        tag = key[:1]
        if tag == PREFIX:
            return 1, self.prefixes[key[1:]]
        if tag in (SITE, LANG):
            return 2, self.filters[key]
        return 0, self.words[key]

    def _clause_index(self, owners: dict[Clause, list[int]]) -> None:
        """Files the roots of each one-key clause under its key, and each clause of several
        keys (shared by the roots that have it: a country's names) under each of its keys."""
        t = self.t
        alone: dict[str, list[int]] = defaultdict(list)
        shared: dict[str, list[int]] = defaultdict(list)
        for clause, roots in owners.items():
            if len(clause) == 1:
                alone[next(iter(clause))].extend(roots)
                continue
            for key in clause:
                shared[key].append(len(t.clause_roots_start))
            t.clause_roots_start.append(len(t.clause_roots))
            t.clause_roots.extend(roots)
        t.clause_roots_start.append(len(t.clause_roots))
        for key in [*alone, *shared]:  # every key has its id before the lists are sized
            self._key(key)
        self._csr(alone, t.root_start, t.key_roots)
        self._csr(shared, t.clause_start, t.key_clauses)

    def _csr(self, by_key: dict[str, list[int]], start: array[int], items: array[int]) -> None:
        """Lists per key id, every key (words, prefixes, filters) in order."""
        placed = [(self._key(key), found) for key, found in by_key.items()]
        base = (0, len(self.words), len(self.words) + len(self.prefixes))
        per_key = [0] * (base[2] + len(self.filters))
        for k, found in sorted((base[space] + ident, found) for (space, ident), found in placed):
            per_key[k] = len(found)
            items.extend(found)
        start.extend(accumulate(per_key, initial=0))

    def tables(self) -> Tables:
        t = self.t
        t.vocab, t.prefixes = list(self.words), list(self.prefixes)
        t.nfilter, t.entities = len(self.filters), tuple(self.entities)
        return t


def build_tables(
    nodes: Sequence[tree.Node],
    roots: Sequence[tree.Node],
    members: Sequence[Sequence[int]],
    watch_ids: Sequence[str],
) -> tuple[Tables, dict[str, int]]:
    """The engine's tables for ``nodes`` (every node, children first), ``roots`` and the
    watches (by index) of each root; and the filter ids by key (``SITE`` + domain, ``LANG`` +
    code)."""
    builder = _Builder()
    for node in nodes:
        builder.node(node)
    builder.index(roots)
    tables = builder.tables()
    tables.watch_ids = tuple(watch_ids)
    tables.member_start.extend(accumulate(map(len, members), initial=0))
    for watches in members:
        tables.members.extend(watches)
    return tables, dict(builder.filters)


def make_engine(tables: Tables) -> Engine:
    """The native engine of ``tables``: it asks ``normalize`` about text it has not seen and
    gives ``model`` objects."""
    return Engine(tables, normalize, model)
