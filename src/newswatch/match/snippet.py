"""The text around the first hits of a field, for alerts."""

from __future__ import annotations

import re
from collections.abc import Sequence

from newswatch.match.model import Hit, Snippet

ELLIPSIS = "…"
_LEAD = 4  # the first hit starts about a quarter into the snippet
_SPACES = re.compile(r"\s")


def make_snippet(text: str, hits: Sequence[Hit], width: int = 240) -> Snippet:
    """About ``width`` characters of ``text`` around its first hit, cut at spaces.

    ``marks`` are the hits that fall inside, relative to the snippet text (which starts with
    an ellipsis when the text was cut before, and ends with one when cut after).
    """
    ordered = sorted(hits, key=lambda h: (h.start, h.end))
    if not ordered:
        begin, end = 0, _cut_end(text, 0, min(len(text), width))
    else:
        first = ordered[0]
        begin = _cut_start(text, max(0, first.start - width // _LEAD), first.start)
        end = _cut_end(text, first.end, min(len(text), max(begin + width, first.end)))
    window = text[begin:end]
    if not window.isprintable():  # newlines, tabs...: keep offsets, show spaces
        window = _SPACES.sub(" ", window)
    stripped = window.lstrip()
    begin += len(window) - len(stripped)
    window = stripped.rstrip()
    end = begin + len(window)
    before = ELLIPSIS if text[:begin].strip() else ""
    after = ELLIPSIS if text[end:].strip() else ""
    shift = len(before) - begin
    marks = dict.fromkeys(
        (h.start + shift, h.end + shift) for h in ordered if h.start >= begin and h.end <= end
    )
    return Snippet(before + window + after, tuple(marks))


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
