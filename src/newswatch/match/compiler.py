"""Turn parsed queries into evaluator trees; entity and country leaves are resolved once."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from newswatch.match import evaluate as ev
from newswatch.match.countries import country_patterns
from newswatch.match.model import EntitySpec
from newswatch.match.query import (
    And,
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


def entity_patterns(spec: EntitySpec) -> tuple[Pattern, ...]:
    """Every pattern of an entity: its aliases and, when enabled, their variants."""
    found: list[Pattern] = []
    for alias in spec.aliases:
        found.extend(alias_patterns(alias, spec.variants))
    return tuple(dict.fromkeys(found))


class Compiler:
    """Compiles nodes, sharing identical sub-trees between watches (hash-consing).

    Leaves (terms, entities, countries) are shared by what they match; an inner node by its
    kind and the identity of its (already shared) children, so two watches with the same query
    get the very same tree, evaluated once per document.
    """

    def __init__(self, entities: Mapping[str, EntitySpec]) -> None:
        self.entities = entities
        self._leaves: dict[tuple[object, ...], ev.Term | ev.Leaf] = {}
        self._nodes: dict[tuple[object, ...], ev.Evaluator] = {}
        self._entity_patterns: dict[str, tuple[Pattern, ...]] = {}

    def compile(self, node: Node) -> ev.Evaluator:
        """The evaluator of ``node``."""
        if isinstance(node, Text | EntityRef | CountryRef):
            return self.leaf(node)
        if isinstance(node, And):
            children = sorted((self.compile(c) for c in node.children), key=ev.rank)
            return self._shared(("and", *map(id, children)), lambda: ev.AndNode(children))
        if isinstance(node, Or):
            options = [self.compile(c) for c in node.children]
            merged = _merged_patterns(options)
            if merged is not None:  # one leaf: one set test instead of a test per option
                patterns, fields = merged
                key: tuple[object, ...] = ("any", fields, patterns)
                return self._shared(key, lambda: ev.Leaf(patterns, fields, None))
            return self._shared(("or", *map(id, options)), lambda: ev.OrNode(options))
        if isinstance(node, Not):
            child = self.compile(node.child)
            return self._shared(("not", id(child)), lambda: ev.NotNode(child))
        if isinstance(node, Near):
            left, right = (
                _positional(self.compile(node.left)),
                _positional(self.compile(node.right)),
            )
            key = ("near", id(left), id(right), node.distance, node.ordered)
            return self._shared(key, lambda: ev.Near(left, right, node.distance, node.ordered))
        if isinstance(node, Site):
            return self._shared(
                ("site", node.domain), lambda: ev.Filter(node.domain, ev.site_check)
            )
        return self._shared(("lang", node.code), lambda: ev.Filter(node.code, ev.lang_check))

    def _shared(self, key: tuple[object, ...], build: Callable[[], ev.Evaluator]) -> ev.Evaluator:
        # Keys hold children's ids: safe, as every node built stays referenced by this table.
        found = self._nodes.get(key)
        if found is None:
            found = self._nodes[key] = build()
        return found

    def leaf(self, node: Text | EntityRef | CountryRef) -> ev.Term | ev.Leaf:
        """A shared evaluator for a text, entity or country leaf."""
        if isinstance(node, Text):
            key: tuple[object, ...] = ("text", node.pattern, node.fields)
        elif isinstance(node, EntityRef):
            key = ("entity", node.entity, node.fields)
        else:
            key = ("country", node.code, node.fields)
        found = self._leaves.get(key)
        if found is None:
            found = self._leaves[key] = self._build(node)
        return found

    def patterns(self, node: Text | EntityRef | CountryRef) -> tuple[Pattern, ...]:
        """The patterns a leaf stands for."""
        if isinstance(node, Text):
            return (node.pattern,)
        if isinstance(node, CountryRef):
            return country_patterns(node.code)
        found = self._entity_patterns.get(node.entity)
        if found is None:
            found = self._entity_patterns[node.entity] = entity_patterns(self.entities[node.entity])
        return found

    def _build(self, node: Text | EntityRef | CountryRef) -> ev.Term | ev.Leaf:
        if isinstance(node, Text) and ev.is_plain(node.pattern):
            return ev.Term(node.pattern, node.fields)
        entity = node.entity if isinstance(node, EntityRef) else None
        return ev.Leaf(self.patterns(node), node.fields, entity)


def _merged_patterns(options: list[ev.Evaluator]) -> tuple[tuple[Pattern, ...], int] | None:
    """The patterns and fields of an OR of text leaves over the same fields, to make one leaf
    of (entities keep their own); None when the options cannot be merged."""
    patterns: list[Pattern] = []
    fields: set[int] = set()
    for option in options:
        if isinstance(option, ev.Term):
            patterns.append(option.pattern)
        elif isinstance(option, ev.Leaf) and option.entity is None:
            patterns.extend(option.patterns)
            patterns.extend(Pattern((word,)) for word in sorted(option.singles))
        else:
            return None
        fields.add(option.fields)
    return (tuple(patterns), fields.pop()) if len(fields) == 1 else None


def _positional(node: ev.Evaluator) -> ev.Positional:
    if isinstance(node, ev.Term | ev.Leaf | ev.Near | ev.OrNode):
        return node
    raise TypeError(f"not positional: {node!r}")  # the parser rejects these
