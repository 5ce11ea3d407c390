"""A deliberately naive evaluator: every watch, every position, no index, no shortcuts.

It shares only the normalizer, the parser and the pattern resolution (aliases, variants,
country names) with the fast matcher, and is the oracle of the property test and the
baseline of the benchmark. ``matches`` also gives the evidence, by the rules written in
docs/query-language.md ("Matches"), with its own snippet code (``reference_snippet``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from newswatch.languages import lang_codes
from newswatch.match import normalize
from newswatch.match.compiler import Compiler
from newswatch.match.lexicon import Lexicon
from newswatch.match.model import Document, EntitySpec, Hit, Match, WatchSpec
from newswatch.match.parser import parse_query
from newswatch.match.query import (
    BODY,
    TITLE,
    And,
    EntityRef,
    Lang,
    Leaf,
    Near,
    Node,
    Not,
    Or,
    Pattern,
    Query,
    Site,
)
from newswatch.match.reference_snippet import snippet_of

MAX_HITS = 100
FIELDS = ((0, TITLE), (1, BODY))  # (index in a tagged span, field bit)
Tagged = tuple[int, int, int]  # (field index, first token, end token)


@dataclass(frozen=True)
class _Field:
    tokens: list[str]
    cased: list[str]
    words: frozenset[str]


@dataclass(frozen=True)
class _Doc:
    fields: dict[int, _Field]
    host: str
    languages: tuple[str, ...]  # the lang: codes it matches


class ReferenceMatcher:
    """Evaluates every query on every document by brute force."""

    def __init__(
        self,
        watches: Sequence[WatchSpec],
        entities: Mapping[str, EntitySpec],
        lexicon: Lexicon | None = None,
    ) -> None:
        self.compiler = Compiler(entities, lexicon)
        self.queries: list[Query] = [
            parse_query(w.id, w.query, entities, self.compiler.lexicon, w.translate)
            for w in watches
        ]

    def match(self, doc: Document) -> list[str]:
        """The ids of the matching watches, in watchlist order."""
        prepared = _prepare(doc)
        return [q.watch for q in self.queries if self.test(q.root, prepared)]

    def matches(self, doc: Document) -> list[Match]:
        """Every matching watch, in watchlist order, with its evidence."""
        prepared = _prepare(doc)
        found = []
        for q in self.queries:
            if self.test(q.root, prepared):
                spans, entities = self.evidence(q.root, prepared)
                hits = _hits(doc, spans)
                snippet = snippet_of(doc, hits)
                found.append(Match(q.watch, hits, tuple(dict.fromkeys(entities)), snippet))
        return found

    def test(self, node: Node, doc: _Doc) -> bool:
        if isinstance(node, And):
            return all(self.test(c, doc) for c in node.children)
        if isinstance(node, Or):
            return any(self.test(c, doc) for c in node.children)
        if isinstance(node, Not):
            return not self.test(node.child, doc)
        if isinstance(node, Site):
            return doc.host == node.domain or doc.host.endswith("." + node.domain)
        if isinstance(node, Lang):
            return node.code in doc.languages
        return any(self.spans(node, doc, which) for which in (TITLE, BODY))

    def spans(self, node: Node, doc: _Doc, which: int) -> list[tuple[int, int]]:
        """Token spans of a positional node in one field."""
        if isinstance(node, Near):
            left, right = self.spans(node.left, doc, which), self.spans(node.right, doc, which)
            return [
                (min(a[0], b[0]), max(a[1], b[1]))
                for a in left
                for b in right
                if _near(a, b, node.distance, node.ordered)
            ]
        if isinstance(node, Or):
            return [s for c in node.children for s in self.spans(c, doc, which)]
        assert isinstance(node, Leaf)
        if not node.fields & which:
            return []
        field = doc.fields[which]
        return [s for p in self.compiler.patterns(node) for s in _scan(p, field)]

    def evidence(self, node: Node, doc: _Doc) -> tuple[set[Tagged], list[str]]:
        """The spans and entities a true node contributes: every child of an AND, the true
        options of an OR, nothing from NOT, site: and lang:."""
        if isinstance(node, And | Or):
            spans: set[Tagged] = set()
            entities: list[str] = []
            for child in node.children:
                if isinstance(node, And) or self.test(child, doc):
                    more, named = self.evidence(child, doc)
                    spans |= more
                    entities += named
            return spans, entities
        if isinstance(node, Not | Site | Lang):
            return set(), []
        if isinstance(node, Near):
            return self.near_evidence(node, doc)
        spans = self.tagged(node, doc)
        return spans, [node.entity] if isinstance(node, EntityRef) and spans else []

    def tagged(self, node: Node, doc: _Doc) -> set[Tagged]:
        return {(f, *span) for f, which in FIELDS for span in self.spans(node, doc, which)}

    def near_evidence(self, node: Near, doc: _Doc) -> tuple[set[Tagged], list[str]]:
        """The spans of the pairs close enough, and the entities that took part in them."""
        pairs = [
            ((f, *a), (f, *b))
            for f, which in FIELDS
            for a in self.spans(node.left, doc, which)
            for b in self.spans(node.right, doc, which)
            if _near(a, b, node.distance, node.ordered)
        ]
        entities: list[str] = []
        for side, operand in enumerate((node.left, node.right)):
            used = {pair[side] for pair in pairs}
            entities += self.entities_in(operand, doc, used)
        return {span for pair in pairs for span in pair}, entities

    def entities_in(self, node: Node, doc: _Doc, used: set[Tagged]) -> list[str]:
        """The entities under a NEAR operand whose spans are among ``used``."""
        if isinstance(node, Or):
            return [e for child in node.children for e in self.entities_in(child, doc, used)]
        took_part = not used.isdisjoint(self.tagged(node, doc))
        if isinstance(node, Near) and took_part:
            return self.near_evidence(node, doc)[1]
        return [node.entity] if isinstance(node, EntityRef) and took_part else []


def _hits(doc: Document, spans: set[Tagged]) -> tuple[Hit, ...]:
    """The spans not inside another one of the same field, the first ``MAX_HITS`` in reading
    order (title first), as hits in the original text (each once)."""
    outer = sorted(
        s
        for s in spans
        if not any(t != s and t[0] == s[0] and t[1] <= s[1] and s[2] <= t[2] for t in spans)
    )
    hits: list[Hit] = []
    for f, first, end in outer[:MAX_HITS]:
        text = (doc.title, doc.body)[f]
        offsets = normalize.token_spans(text)
        start, stop = offsets[first][0], offsets[end - 1][1]
        hit = Hit("body" if f else "title", text[start:stop], start, stop)
        if hit not in hits:
            hits.append(hit)
    return tuple(hits)


def _near(a: tuple[int, int], b: tuple[int, int], distance: int, ordered: bool) -> bool:
    if a[1] <= b[0]:
        return b[0] - a[1] <= distance
    return not ordered and b[1] <= a[0] and a[0] - b[1] <= distance


def _scan(pattern: Pattern, field: _Field) -> list[tuple[int, int]]:
    if not pattern.prefix and pattern.folded[0] not in field.words:
        return []
    seq = field.cased if pattern.case_sensitive else field.tokens
    n = len(pattern.words)
    found = []
    for start in range(len(seq) - n + 1):
        window = seq[start : start + n]
        if pattern.prefix:
            ok = window[:-1] == list(pattern.words[:-1]) and window[-1].startswith(
                pattern.words[-1]
            )
        else:
            ok = window == list(pattern.words)
        if ok and not (pattern.capitalized and field.cased[start][:1].islower()):
            found.append((start, start + n))
    return found


def _field(text: str) -> _Field:
    folded = normalize.regex_tokens(text)
    return _Field(folded, normalize.regex_tokens(text, False), frozenset(folded))


def _prepare(doc: Document) -> _Doc:
    fields = {which: _field(text) for which, text in ((TITLE, doc.title), (BODY, doc.body))}
    host = doc.site.lower().strip().rstrip(".")
    return _Doc(fields, host, lang_codes(doc.language))
