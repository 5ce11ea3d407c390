"""Compiled queries: a tree of small nodes, shared between watches by the compiler.

Each node has an ``id``, its place in the compiler's node list (children come before their
parents). The tree is what ``clauses`` reads to build the candidate index and what
``program`` flattens into the native engine's tables; it is not evaluated in Python.
"""

from __future__ import annotations

from collections.abc import Iterable

from newswatch.match.query import Pattern

SITE_FILTER, LANG_FILTER = "site", "lang"


class Term:
    """One plain word in one or both fields (the most common leaf)."""

    __slots__ = ("fields", "id", "pattern", "word")

    def __init__(self, id: int, pattern: Pattern, fields: int) -> None:
        self.id = id
        self.pattern = pattern
        self.word = pattern.words[0]
        self.fields = fields


class Leaf:
    """Any set of patterns (phrase, wildcard, entity aliases, country names) in some fields.

    ``singles``: the plain one-word patterns, as words; ``patterns``: the others.
    """

    __slots__ = ("entity", "fields", "id", "patterns", "singles")

    def __init__(
        self, id: int, patterns: Iterable[Pattern], fields: int, entity: str | None
    ) -> None:
        patterns = tuple(dict.fromkeys(patterns))
        self.id = id
        self.singles = frozenset(p.words[0] for p in patterns if is_plain(p))
        self.patterns = tuple(p for p in patterns if not is_plain(p))
        self.fields = fields
        self.entity = entity


class Near:
    """Two positional operands at most ``distance`` tokens apart (``ordered``: left first)."""

    __slots__ = ("distance", "has_entities", "id", "left", "ordered", "right")

    def __init__(
        self, id: int, left: Positional, right: Positional, distance: int, ordered: bool
    ) -> None:
        self.id = id
        self.left, self.right = left, right
        self.distance, self.ordered = distance, ordered
        self.has_entities = _has_entities(left) or _has_entities(right)


class AndNode:
    """Every child matches."""

    __slots__ = ("children", "id")

    def __init__(self, id: int, children: Iterable[Node]) -> None:
        self.id = id
        self.children = tuple(children)


class OrNode:
    """At least one child matches; an OR of positional children is positional."""

    __slots__ = ("children", "id")

    def __init__(self, id: int, children: Iterable[Node]) -> None:
        self.id = id
        self.children = tuple(children)


class NotNode:
    """The child does not match (contributes no evidence)."""

    __slots__ = ("child", "id")

    def __init__(self, id: int, child: Node) -> None:
        self.id = id
        self.child = child


class Filter:
    """``site:`` (the host is the domain or under it) or ``lang:`` (the detected language)."""

    __slots__ = ("id", "kind", "value")

    def __init__(self, id: int, kind: str, value: str) -> None:
        self.id = id
        self.kind, self.value = kind, value


def is_plain(pattern: Pattern) -> bool:
    """One case-insensitive word without wildcard or capital-letter condition."""
    return len(pattern.words) == 1 and not (
        pattern.prefix or pattern.case_sensitive or pattern.capitalized
    )


def rank(node: Node) -> int:
    """How costly a node is to test, roughly: AND tests its cheapest children first."""
    if isinstance(node, Filter | Term):
        return 0
    if isinstance(node, Leaf):
        return 1 if not node.patterns else 2
    if isinstance(node, Near):
        return 3
    if isinstance(node, NotNode):
        return rank(node.child)
    return max(rank(c) for c in node.children)


def _has_entities(node: Positional) -> bool:
    if isinstance(node, OrNode):
        return any(_has_entities(child) for child in node.children)  # type: ignore[arg-type]  # parser checked
    if isinstance(node, Near):
        return node.has_entities
    return isinstance(node, Leaf) and node.entity is not None


Positional = Term | Leaf | Near | OrNode
Node = Term | Leaf | Near | AndNode | OrNode | NotNode | Filter
