"""The snippet rules of docs/query-language.md, written plainly: the oracle of the native
snippet code (``engine/snippet.c``) in the property tests."""

from __future__ import annotations

import re
from collections.abc import Sequence

from newswatch.match.model import Document, Hit, Snippet

ELLIPSIS = "…"
WIDTH = 240


def snippet_of(doc: Document, hits: Sequence[Hit]) -> Snippet:
    """The snippet of a match: in the body around its first body hit; in the title when only
    the title has hits; at the start of the body (or of the title, when the body is blank)
    when there are none."""
    body_hits = [h for h in hits if h.field == "body"]
    if body_hits or (not hits and doc.body.strip()):
        return snippet(doc.body, body_hits)
    return snippet(doc.title, hits)


def snippet(text: str, hits: Sequence[Hit], width: int = WIDTH) -> Snippet:
    """About ``width`` characters around the first hit, cut at spaces, "…" where the text
    goes on, non-printing whitespace shown as spaces, the hits inside marked."""
    ordered = sorted({(h.start, h.end) for h in hits})
    if ordered:
        start, end = ordered[0]
        begin = _cut_start(text, max(0, start - width // 4), start)
        stop = _cut_end(text, end, min(len(text), max(begin + width, end)))
    else:
        begin, stop = 0, _cut_end(text, 0, min(len(text), width))
    shown = text[begin:stop]
    if not shown.isprintable():
        shown = re.sub(r"\s", " ", shown)
    begin += len(shown) - len(shown.lstrip())
    shown = shown.strip()
    stop = begin + len(shown)
    before = ELLIPSIS if text[:begin].strip() else ""
    after = ELLIPSIS if text[stop:].strip() else ""
    shift = len(before) - begin
    marks = tuple((a + shift, b + shift) for a, b in ordered if a >= begin and b <= stop)
    return Snippet(before + shown + after, marks)


def _cut_start(text: str, begin: int, limit: int) -> int:
    if begin == 0:
        return 0
    space = text.find(" ", begin, limit)
    return space + 1 if space >= 0 else begin


def _cut_end(text: str, floor: int, end: int) -> int:
    if end >= len(text):
        return len(text)
    space = text.rfind(" ", floor, end)
    return space if space > floor else end
