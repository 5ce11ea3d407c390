"""Compiled queries: a tree of small evaluator objects over a ``DocView``.

Every node answers ``test(doc)``; positional nodes (text, entity, country, NEAR and OR-groups
of them) also give their token ``spans`` in one field, memoized per document (leaves and
sub-trees are shared between watches by the compiler); ``collect`` gathers the evidence of a
matching node (``leaves.Evidence``). The leaves are in ``leaves.py``; here are the operators.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable

from newswatch.match.docview import DocView, FieldView, Span
from newswatch.match.leaves import (
    FIELD_BITS,
    Evidence,
    Leaf,
    Tagged,
    Term,
    is_plain,
    memo_spans,
)

__all__ = [
    "FIELD_BITS", "AndNode", "Evaluator", "Evidence", "Filter", "Leaf", "Near", "NotNode",
    "OrNode", "Positional", "Tagged", "Term", "is_plain", "lang_check", "rank", "site_check",
]  # fmt: skip


class Near:
    """Two positional operands at most ``distance`` tokens apart (``ordered``: left first)."""

    __slots__ = ("distance", "has_entities", "left", "ordered", "right")

    def __init__(self, left: Positional, right: Positional, distance: int, ordered: bool) -> None:
        self.left, self.right = left, right
        self.distance, self.ordered = distance, ordered
        self.has_entities = _has_entities(left) or _has_entities(right)

    def pairs(self, doc: DocView, which: int) -> list[tuple[Span, Span]]:
        """Every (left, right) pair of spans close enough, in one field."""
        lefts = self.left.spans(doc, which)
        rights = self.right.spans(doc, which) if lefts else []
        if not rights:
            return []
        n, ordered = self.distance, self.ordered
        starts = [s for s, _ in rights]  # spans are sorted by start
        reach = n + max(e - s for s, e in rights)  # a right span ending n before ls starts here
        out = []
        for left in lefts:
            ls, le = left
            lo = bisect_left(starts, le if ordered else ls - reach)
            for right in rights[lo : bisect_right(starts, le + n)]:
                rs, re = right
                if (le <= rs and rs - le <= n) or (not ordered and re <= ls and ls - re <= n):
                    out.append((left, right))
        return out

    def test(self, doc: DocView) -> bool:
        found = doc.memo.get(self)
        if found is None:
            found = doc.memo[self] = (
                self.left.test(doc)
                and self.right.test(doc)
                and any(self.pairs(doc, w) for w in FIELD_BITS)
            )
        return found

    def spans(self, doc: DocView, which: int) -> list[Span]:
        return memo_spans(self, doc, which)

    def field_spans(self, doc: DocView, view: FieldView, which: int) -> list[Span]:
        found = {(min(a[0], b[0]), max(a[1], b[1])) for a, b in self.pairs(doc, which)}
        return sorted(found)

    def collect(self, doc: DocView, out: Evidence) -> None:
        spans, entities = self.evidence(doc)
        out.groups.append(spans)
        out.entities.extend(entities)

    def evidence(self, doc: DocView) -> NearEvidence:
        """The spans of the pairs found, and the entities whose aliases are in them (not
        merely in the document); memoized per document, the pairs worked out once."""
        found = doc.near.get(self)
        if found is None:
            pairs = [(w, pair) for w in FIELD_BITS for pair in self.pairs(doc, w)]
            spans = tuple(sorted({(w, *span) for w, pair in pairs for span in pair}))
            entities: list[str] = []
            if self.has_entities:
                for side, operand in enumerate((self.left, self.right)):
                    used = {(w, pair[side]) for w, pair in pairs}
                    entities += _entities_in(operand, doc, used)
            found = doc.near[self] = (spans, tuple(entities))
        return found


def _has_entities(node: Positional) -> bool:
    if isinstance(node, OrNode):
        return any(_has_entities(child) for child in node.children)  # type: ignore[arg-type]  # parser checked
    if isinstance(node, Near):
        return node.has_entities
    return isinstance(node, Leaf) and node.entity is not None


def _entities_in(node: Positional, doc: DocView, used: set[tuple[int, Span]]) -> list[str]:
    """The entities of the leaves under a proximity operand that gave one of ``used``."""
    if isinstance(node, OrNode):
        children: tuple[Positional, ...] = node.children  # type: ignore[assignment]  # parser checked
        return [e for child in children for e in _entities_in(child, doc, used)]
    if isinstance(node, Near) and node.has_entities and _gave(node, doc, used):
        return list(node.evidence(doc)[1])
    if isinstance(node, Leaf) and node.entity is not None and _gave(node, doc, used):
        return [node.entity]
    return []


def _gave(node: Positional, doc: DocView, used: set[tuple[int, Span]]) -> bool:
    return any((w, span) in used for w in FIELD_BITS for span in node.spans(doc, w))


class AndNode:
    """Every child matches."""

    __slots__ = ("children",)

    def __init__(self, children: Iterable[Evaluator]) -> None:
        self.children = tuple(children)

    def test(self, doc: DocView) -> bool:
        for child in self.children:  # noqa: SIM110  # a plain loop is faster than all() here
            if not child.test(doc):
                return False
        return True

    def collect(self, doc: DocView, out: Evidence) -> None:
        for child in self.children:
            child.collect(doc, out)


class OrNode:
    """At least one child matches; an OR of positional children is positional."""

    __slots__ = ("children",)

    def __init__(self, children: Iterable[Evaluator]) -> None:
        self.children = tuple(children)

    def test(self, doc: DocView) -> bool:
        for child in self.children:  # noqa: SIM110  # a plain loop is faster than any() here
            if child.test(doc):
                return True
        return False

    def spans(self, doc: DocView, which: int) -> list[Span]:
        return memo_spans(self, doc, which)

    def field_spans(self, doc: DocView, view: FieldView, which: int) -> list[Span]:
        out: list[Span] = []
        for child in self.children:
            out.extend(child.spans(doc, which))  # type: ignore[union-attr]  # parser checked
        return sorted(set(out))

    def collect(self, doc: DocView, out: Evidence) -> None:
        for child in self.children:
            if child.test(doc):
                child.collect(doc, out)


class NotNode:
    """The child does not match (contributes no evidence)."""

    __slots__ = ("child",)

    def __init__(self, child: Evaluator) -> None:
        self.child = child

    def test(self, doc: DocView) -> bool:
        return not self.child.test(doc)

    def collect(self, doc: DocView, out: Evidence) -> None:
        return None


class Filter:
    """``site:`` or ``lang:``: a test on document metadata."""

    __slots__ = ("check", "value")

    def __init__(self, value: str, check: Callable[[DocView, str], bool]) -> None:
        self.value, self.check = value, check

    def test(self, doc: DocView) -> bool:
        return self.check(doc, self.value)

    def collect(self, doc: DocView, out: Evidence) -> None:
        return None


def site_check(doc: DocView, domain: str) -> bool:
    """The document's host is ``domain`` or a subdomain of it."""
    return domain in doc.sites


def lang_check(doc: DocView, code: str) -> bool:
    """The document's language is ``code``."""
    return doc.language == code


def rank(node: Evaluator) -> int:
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


Positional = Term | Leaf | Near | OrNode
NearEvidence = tuple[Tagged, tuple[str, ...]]
Evaluator = Term | Leaf | Near | AndNode | OrNode | NotNode | Filter
