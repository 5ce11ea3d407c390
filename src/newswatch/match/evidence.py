"""The evidence of a match: hits into the original text, entities and a snippet.

A query collects one group of spans per node that made it true (``evaluate.Evidence``). The
groups are memoized per document, so watches that matched through the same shared nodes (the
same term, entity or sub-query) get the same hits and snippet, built once per document.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

from newswatch.match.docview import DocView
from newswatch.match.evaluate import Evaluator, Evidence, Tagged
from newswatch.match.model import Document, Hit, Snippet
from newswatch.match.snippet import Window, window

MAX_HITS = 100  # per match; the first ones in reading order (title, then body)


def evidence(
    root: Evaluator, doc: Document, view: DocView
) -> tuple[tuple[Hit, ...], tuple[str, ...], Snippet]:
    """Hits, entities and snippet of a query known to match ``doc``."""
    found = Evidence()
    root.collect(view, found)
    groups = found.groups
    key = tuple(map(id, groups))  # the groups live in the view's memo as long as the view
    shared = view.evidence_memo.get(key)
    if shared is None:
        shared = view.evidence_memo[key] = _hits_and_snippet(groups, doc, view)
    entities = tuple(dict.fromkeys(found.entities)) if found.entities else ()
    return shared[0], entities, shared[1]


def _hits_and_snippet(
    groups: list[Tagged], doc: Document, view: DocView
) -> tuple[tuple[Hit, ...], Snippet]:
    spans = groups[0] if len(groups) == 1 else sorted(set(chain.from_iterable(groups)))
    hit = view.hit
    hits = tuple(dict.fromkeys([hit(*span) for span in _outermost(spans)[:MAX_HITS]]))
    body_hits = [h for h in hits if h.field == "body"]  # in reading order, like the spans
    if body_hits or not (hits or not doc.body.strip()):
        return hits, _window(view, doc.body, body_hits).snippet(body_hits)
    return hits, _window(view, doc.title, hits).snippet(hits)


def _outermost(spans: Sequence[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """The (field, start, end) spans, sorted, without those inside another one: an entity's
    short alias found within its long one is the same mention, highlighted once."""
    out: list[tuple[int, int, int]] = []
    for span in spans:
        if out and out[-1][0] == span[0]:
            last = out[-1]
            if span[2] <= last[2]:  # starts at or after the last kept one: inside it
                continue
            if span[1] == last[1]:  # same start, longer: the last kept one is inside this
                out.pop()
        out.append(span)
    return out


def _window(view: DocView, text: str, ordered: Sequence[Hit]) -> Window:
    """The snippet window of a field, shared by the matches whose first hit is the same."""
    first = ordered[0] if ordered else None
    key = (text is view.title.text, first)
    found = view.windows.get(key)
    if found is None:
        found = view.windows[key] = window(text, first)
    return found
