"""The text around the first hits of a field, for alerts."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

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
    return window(text, ordered[0] if ordered else None, width).snippet(ordered)


@dataclass(frozen=True, slots=True)
class Window:
    """The part of a text a snippet shows: [begin, end), and the snippet's text."""

    begin: int
    end: int
    text: str
    shift: int  # snippet offset = text offset + shift

    def snippet(self, ordered: Sequence[Hit]) -> Snippet:
        """The snippet with the hits inside the window marked (``ordered`` by start)."""
        begin, end, shift = self.begin, self.end, self.shift
        marks = dict.fromkeys(
            (h.start + shift, h.end + shift) for h in ordered if h.start >= begin and h.end <= end
        )
        return Snippet(self.text, tuple(marks))


def window(text: str, first: Hit | None, width: int = 240) -> Window:
    """The window of a snippet of ``text`` whose first hit is ``first``."""
    if first is None:
        begin, end = 0, _cut_end(text, 0, min(len(text), width))
    else:
        begin = _cut_start(text, max(0, first.start - width // _LEAD), first.start)
        end = _cut_end(text, first.end, min(len(text), max(begin + width, first.end)))
    shown = text[begin:end]
    if not shown.isprintable():  # newlines, tabs...: keep offsets, show spaces
        shown = _SPACES.sub(" ", shown)
    stripped = shown.lstrip()
    begin += len(shown) - len(stripped)
    shown = stripped.rstrip()
    end = begin + len(shown)
    before = ELLIPSIS if text[:begin].strip() else ""
    after = ELLIPSIS if text[end:].strip() else ""
    return Window(begin, end, before + shown + after, len(before) - begin)


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
