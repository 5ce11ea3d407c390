"""Read the feeds listed in an OPML file (``feeds: [{opml: file.opml}]``), as feed readers do.

Real OPML exports are often not well-formed XML: a bare ``&`` in a URL, an unescaped ``"`` in
a title. A file the XML parser refuses is read again by lxml's HTML parser, which recovers from
both the way browsers and feed readers do (a bare ``&`` stays a literal ``&``; a broken
attribute loses only itself), and what that cost is told: where the XML went wrong, and each
outline with an ``xmlUrl`` whose URL could still not be read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

_DECLARED = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_POSITION = re.compile(r", line \d+, column \d+$")
"""How libxml2 ends its messages; the note says where itself."""
_XMLURL = re.compile(r"xmlurl\s*=\s*[\"']?", re.IGNORECASE)


@dataclass(frozen=True)
class OpmlFeed:
    """One ``<outline xmlUrl=...>`` of an OPML file, and where it is (1-based)."""

    url: str
    name: str | None
    line: int = 1
    column: int = 1


@dataclass(frozen=True)
class Note:
    """Something a lenient reading recovered from or skipped, and where (1-based)."""

    line: int
    column: int
    message: str


@dataclass(frozen=True)
class Opml:
    """The feeds of an OPML file, and what reading it had to recover from."""

    feeds: list[OpmlFeed]
    notes: list[Note] = field(default_factory=list)


def read_opml(path: Path) -> Opml:
    """Every outline with an ``xmlUrl`` at any depth, in document order, duplicates removed.

    Raises ``OSError`` when the file cannot be read and ``ValueError`` when it is not OPML.
    """
    return parse_opml(path.read_bytes())


def parse_opml(data: bytes) -> Opml:
    """``read_opml`` of a file's bytes."""
    strict = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, strict)
    except etree.XMLSyntaxError as exc:
        return _lenient(data, exc)
    if not isinstance(root.tag, str) or root.tag.lower() != "opml":
        raise ValueError(f"not an OPML file: root element is <{root.tag}>")
    return Opml(_unique(_outlines(root, _lines(data))))


def _lenient(data: bytes, error: etree.XMLSyntaxError) -> Opml:
    lenient = etree.HTMLParser(encoding=_encoding(data), no_network=True)
    try:
        root = etree.fromstring(data, lenient)
    except etree.XMLSyntaxError:
        root = None
    if root is None or next(root.iter("opml"), None) is None:
        raise ValueError(f"not a valid OPML file: {error}")
    line, column = error.position
    reason = _POSITION.sub("", error.msg)
    notes = [Note(line, column, f"not well-formed XML ({reason}); read as feed readers do")]
    lines = _lines(data)
    outlines = _outlines(root, lines)
    read = {outline.line for outline in outlines}
    notes += [
        Note(number, column, "outline skipped: its xmlUrl could not be read")
        for number, column in _xmlurls(lines)
        if number not in read
    ]
    return Opml(_unique(outlines), notes)


def _encoding(data: bytes) -> str:
    """The encoding the XML declaration names, if lxml knows it; else UTF-8."""
    declared = _DECLARED.match(data)
    name = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        etree.HTMLParser(encoding=name)
    except LookupError:
        return "utf-8"
    return name


def _outlines(root: etree._Element, lines: list[str]) -> list[OpmlFeed]:
    """Every outline with an xmlUrl, in document order, where its xmlUrl value is."""
    found = []
    for outline in root.iter("outline"):
        url = (_attribute(outline, "xmlurl") or "").strip()
        if url:
            name = (_attribute(outline, "title") or _attribute(outline, "text") or "").strip()
            start = outline.sourceline or 1
            line, column = next(_xmlurls(lines, start), (start, 1))
            found.append(OpmlFeed(url, name or None, line, column))
    return found


def _unique(feeds: list[OpmlFeed]) -> list[OpmlFeed]:
    """The first feed of each URL, in document order."""
    first: dict[str, OpmlFeed] = {}
    for feed in feeds:
        first.setdefault(feed.url, feed)
    return list(first.values())


def _attribute(outline: etree._Element, name: str) -> str | None:
    """An attribute by its name in any letter case (the HTML parser lower-cases them)."""
    return next((str(v) for k, v in outline.attrib.items() if str(k).lower() == name), None)


def _lines(data: bytes) -> list[str]:
    return data.decode("utf-8", "replace").splitlines()


def _xmlurls(lines: list[str], start: int = 1) -> Iterator[tuple[int, int]]:
    """Where each ``xmlUrl`` value starts, (line, column), from line ``start`` on."""
    for number in range(start, len(lines) + 1):
        found = _XMLURL.search(lines[number - 1])
        if found:
            yield number, found.end() + 1
