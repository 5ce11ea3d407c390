"""Turn parsed queries into shared trees (``tree``); entity and country leaves are resolved once."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from newswatch.match import tree
from newswatch.match.countries import country_patterns
from newswatch.match.lexicon import Lexicon, shipped
from newswatch.match.model import EntitySpec
from newswatch.match.query import (
    And,
    ConceptRef,
    CountryRef,
    EntityRef,
    Near,
    Node,
    Not,
    Or,
    Pattern,
    Site,
    Text,
)
from newswatch.match.variants import alias_patterns

N = TypeVar("N", bound=tree.Node)


def entity_patterns(spec: EntitySpec) -> tuple[Pattern, ...]:
    """Every pattern of an entity: its aliases and, when enabled, their variants."""
    found: list[Pattern] = []
    for alias in spec.aliases:
        found.extend(alias_patterns(alias, spec.variants, spec.inflections))
    return tuple(dict.fromkeys(found))


class Compiler:
    """Compiles nodes, sharing identical sub-trees between watches (hash-consing).

    Leaves (terms, entities, countries) are shared by what they match; an inner node by its
    kind and the ids of its (already shared) children, so two watches with the same query
    get the very same tree, evaluated once per document. ``nodes`` lists every node built, in
    the order of their ids (children first).
    """

    def __init__(self, entities: Mapping[str, EntitySpec], lexicon: Lexicon | None = None) -> None:
        self.entities = entities
        self.lexicon = lexicon or shipped()
        self.nodes: list[tree.Node] = []
        self._leaves: dict[tuple[object, ...], tree.Term | tree.Leaf] = {}
        self._shared_nodes: dict[tuple[object, ...], tree.Node] = {}
        self._entity_patterns: dict[str, tuple[Pattern, ...]] = {}

    def compile(self, node: Node) -> tree.Node:
        """The shared tree of ``node``."""
        if isinstance(node, Text | EntityRef | CountryRef | ConceptRef):
            return self.leaf(node)
        if isinstance(node, And):
            children = sorted((self.compile(c) for c in node.children), key=tree.rank)
            key = ("and", *(c.id for c in children))
            return self._shared(key, lambda i: tree.AndNode(i, children))
        if isinstance(node, Or):
            return self._or([self.compile(c) for c in node.children])
        if isinstance(node, Not):
            child = self.compile(node.child)
            return self._shared(("not", child.id), lambda i: tree.NotNode(i, child))
        if isinstance(node, Near):
            return self._near(node)
        if isinstance(node, Site):
            return self._filter(tree.SITE_FILTER, node.domain)
        return self._filter(tree.LANG_FILTER, node.code)

    def _or(self, options: list[tree.Node]) -> tree.Node:
        merged = _merged_patterns(options)
        if merged is None:
            return self._shared(("or", *(o.id for o in options)), lambda i: tree.OrNode(i, options))
        patterns, fields = merged  # one leaf: one set test instead of a test per option
        return self._shared(
            ("any", fields, patterns), lambda i: tree.Leaf(i, patterns, fields, None)
        )

    def _near(self, node: Near) -> tree.Node:
        left, right = _positional(self.compile(node.left)), _positional(self.compile(node.right))
        key = ("near", left.id, right.id, node.distance, node.ordered)
        return self._shared(key, lambda i: tree.Near(i, left, right, node.distance, node.ordered))

    def _filter(self, kind: str, value: str) -> tree.Node:
        return self._shared((kind, value), lambda i: tree.Filter(i, kind, value))

    def _shared(self, key: tuple[object, ...], build: Callable[[int], tree.Node]) -> tree.Node:
        found = self._shared_nodes.get(key)
        if found is None:
            found = self._shared_nodes[key] = self._add(build)
        return found

    def _add(self, build: Callable[[int], N]) -> N:
        node = build(len(self.nodes))
        self.nodes.append(node)
        return node

    def leaf(self, node: Text | EntityRef | CountryRef | ConceptRef) -> tree.Term | tree.Leaf:
        """The shared leaf of a text, entity, country or concept."""
        if isinstance(node, Text):
            key: tuple[object, ...] = ("text", node.pattern, node.fields)
        elif isinstance(node, ConceptRef):
            key = ("concept", node.concepts, node.fields)
        elif isinstance(node, EntityRef):
            key = ("entity", node.entity, node.fields)
        else:
            key = ("country", node.code, node.fields)
        found = self._leaves.get(key)
        if found is None:
            found = self._leaves[key] = self._add(lambda i: self._build(i, node))
        return found

    def patterns(self, node: Text | EntityRef | CountryRef | ConceptRef) -> tuple[Pattern, ...]:
        """The patterns a leaf stands for."""
        if isinstance(node, Text):
            return (node.pattern,)
        if isinstance(node, ConceptRef):
            return tuple(dict.fromkeys(p for c in node.concepts for p in self.lexicon.patterns(c)))
        if isinstance(node, CountryRef):
            return country_patterns(node.code)
        found = self._entity_patterns.get(node.entity)
        if found is None:
            found = self._entity_patterns[node.entity] = entity_patterns(self.entities[node.entity])
        return found

    def _build(
        self, id: int, node: Text | EntityRef | CountryRef | ConceptRef
    ) -> tree.Term | tree.Leaf:
        if isinstance(node, Text) and tree.is_plain(node.pattern):
            return tree.Term(id, node.pattern, node.fields)
        entity = node.entity if isinstance(node, EntityRef) else None
        return tree.Leaf(id, self.patterns(node), node.fields, entity)


def _merged_patterns(options: list[tree.Node]) -> tuple[tuple[Pattern, ...], int] | None:
    """The patterns and fields of an OR of text leaves over the same fields, to make one leaf
    of (entities keep their own); None when the options cannot be merged."""
    patterns: list[Pattern] = []
    fields: set[int] = set()
    for option in options:
        if isinstance(option, tree.Term):
            patterns.append(option.pattern)
        elif isinstance(option, tree.Leaf) and option.entity is None:
            patterns.extend(option.patterns)
            patterns.extend(Pattern((word,)) for word in sorted(option.singles))
        else:
            return None
        fields.add(option.fields)
    return (tuple(patterns), fields.pop()) if len(fields) == 1 else None


def _positional(node: tree.Node) -> tree.Positional:
    if isinstance(node, tree.Term | tree.Leaf | tree.Near | tree.OrNode):
        return node
    raise TypeError(f"not positional: {node!r}")  # the parser rejects these
