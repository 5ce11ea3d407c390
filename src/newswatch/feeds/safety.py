"""Hostile XML defused before parsing: entity declarations that would expand too far.

expat refuses the classic billion laughs by itself, and feedparser keeps only entities whose
value holds no reference. But feedparser's fallback parser expands those "safe" entities
without any limit, so one 50 KB entity referenced 100,000 times (a quadratic blow-up that
fits in half a megabyte) would build gigabytes of text. The expansion each declared entity
would cause is computed here from the declarations and the references in the document, and a
document past the budget is refused before any parser sees it.
"""

from __future__ import annotations

import re

from newswatch.errors import FeedParseError

MAX_ENTITY_EXPANSION = 1_000_000
"""Characters that entity references may add to a document, at most."""

_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")
_ENTITY = re.compile(rb"<!ENTITY\s+(%\s+)?([^\s%;>\"']+)\s+(?:\"([^\"]*)\"|'([^']*)')")
_REFERENCE = re.compile(rb"&([^\s&;#<>\"']+);")
_WIDE = (
    (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"),
    (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"),
    (b"\x00<", "utf-16-be"), (b"<\x00", "utf-16-le"),
)  # fmt: skip


def check_entities(content: bytes, url: str) -> None:
    """Raise FeedParseError when declared entities would expand past MAX_ENTITY_EXPANSION."""
    data = _narrow(content)
    start = _FIRST_ELEMENT.search(data)
    head = data[: start.start()] if start else data
    if b"<!ENTITY" not in head:
        return
    values = {name: double or single for _param, name, double, single in _ENTITY.findall(head)}
    if not values:
        return
    sizes: dict[bytes, int] = {}
    growth = 0
    try:
        for ref in _REFERENCE.findall(data[len(head) :]):
            if ref in values:
                growth += max(0, _expanded(ref, values, sizes, ()) - len(ref) - 2)
                if growth > MAX_ENTITY_EXPANSION:
                    break
    except RecursionError:  # thousands of entities nested in each other: no real feed does that
        growth = MAX_ENTITY_EXPANSION + 1
    if growth > MAX_ENTITY_EXPANSION:
        raise FeedParseError(
            url,
            "refused: its entity declarations would expand it by more than "
            f"{MAX_ENTITY_EXPANSION:,} characters (an entity bomb)",
        )


def _expanded(
    name: bytes, values: dict[bytes, bytes], sizes: dict[bytes, int], stack: tuple[bytes, ...]
) -> int:
    """Length of ``name`` fully expanded, capped at twice the budget."""
    if name in sizes:
        return sizes[name]
    if name in stack:  # a recursive entity: parsers reject it, so it expands to nothing
        return 0
    value = values[name]
    size = len(value)
    for ref in _REFERENCE.findall(value):
        if ref in values:
            size += _expanded(ref, values, sizes, (*stack, name)) - len(ref) - 2
            if size > MAX_ENTITY_EXPANSION:
                break
    sizes[name] = min(size, 2 * MAX_ENTITY_EXPANSION)
    return sizes[name]


def _narrow(content: bytes) -> bytes:
    """UTF-16/32 documents re-encoded as UTF-8, so the byte patterns above apply to them."""
    for mark, codec in _WIDE:
        if content.startswith(mark):
            text = content.decode(codec, "replace").lstrip("\ufeff")
            return text.encode("utf-8", "replace")
    return content
