"""The full-text presearcher: which archived articles a query could match (pure).

The index holds each article's distinct tokens, folded as the matcher folds them. From a
compiled query tree this derives what every matching article must contain, a *requirement*:
tokens (a prefix for a trailing wildcard), all of some, any of others. It is conservative: an
article the matcher would match always meets it, so the database finds the candidates and the
matcher decides. NOT, ``site:`` and ``lang:`` require nothing; a query that requires nothing
(``NOT x``, ``lang:de``) has no requirement and every article is a candidate.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from newswatch.archive.schema import TERM_MAX_CHARS
from newswatch.match import tree
from newswatch.match.query import Pattern


@dataclass(frozen=True)
class Token:
    """A token the article must hold (or, with ``prefix``, a token starting with it)."""

    text: str
    prefix: bool = False


@dataclass(frozen=True)
class AllOf:
    """Every part is required."""

    parts: tuple[Requirement, ...]


@dataclass(frozen=True)
class AnyOf:
    """At least one part is required."""

    parts: tuple[Requirement, ...]


Requirement = Token | AllOf | AnyOf


def requirement(node: tree.Node) -> Requirement | None:
    """What an article must hold to possibly match ``node`` (None: nothing can be required)."""
    if isinstance(node, tree.Term):
        return _token(node.pattern.folded[0], False)
    if isinstance(node, tree.Leaf):
        words = [_token(word, False) for word in sorted(node.singles)]
        return _any([*words, *(_pattern(p) for p in node.patterns)])
    if isinstance(node, tree.Near):
        return _all([requirement(node.left), requirement(node.right)])
    if isinstance(node, tree.AndNode):
        return _all([requirement(child) for child in node.children])
    if isinstance(node, tree.OrNode):
        return _any([requirement(child) for child in node.children])
    return None  # NOT, site:, lang:


def any_of(requirements: list[Requirement | None]) -> Requirement | None:
    """What an article must hold to possibly match one of several queries."""
    return _any(requirements)


def _pattern(pattern: Pattern) -> Requirement | None:
    last = len(pattern.folded) - 1
    return _all([_token(w, pattern.prefix and i == last) for i, w in enumerate(pattern.folded)])


def _token(text: str, prefix: bool) -> Token | None:
    return Token(text, prefix) if 0 < len(text) <= TERM_MAX_CHARS else None


def _all(parts: list[Requirement | None]) -> Requirement | None:
    kept = tuple(dict.fromkeys(p for p in parts if p is not None))
    return kept[0] if len(kept) == 1 else AllOf(kept) if kept else None


def _any(parts: list[Requirement | None]) -> Requirement | None:
    if not parts or any(p is None for p in parts):
        return None
    kept = _factored(list(dict.fromkeys(p for p in parts if p is not None)))
    return kept[0] if len(kept) == 1 else AnyOf(tuple(kept))


def _factored(parts: list[Requirement]) -> list[Requirement]:
    """Options sharing a token with it taken out: (a AND b) OR (a AND c) -> a AND (b OR c)
    (an entity's aliases and their variants share words: each is then looked up once)."""
    counts = Counter(t for part in parts for t in _tokens(part))
    if not counts or counts.most_common(1)[0][1] < 2:
        return parts
    token = counts.most_common(1)[0][0]
    sharing = [part for part in parts if token in _tokens(part)]
    others = [part for part in parts if token not in _tokens(part)]
    rests = [_all([q for q in _parts(part) if q != token]) for part in sharing]
    return [_all([token, _any(rests)]), *_factored(others)]  # type: ignore[list-item]


def _parts(req: Requirement) -> tuple[Requirement, ...]:
    return req.parts if isinstance(req, AllOf) else (req,)


def _tokens(req: Requirement) -> list[Token]:
    return [q for q in _parts(req) if isinstance(q, Token)]


def fts5(req: Requirement) -> str:
    """The requirement as an SQLite FTS5 query (``"token"``, ``"prefix"*``, AND, OR)."""
    if isinstance(req, Token):
        quoted = '"' + req.text.replace('"', '""') + '"'
        return quoted + "*" if req.prefix else quoted
    joiner = " AND " if isinstance(req, AllOf) else " OR "
    return "(" + joiner.join(fts5(part) for part in req.parts) + ")"


def tsquery(req: Requirement) -> str:
    """The requirement as PostgreSQL ``tsquery`` input (``'token'``, ``'prefix':*``, &, |)."""
    if isinstance(req, Token):
        quoted = "'" + req.text.replace("\\", "\\\\").replace("'", "''") + "'"
        return quoted + ":*" if req.prefix else quoted
    joiner = " & " if isinstance(req, AllOf) else " | "
    return "(" + joiner.join(tsquery(part) for part in req.parts) + ")"
