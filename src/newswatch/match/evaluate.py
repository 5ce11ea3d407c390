"""Compiled queries: a tree of small evaluator objects over a ``DocView``.

Every node answers ``test(doc)``; positional nodes (text, entity, country, NEAR and OR-groups
of them) also give their token ``spans`` in one field, memoized per document (leaves and
sub-trees are shared between watches by the compiler); ``collect`` gathers the evidence of a
matching node: groups of (field bit, start, end) token spans and the entities whose aliases hit.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable

from newswatch.match.docview import DocView, FieldView, Span, occurrences, present
from newswatch.match.query import BODY, TITLE, Pattern

FIELD_BITS = (TITLE, BODY)
Tagged = tuple[tuple[int, int, int], ...]  # (field bit, start, end), title first, ascending
_NONE: frozenset[str] = frozenset()


class Evidence:
    """What a matching query found: span groups (one per contributing node) and entities."""

    __slots__ = ("entities", "groups")

    def __init__(self) -> None:
        self.groups: list[Tagged] = []
        self.entities: list[str] = []


def tagged(node: Positional, doc: DocView) -> Tagged:
    """The node's spans in both fields, deduplicated (memoized per document)."""
    found = doc.tagged.get(node)
    if found is None:
        spans = [(w, s, e) for w in FIELD_BITS for s, e in node.spans(doc, w)]
        found = doc.tagged[node] = tuple(sorted(set(spans)))
    return found


def _memo_spans(node: Positional, doc: DocView, which: int) -> list[Span]:
    view = doc.field(which)
    found = view.spans_memo.get(node)
    if found is None:
        found = view.spans_memo[node] = node.field_spans(doc, view, which)
    return found


class Term:
    """One plain word in one or both fields (the most common leaf)."""

    __slots__ = ("fields", "pattern", "word")

    def __init__(self, pattern: Pattern, fields: int) -> None:
        self.pattern = pattern
        self.word = pattern.words[0]
        self.fields = fields

    def test(self, doc: DocView) -> bool:
        return self.word in doc.sets[self.fields]

    def spans(self, doc: DocView, which: int) -> list[Span]:
        if not self.fields & which:
            return []
        return _memo_spans(self, doc, which)

    def field_spans(self, doc: DocView, view: FieldView, which: int) -> list[Span]:
        return [(p, p + 1) for p in view.positions(self.word)]

    def collect(self, doc: DocView, out: Evidence) -> None:
        out.groups.append(tagged(self, doc))


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
        found = self._found(doc)
        if found:
            if not self.singles.isdisjoint(found) and not self.singles.isdisjoint(doc.sets[fields]):
                return True
            for which in FIELD_BITS:
                if fields & which and self._in_field(doc.field(which), found):
                    return True
        for which in FIELD_BITS:
            if fields & which and any(present(p, doc.field(which)) for p in self.prefixed):
                return True
        return False

    def _found(self, doc: DocView) -> set[str] | frozenset[str]:
        """This leaf's words (singles and triggers) that occur in the document."""
        return doc.leaf_words.get(self, _NONE)

    def _in_field(self, view: FieldView, found: set[str] | frozenset[str]) -> bool:
        tokset, triggers = view.tokset, self.triggers
        for word in found:
            if word in tokset and word in triggers:
                for pattern in triggers[word]:
                    if present(pattern, view):
                        return True
        return False

    def spans(self, doc: DocView, which: int) -> list[Span]:
        if not self.fields & which:
            return []
        return _memo_spans(self, doc, which)

    def field_spans(self, doc: DocView, view: FieldView, which: int) -> list[Span]:
        # Only the patterns whose trigger word (or wildcard prefix) occurs can occur.
        found = self._found(doc).intersection(view.tokset)
        out = [(p, p + 1) for w in self.singles.intersection(found) for p in view.positions(w)]
        for word in self.words.intersection(found):
            for pattern in self.triggers[word]:
                out.extend(occurrences(pattern, view))
        for pattern in self.prefixed:
            if view.has_prefix(pattern.folded[0]):
                out.extend(occurrences(pattern, view))
        return sorted(out)

    def collect(self, doc: DocView, out: Evidence) -> None:
        found = tagged(self, doc)
        if found:
            out.groups.append(found)
            if self.entity is not None:
                out.entities.append(self.entity)


def is_plain(pattern: Pattern) -> bool:
    """One case-insensitive word without wildcard or capital-letter condition."""
    return len(pattern.words) == 1 and not (
        pattern.prefix or pattern.case_sensitive or pattern.capitalized
    )


class Near:
    """Two positional operands at most ``distance`` tokens apart (``ordered``: left first)."""

    __slots__ = ("distance", "left", "ordered", "right")

    def __init__(self, left: Positional, right: Positional, distance: int, ordered: bool) -> None:
        self.left, self.right = left, right
        self.distance, self.ordered = distance, ordered

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
        return _memo_spans(self, doc, which)

    def field_spans(self, doc: DocView, view: FieldView, which: int) -> list[Span]:
        found = {(min(a[0], b[0]), max(a[1], b[1])) for a, b in self.pairs(doc, which)}
        return sorted(found)

    def collect(self, doc: DocView, out: Evidence) -> None:
        found = doc.tagged.get((self, FIELD_BITS))
        if found is None:
            spans = {(w, *span) for w in FIELD_BITS for pair in self.pairs(doc, w) for span in pair}
            found = doc.tagged[self, FIELD_BITS] = tuple(sorted(spans))
        out.groups.append(found)
        out.entities.extend(self.entities(doc))

    def entities(self, doc: DocView) -> list[str]:
        """The entities whose aliases are in the pairs found (not merely in the document)."""
        out = []
        for side, operand in enumerate((self.left, self.right)):
            used = {(w, pair[side]) for w in FIELD_BITS for pair in self.pairs(doc, w)}
            out += _entities_in(operand, doc, used)
        return out


def _entities_in(node: Positional, doc: DocView, used: set[tuple[int, Span]]) -> list[str]:
    """The entities of the leaves under a proximity operand that gave one of ``used``."""
    if isinstance(node, OrNode):
        children: tuple[Positional, ...] = node.children  # type: ignore[assignment]  # parser checked
        return [e for child in children for e in _entities_in(child, doc, used)]
    if isinstance(node, Term) or (isinstance(node, Leaf) and node.entity is None):
        return []
    if not any((w, span) in used for w in FIELD_BITS for span in node.spans(doc, w)):
        return []
    return node.entities(doc) if isinstance(node, Near) else [str(node.entity)]


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
        return _memo_spans(self, doc, which)

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
Evaluator = Term | Leaf | Near | AndNode | OrNode | NotNode | Filter
