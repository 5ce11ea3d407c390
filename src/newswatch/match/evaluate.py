"""Compiled queries: a tree of small evaluator objects over a ``DocView``.

Every node answers ``test(doc)``; positional nodes (text, entity, country, NEAR and OR-groups
of them) also give their token ``spans`` in one field; ``collect`` gathers the evidence of a
matching node: (field bit, start, end) token spans and the entities whose aliases hit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from newswatch.match.docview import DocView, FieldView, Span, occurrences, present
from newswatch.match.query import BODY, BOTH, TITLE, Pattern

FIELD_BITS = (TITLE, BODY)


@dataclass
class Evidence:
    """What a matching query found: token spans per field and the entities that hit."""

    spans: list[tuple[int, int, int]] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)


class Term:
    """One plain word in one or both fields (the most common leaf)."""

    __slots__ = ("fields", "pattern", "word")

    def __init__(self, pattern: Pattern, fields: int) -> None:
        self.pattern = pattern
        self.word = pattern.words[0]
        self.fields = fields

    def test(self, doc: DocView) -> bool:
        if self.fields == BOTH:
            return self.word in doc.alltok
        return self.word in doc.field(self.fields).tokset

    def spans(self, doc: DocView, which: int) -> list[Span]:
        if not self.fields & which:
            return []
        return [(p, p + 1) for p in doc.field(which).positions(self.word)]

    def collect(self, doc: DocView, out: Evidence) -> None:
        _collect_spans(self, doc, out)


class Leaf:
    """Any set of patterns (phrase, wildcard, entity aliases, country names) in some fields.

    One-word plain patterns are a set (one C-level intersection); every other pattern is
    filed under one of its whole words (its trigger), so only those whose trigger occurs in
    the field are tried; patterns made of a lone wildcard are always tried.
    """

    __slots__ = ("entity", "fields", "patterns", "prefixed", "singles", "triggers", "words")

    def __init__(self, patterns: Iterable[Pattern], fields: int, entity: str | None) -> None:
        patterns = tuple(dict.fromkeys(patterns))
        self.singles = frozenset(p.words[0] for p in patterns if is_plain(p))
        self.patterns = tuple(p for p in patterns if not is_plain(p))
        triggers: dict[str, list[Pattern]] = {}
        for p in self.patterns:
            whole = p.folded[:-1] if p.prefix else p.folded
            if whole:
                triggers.setdefault(max(whole, key=len), []).append(p)
        self.triggers = {w: tuple(ps) for w, ps in triggers.items()}
        self.words = frozenset(triggers)
        self.prefixed = tuple(p for p in self.patterns if p.prefix and len(p.words) == 1)
        self.fields = fields
        self.entity = entity

    def test(self, doc: DocView) -> bool:
        # Leaves are shared by every watch naming the same entity/country: decide once per doc.
        found = doc.memo.get(self)
        if found is None:
            found = doc.memo[self] = self._test(doc)
        return found

    def _test(self, doc: DocView) -> bool:
        fields = self.fields
        if self.singles:
            tokset = doc.alltok if fields == BOTH else doc.field(fields).tokset
            if not self.singles.isdisjoint(tokset):
                return True
        return any(fields & which and self._in_field(doc.field(which)) for which in FIELD_BITS)

    def _in_field(self, view: FieldView) -> bool:
        for word in self.words & view.tokset:
            for pattern in self.triggers[word]:
                if present(pattern, view):
                    return True
        return any(present(p, view) for p in self.prefixed)

    def spans(self, doc: DocView, which: int) -> list[Span]:
        if not self.fields & which:
            return []
        view = doc.field(which)
        out = [(p, p + 1) for w in self.singles & view.tokset for p in view.positions(w)]
        for pattern in self.patterns:
            out.extend(occurrences(pattern, view))
        return sorted(out)

    def collect(self, doc: DocView, out: Evidence) -> None:
        if _collect_spans(self, doc, out) and self.entity is not None:
            out.entities.append(self.entity)


def is_plain(pattern: Pattern) -> bool:
    """One case-insensitive word without wildcard or capital-letter condition."""
    return len(pattern.words) == 1 and not (
        pattern.prefix or pattern.case_sensitive or pattern.capitalized
    )


def _collect_spans(node: Positional, doc: DocView, out: Evidence) -> bool:
    found = False
    for which in FIELD_BITS:
        for start, end in node.spans(doc, which):
            out.spans.append((which, start, end))
            found = True
    return found


class Near:
    """Two positional operands at most ``distance`` tokens apart (``ordered``: left first)."""

    __slots__ = ("distance", "left", "ordered", "right")

    def __init__(self, left: Positional, right: Positional, distance: int, ordered: bool) -> None:
        self.left, self.right = left, right
        self.distance, self.ordered = distance, ordered

    def pairs(self, doc: DocView, which: int) -> Iterable[tuple[Span, Span]]:
        lefts = self.left.spans(doc, which)
        rights = self.right.spans(doc, which) if lefts else []
        n = self.distance
        for ls, le in lefts:
            for rs, re in rights:
                if (le <= rs and rs - le <= n) or (not self.ordered and re <= ls and ls - re <= n):
                    yield (ls, le), (rs, re)

    def test(self, doc: DocView) -> bool:
        if not (self.left.test(doc) and self.right.test(doc)):
            return False
        return any(next(iter(self.pairs(doc, w)), None) for w in FIELD_BITS)

    def spans(self, doc: DocView, which: int) -> list[Span]:
        found = {(min(a[0], b[0]), max(a[1], b[1])) for a, b in self.pairs(doc, which)}
        return sorted(found)

    def collect(self, doc: DocView, out: Evidence) -> None:
        for which in FIELD_BITS:
            for left, right in self.pairs(doc, which):
                out.spans.append((which, *left))
                out.spans.append((which, *right))


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
Evaluator = Term | Leaf | Near | AndNode | OrNode | NotNode | Filter
