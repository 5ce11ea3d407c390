"""Atom 1.0 documents (RFC 4287) from plain data, with an XML builder that escapes everything.

Everything in an entry comes from feeds and pages, which are hostile: text goes into elements
and attributes only through ElementTree (which escapes ``&``, ``<``, ``>`` and quotes), after the
characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF) are
dropped. The content of an entry is HTML as text (``type="html"``): escaped once more by the
builder, as the RFC asks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_TYPE = "application/atom+xml; charset=utf-8"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# XML 1.0's Char production, negated: what no XML document may contain, even escaped.
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Entry:
    """One ``<entry>``: ``link`` is an http(s) URL or None, ``content_html`` HTML as text."""

    id: str
    title: str
    updated: datetime
    author: str
    content_html: str
    published: datetime | None = None
    link: str | None = None
    categories: tuple[str, ...] = ()
    language: str | None = None


@dataclass(frozen=True)
class Feed:
    """A whole ``<feed>``; ``updated`` is its newest entry's (or a fixed time when empty)."""

    id: str
    title: str
    self_url: str
    updated: datetime
    entries: tuple[Entry, ...]
    subtitle: str | None = None
    generator: str = "newswatch"


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot represent."""
    return _NOT_XML_CHAR.sub("", text)


def rfc3339(moment: datetime) -> str:
    """An Atom date: UTC, to the second (a naive time is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def render(feed: Feed) -> bytes:
    """The feed as a UTF-8 XML document."""
    root = ET.Element("feed", xmlns=ATOM_NS)
    _text(root, "id", feed.id)
    _text(root, "title", feed.title)
    if feed.subtitle:
        _text(root, "subtitle", feed.subtitle)
    _text(root, "updated", rfc3339(feed.updated))
    self_link = {"rel": "self", "type": "application/atom+xml", "href": xml_safe(feed.self_url)}
    ET.SubElement(root, "link", self_link)
    _text(ET.SubElement(root, "author"), "name", feed.generator)
    _text(root, "generator", feed.generator)
    for entry in feed.entries:
        root.append(_entry(entry))
    ET.indent(root)  # whitespace between elements only: no text changes
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def _entry(entry: Entry) -> ET.Element:
    element = ET.Element("entry")
    if entry.language:
        element.set(XML_LANG, xml_safe(entry.language))
    _text(element, "id", entry.id)
    _text(element, "title", entry.title)
    _text(element, "updated", rfc3339(entry.updated))
    if entry.published is not None:
        _text(element, "published", rfc3339(entry.published))
    _text(ET.SubElement(element, "author"), "name", entry.author)
    if entry.link is not None:
        ET.SubElement(element, "link", rel="alternate", type="text/html", href=xml_safe(entry.link))
    for term in entry.categories:
        ET.SubElement(element, "category", term=xml_safe(term))
    _text(element, "content", entry.content_html).set("type", "html")
    return element


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = xml_safe(text)
    return element
