"""The text around the first hits of a field, for alerts (made by ``engine/snippet.c``, the
one implementation, which the matcher also uses for every match's snippet)."""

from __future__ import annotations

from collections.abc import Sequence

from newswatch.match import _engine
from newswatch.match.model import Hit, Snippet

WIDTH = _engine.SNIPPET_WIDTH


def make_snippet(text: str, hits: Sequence[Hit], width: int = WIDTH) -> Snippet:
    """About ``width`` characters of ``text`` around its first hit, cut at spaces.

    ``marks`` are the hits that fall inside, relative to the snippet text (which starts with
    an ellipsis when the text was cut before, and ends with one when cut after). Newlines and
    other non-printing whitespace show as spaces; leading and trailing whitespace is dropped.
    """
    spans = sorted((h.start, h.end) for h in hits)
    shown, marks = _engine.snippet(text, spans, width)
    return Snippet(shown, marks)
