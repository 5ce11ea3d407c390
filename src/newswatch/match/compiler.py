"""Turn parsed queries into evaluator trees; entity and country leaves are resolved once."""

from __future__ import annotations

from collections.abc import Mapping

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
    """Compiles nodes, sharing identical leaves (terms, entities, countries) between watches."""

    def __init__(self, entities: Mapping[str, EntitySpec]) -> None:
        self.entities = entities
        self._leaves: dict[tuple[object, ...], ev.Term | ev.Leaf] = {}
        self._entity_patterns: dict[str, tuple[Pattern, ...]] = {}

    def compile(self, node: Node) -> ev.Evaluator:
        """The evaluator of ``node``."""
        if isinstance(node, Text | EntityRef | CountryRef):
            return self.leaf(node)
        if isinstance(node, And):
            return ev.AndNode(sorted((self.compile(c) for c in node.children), key=ev.rank))
        if isinstance(node, Or):
            return ev.OrNode(self.compile(c) for c in node.children)
        if isinstance(node, Not):
            return ev.NotNode(self.compile(node.child))
        if isinstance(node, Near):
            left, right = self.compile(node.left), self.compile(node.right)
            return ev.Near(_positional(left), _positional(right), node.distance, node.ordered)
        if isinstance(node, Site):
            return ev.Filter(node.domain, ev.site_check)
        return ev.Filter(node.code, ev.lang_check)

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


def _positional(node: ev.Evaluator) -> ev.Positional:
    if isinstance(node, ev.Term | ev.Leaf | ev.Near | ev.OrNode):
        return node
    raise TypeError(f"not positional: {node!r}")  # the parser rejects these
