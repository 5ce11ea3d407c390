"""Candidate selection: the watches whose clauses all hold in a document.

Each watch's query gives clauses (``clauses``: sets of keys, one of which must occur). Every
(watch, clause) pair gets an id; an index maps each key to the pairs it satisfies. For a
document, the pairs of its keys are gathered, de-duplicated and counted per watch, in numpy:
a watch is a candidate when all its clauses hold, and needs no evaluation when they are exact.
Watches without clauses (an OR with a NOT option) are candidates for every document.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

import ahocorasick
import numpy as np
import numpy.typing as npt

from newswatch.match import evaluate as ev
from newswatch.match.clauses import LANG, PREFIX, SITE, Clause, Clauses, clauses
from newswatch.match.docview import DocView
from newswatch.match.model import Document

Ids = npt.NDArray[np.int32]


def _automaton(prefixes: Iterable[str]) -> ahocorasick.Automaton | None:
    """Finds " prefix" in the space-joined words of a document, i.e. words with a prefix."""
    automaton = ahocorasick.Automaton()
    for prefix in prefixes:
        automaton.add_word(" " + prefix, prefix)
    if not len(automaton):
        return None
    automaton.make_automaton()
    return automaton


def all_leaves(roots: Iterable[ev.Evaluator]) -> dict[ev.Leaf, None]:
    """Every ``Leaf`` of compiled trees (NOT branches included), each shared node visited once."""
    found: dict[ev.Leaf, None] = {}
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ev.Leaf):
            found[node] = None
        elif isinstance(node, ev.Near):
            stack += (node.left, node.right)
        elif isinstance(node, ev.NotNode):
            stack.append(node.child)
        elif isinstance(node, ev.AndNode | ev.OrNode):
            stack.extend(node.children)
    return found


def _by_key(by_clause: dict[Clause, list[int]]) -> dict[str, Ids]:
    """key -> the pairs whose clause it satisfies (a clause shared by many watches, such as a
    country's names, is filed under its keys once, with all its pairs)."""
    by_key: dict[str, list[int]] = defaultdict(list)
    for clause, pairs in by_clause.items():
        for key in clause:
            by_key[key].extend(pairs)
    return {key: np.array(pairs, dtype=np.int32) for key, pairs in by_key.items()}


class Prefilter:
    """Maps a document to the (ascending) indexes of the watches that might match it.

    ``exact``: the candidates that match for certain (their clauses decide them).
    """

    def __init__(self, roots: Sequence[ev.Evaluator]) -> None:
        by_clause: dict[Clause, list[int]] = defaultdict(list)  # clause -> its pair ids
        owners: list[int] = []  # pair id -> watch index
        self.need = np.zeros(len(roots), dtype=np.int32)  # distinct clauses per watch
        always, exact = [], []
        memo: dict[ev.Evaluator, Clauses] = {}
        for i, root in enumerate(roots):
            found, decides = clauses(root, memo)
            distinct = dict.fromkeys(found)
            for clause in distinct:
                by_clause[clause].append(len(owners))
                owners.append(i)
            self.need[i] = len(distinct)
            if not found:
                always.append(i)
            elif decides:
                exact.append(i)
        self.index = _by_key(by_clause)
        self.keys = frozenset(self.index)
        self.owners = np.array(owners, dtype=np.int32)
        self.always = np.array(always, dtype=np.int32)
        self.exact = frozenset(exact)
        self._prepare(roots)

    def _prepare(self, roots: Sequence[ev.Evaluator]) -> None:
        """What ``view`` needs: the leaves of each word, the wildcard prefixes to look for."""
        found = all_leaves(roots)
        prefixes = {p.folded[-1] for leaf in found for p in leaf.patterns if p.prefix}
        self.known = frozenset(prefixes)
        self.prefixes = _automaton(sorted(prefixes))
        by_word: dict[str, list[ev.Leaf]] = defaultdict(list)
        for leaf in found:
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
        found = list(map(index.__getitem__, doc.alltok & self.keys))
        extra = [PREFIX + p for p in doc.title.prefixes | doc.body.prefixes]
        extra.extend(SITE + s for s in doc.sites)
        extra.append(LANG + doc.language)
        found.extend(index[k] for k in extra if k in index)
        if not found:
            return self.always.tolist()  # type: ignore[no-any-return]
        pairs = np.sort(np.concatenate(found))
        watches = self.owners[pairs[_distinct(pairs)]]  # ascending: grouped by watch
        starts = _distinct(watches)
        counts = np.diff(starts, append=len(watches))
        ids = watches[starts]
        ready = ids[counts == self.need[ids]]
        if len(self.always):
            ready = np.union1d(ready, self.always)
        return ready.tolist()  # type: ignore[no-any-return]


def _distinct(ordered: Ids) -> npt.NDArray[np.intp]:
    """The positions in a sorted array where a new value starts."""
    new = np.empty(len(ordered), dtype=bool)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    return np.flatnonzero(new)
