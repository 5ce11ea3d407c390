"""The leaves of a compiled query (plain words, and sets of patterns: phrases, wildcards, entity
aliases, country names), and the evidence a matching node gives.

A positional node's token spans in one field are memoized per document; ``collect`` gathers
the evidence of a matching node: groups of (field bit, start, end) token spans and the entities
whose aliases hit.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from newswatch.match.docview import DocView, FieldView, Span, occurrences, present
from newswatch.match.query import BODY, TITLE, Pattern

if TYPE_CHECKING:
    from newswatch.match.evaluate import Positional

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


def memo_spans(node: Positional, doc: DocView, which: int) -> list[Span]:
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
        return memo_spans(self, doc, which)

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
        return memo_spans(self, doc, which)

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
