"""Read the feeds listed in an OPML file (``feeds: [{opml: file.opml}]``)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class OpmlFeed:
    """One ``<outline xmlUrl=...>`` of an OPML file."""

    url: str
    name: str | None


def read_opml(path: Path) -> list[OpmlFeed]:
    """Every outline with an ``xmlUrl`` at any depth, in document order, duplicates removed.

    Raises ``OSError`` when the file cannot be read and ``ValueError`` when it is not OPML.
    """
    try:
        root = ET.fromstring(path.read_bytes())
    except ET.ParseError as exc:
        raise ValueError(f"not a valid OPML file: {exc}") from exc
    if root.tag.lower() != "opml":
        raise ValueError(f"not an OPML file: root element is <{root.tag}>")
    feeds: dict[str, OpmlFeed] = {}
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if url and url not in feeds:
            name = outline.get("title") or outline.get("text")
            feeds[url] = OpmlFeed(url=url, name=name.strip() if name else None)
    return list(feeds.values())
