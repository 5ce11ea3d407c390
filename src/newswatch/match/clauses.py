"""What a matching document must contain: a compiled query as clauses of keys.

A *key* is a normalized word, ``PREFIX`` + the prefix of a wildcard, ``SITE`` + a domain or
``LANG`` + a language code. A *clause* is a set of keys at least one of which occurs in every
document the query matches; a query gives a list of clauses (all must hold), and says whether
they are also enough (*exact*), in which case the query needs no further evaluation.

- a plain term gives ``{word}`` (exact when it may occur in either field);
- a leaf of one pattern (a phrase, a wildcard) gives a clause per word (and prefix) of it;
- any other leaf (entity, country, OR of terms) gives one clause: for each of its patterns
  its rarest word (or its wildcard prefix); exact when it is only plain words;
- ``site:``/``lang:`` give ``{SITE + domain}`` / ``{LANG + code}``, exact;
- AND and NEAR join their children's clauses (NEAR is never exact: distance counts);
- OR of single clauses is their union; otherwise the union of each option's rarest clause;
- NOT gives none, so an OR with a NOT option gives none: such a query is checked on every
  document.
"""

from __future__ import annotations

from functools import lru_cache

from newswatch.match import tree
from newswatch.match.normalize import is_no_space
from newswatch.match.query import BOTH, Pattern

PREFIX, SITE, LANG = "\x01", "\x02", "\x03"
Clause = frozenset[str]

COMMON = frozenset(
    """a an and are as at be been but by for from has have he in is it its of on or that the
    their this to was were will with yang dan di ke dari untuk dengan pada ini itu adalah akan
    tidak dalam juga le la les de des du un une et en est que qui dans pour pas sur au par
    der die das und ist nicht mit den von zu el los las y del se por con para и в не на что
    с по как это из за то от для він вона що у з та до як але й""".split()  # noqa: SIM905  # a word list reads better as text
)


@lru_cache(maxsize=200_000)
def estimate(word: str) -> float:
    """A guess of the fraction of documents that contain ``word``."""
    if word in COMMON:
        return 0.5
    if is_no_space(word[0]):
        return 0.05
    return min(0.5, 4.0 / len(word) ** 2)


def pattern_key(pattern: Pattern) -> str:
    """The rarest key every occurrence of ``pattern`` brings."""
    words = pattern.folded
    whole = words[:-1] if pattern.prefix else words
    return min(whole, key=estimate) if whole else PREFIX + words[-1]


def pattern_keys(pattern: Pattern) -> list[str]:
    """Every key every occurrence of ``pattern`` brings."""
    words = pattern.folded
    whole = list(words[:-1] if pattern.prefix else words)
    return [*whole, PREFIX + words[-1]] if pattern.prefix else whole


def cost(clause: Clause) -> float:
    """How often a clause holds, roughly (lower is more selective)."""
    return sum(estimate(key.lstrip(PREFIX)) for key in clause)


Clauses = tuple[list[Clause], bool]


def clauses(node: tree.Node, memo: dict[tree.Node, Clauses] | None = None) -> Clauses:
    """The clauses of a compiled query, and whether they decide it.

    ``memo`` caches the clauses of nodes, which the compiler shares between watches.
    """
    memo = {} if memo is None else memo
    found = memo.get(node)  # evaluator nodes compare by identity
    if found is None:
        found = memo[node] = _clauses(node, memo)
    return found


def _clauses(node: tree.Node, memo: dict[tree.Node, Clauses]) -> Clauses:
    if isinstance(node, tree.Term):
        return [frozenset((node.word,))], node.fields == BOTH
    if isinstance(node, tree.Leaf):
        if len(node.patterns) == 1 and not node.singles:  # a phrase: each of its words
            return [frozenset((key,)) for key in pattern_keys(node.patterns[0])], False
        keys = frozenset(node.singles) | {pattern_key(p) for p in node.patterns}
        return [keys], node.fields == BOTH and not node.patterns
    if isinstance(node, tree.Filter):
        tag = SITE if node.kind == tree.SITE_FILTER else LANG
        return [frozenset((tag + node.value,))], True
    if isinstance(node, tree.AndNode):
        parts = [clauses(child, memo) for child in node.children]
        return [c for found, _ in parts for c in found], all(exact for _, exact in parts)
    if isinstance(node, tree.Near):
        return clauses(node.left, memo)[0] + clauses(node.right, memo)[0], False
    if isinstance(node, tree.OrNode):
        return _or_clauses([clauses(child, memo) for child in node.children])
    return [], False  # NOT


def _or_clauses(options: list[Clauses]) -> Clauses:
    if any(not found for found, _ in options):
        return [], False
    if all(len(found) == 1 for found, _ in options):
        return [frozenset().union(*(found[0] for found, _ in options))], all(
            exact for _, exact in options
        )
    return [frozenset().union(*(min(found, key=cost) for found, _ in options))], False
