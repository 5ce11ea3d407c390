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
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import chain

import ahocorasick

from newswatch.match import evaluate as ev
from newswatch.match.docview import DocView
from newswatch.match.model import Document
from newswatch.match.normalize import is_no_space
from newswatch.match.query import BOTH, Pattern

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


def required(node: ev.Evaluator) -> frozenset[str]:
    """Words that every document matching ``node`` contains (in some field)."""
    if isinstance(node, ev.Term):
        return frozenset((node.word,))
    if isinstance(node, ev.Leaf):
        if node.singles or len(node.patterns) != 1:
            return frozenset()
        pattern = node.patterns[0]
        return frozenset(pattern.folded[:-1] if pattern.prefix else pattern.folded)
    if isinstance(node, ev.Near):
        return required(node.left) | required(node.right)
    if isinstance(node, ev.AndNode):
        return frozenset().union(*map(required, node.children))
    if isinstance(node, ev.OrNode):
        return frozenset.intersection(*map(required, node.children))
    return frozenset()


def decided_by_words(node: ev.Evaluator) -> bool:
    """True when ``node`` is true exactly when its ``required`` words all occur."""
    if isinstance(node, ev.AndNode):
        return all(map(decided_by_words, node.children))
    return isinstance(node, ev.Term) and node.fields == BOTH


def _automaton(prefixes: Iterable[str]) -> ahocorasick.Automaton | None:
    """Finds " prefix" in the space-joined words of a document, i.e. words with a prefix."""
    automaton = ahocorasick.Automaton()
    for prefix in prefixes:
        automaton.add_word(" " + prefix, prefix)
    if not len(automaton):
        return None
    automaton.make_automaton()
    return automaton


def leaves(node: ev.Evaluator) -> Iterator[ev.Leaf]:
    """Every ``Leaf`` of a compiled tree (NOT branches included)."""
    if isinstance(node, ev.Leaf):
        yield node
    elif isinstance(node, ev.Near):
        yield from chain(leaves(node.left), leaves(node.right))
    elif isinstance(node, ev.NotNode):
        yield from leaves(node.child)
    elif isinstance(node, ev.AndNode | ev.OrNode):
        yield from chain.from_iterable(map(leaves, node.children))


class Prefilter:
    """Maps a document to the (sorted) indexes of the watches that might match it.

    ``required[i]``: the words watch ``i`` needs, a cheap check before evaluating it;
    ``decided[i]``: that check alone decides it (a conjunction of plain words).
    """

    def __init__(self, roots: Sequence[ev.Evaluator]) -> None:
        index: dict[str, list[int]] = defaultdict(list)
        self.always: list[int] = []
        leaf_keys: dict[ev.Leaf, Keys] = {}
        all_leaves: dict[ev.Leaf, None] = {}
        for i, root in enumerate(roots):
            all_leaves.update(dict.fromkeys(leaves(root)))
            found = keys(root, leaf_keys)
            if found is None:
                self.always.append(i)
            else:
                for key in found[0]:
                    index[key].append(i)
        self.index = {key: tuple(found) for key, found in index.items()}
        self.required = tuple(map(required, roots))
        self.decided = frozenset(i for i, root in enumerate(roots) if decided_by_words(root))
        self.words = frozenset(k for k in index if k[0] not in (PREFIX, SITE, LANG))
        prefixes = {p.folded[-1] for leaf in all_leaves for p in leaf.patterns if p.prefix}
        self.known = frozenset(prefixes)
        self.prefixes = _automaton(sorted(prefixes))
        by_word: dict[str, list[ev.Leaf]] = defaultdict(list)
        for leaf in all_leaves:
            for word in leaf.singles | leaf.words:
                by_word[word].append(leaf)
        self.leaf_words = {word: tuple(found) for word, found in by_word.items()}
        self.leaf_vocab = frozenset(by_word)  # a set: ``&`` then walks the smaller side

    def view(self, doc: Document) -> DocView:
        """The document prepared for matching, with the wildcard prefixes of each field."""
        view = DocView(doc)
        # Which words of each leaf occur: one scan of the document's words for all leaves.
        found: dict[object, set[str]] = {}
        for word in view.alltok & self.leaf_vocab:
            for leaf in self.leaf_words[word]:
                if leaf in found:
                    found[leaf].add(word)
                else:
                    found[leaf] = {word}
        view.leaf_words = found
        if self.prefixes is not None:
            for field in (view.title, view.body):
                field.prefix_known = self.known
                if field.tokset:
                    joined = " " + " ".join(field.tokset)
                    field.prefixes = {found for _, found in self.prefixes.iter(joined)}
        return view

    def candidates(self, doc: DocView) -> list[int]:
        """Indexes of the watches worth evaluating on ``doc``, ascending."""
        index = self.index
        found = set(self.always)
        for word in doc.alltok & self.words:
            found.update(index[word])
        for prefix in doc.title.prefixes | doc.body.prefixes:
            found.update(index.get(PREFIX + prefix, ()))
        for key in [SITE + s for s in doc.sites] + [LANG + doc.language]:
            found.update(index.get(key, ()))
        return sorted(found)
