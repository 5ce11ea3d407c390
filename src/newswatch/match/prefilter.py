"""Candidate selection: an index from required keys to watches.

For each watch we choose a set of *keys*, at least one of which any matching document must
contain: a token for a term (the rarest word of a phrase or alias), ``PREFIX`` + the prefix
of a wildcard (found with Aho-Corasick), ``SITE`` + domain, ``LANG`` + code. AND (and NEAR)
keeps the cheapest child's set, OR the union of its children's; NOT gives none, so an OR with
a NOT branch (or a watch without any key) is checked against every document. Cost is a guess
of how often a key occurs: short and common words are frequent, long words rare.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache

import ahocorasick

from newswatch.match import evaluate as ev
from newswatch.match.docview import DocView
from newswatch.match.normalize import is_no_space
from newswatch.match.query import Pattern

PREFIX, SITE, LANG = "\x01", "\x02", "\x03"
Keys = tuple[frozenset[str], float] | None

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


def pattern_key(pattern: Pattern) -> tuple[str, float]:
    """The rarest required key of one pattern."""
    words = pattern.folded
    whole = words[:-1] if pattern.prefix else words
    if whole:
        word = min(whole, key=estimate)
        return word, estimate(word)
    return PREFIX + words[-1], estimate(words[-1]) * 2


def keys(node: ev.Evaluator, leaves: dict[ev.Leaf, Keys] | None = None) -> Keys:
    """The key set of a compiled node, with its cost; None when it cannot be narrowed.

    ``leaves`` caches the keys of leaves, which are shared between watches.
    """
    memo = {} if leaves is None else leaves
    if isinstance(node, ev.Term):
        return frozenset((node.word,)), estimate(node.word)
    if isinstance(node, ev.Leaf):
        if node not in memo:
            memo[node] = _leaf_keys(node)
        return memo[node]
    if isinstance(node, ev.Near):
        return _cheapest([keys(node.left, memo), keys(node.right, memo)])
    if isinstance(node, ev.AndNode):
        return _cheapest([keys(c, memo) for c in node.children])
    if isinstance(node, ev.OrNode):
        return _union([keys(c, memo) for c in node.children])
    if isinstance(node, ev.Filter):
        if node.check is ev.site_check:
            return frozenset((SITE + node.value,)), 0.2
        return frozenset((LANG + node.value,)), 0.3
    return None


def _leaf_keys(leaf: ev.Leaf) -> Keys:
    found = {w: estimate(w) for w in leaf.singles}
    found.update(pattern_key(p) for p in leaf.patterns)
    return (frozenset(found), sum(found.values())) if found else None


def _cheapest(options: list[Keys]) -> Keys:
    known = [k for k in options if k is not None]
    return min(known, key=lambda k: k[1]) if known else None


def _union(options: list[Keys]) -> Keys:
    if any(k is None for k in options):
        return None
    known = [k for k in options if k is not None]
    return frozenset().union(*(k[0] for k in known)), sum(k[1] for k in known)


def _automaton(prefixes: list[str]) -> ahocorasick.Automaton | None:
    """Finds " prefix" in the space-joined words of a document, i.e. words with a prefix."""
    if not prefixes:
        return None
    automaton = ahocorasick.Automaton()
    for prefix in prefixes:
        automaton.add_word(" " + prefix, PREFIX + prefix)
    automaton.make_automaton()
    return automaton


class Prefilter:
    """Maps a document to the (sorted) indexes of the watches that might match it."""

    def __init__(self, roots: Sequence[ev.Evaluator]) -> None:
        index: dict[str, list[int]] = defaultdict(list)
        self.always: list[int] = []
        leaves: dict[ev.Leaf, Keys] = {}
        for i, root in enumerate(roots):
            found = keys(root, leaves)
            if found is None:
                self.always.append(i)
            else:
                for key in found[0]:
                    index[key].append(i)
        self.index = dict(index)
        self.words = frozenset(k for k in index if k[0] not in (PREFIX, SITE, LANG))
        self.prefixes = _automaton([k[1:] for k in index if k[0] == PREFIX])

    def candidates(self, doc: DocView) -> list[int]:
        """Indexes of the watches worth evaluating on ``doc``, ascending."""
        index = self.index
        found = set(self.always)
        for word in doc.alltok & self.words:
            found.update(index[word])
        if self.prefixes is not None:
            # Wildcard prefixes: one Aho-Corasick pass over the document's distinct words.
            for key in {key for _, key in self.prefixes.iter(" " + " ".join(doc.alltok))}:
                found.update(index[key])
        for key in [SITE + s for s in doc.sites] + [LANG + doc.language]:
            found.update(index.get(key, ()))
        return sorted(found)
