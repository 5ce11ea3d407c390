"""A feed's entries as the pipeline sees them, and the conversions both parsers share. Pure."""

from __future__ import annotations

import calendar
import hashlib
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import lxml.etree
import lxml.html

_HTML = lxml.html.HTMLParser()
_HIDDEN = ("script", "style", "applet", "iframe")
"""Elements whose content is not text a reader sees."""
_BLOCK_TAG = re.compile(
    r"<(?=/?(?:address|article|aside|blockquote|br|dd|div|dl|dt|figcaption|figure|footer|h[1-6]"
    r"|header|hr|li|nav|ol|p|pre|section|table|td|th|tr|ul)\b)",
    re.IGNORECASE,
)
"""The start of a tag that separates the words before and after it (a space goes before it)."""
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
"""What no database, XML document or UTF-8 encoder takes: C0 controls but tab and line breaks
(NUL above all: PostgreSQL refuses it), and lone surrogates (a JSON Feed's ``"\\ud800"``)."""


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed, reduced to what the pipeline needs."""

    guid: str
    link: str
    title: str
    summary: str
    published: str | None
    author: str | None
    updated: str | None = None
    """When the entry says it was last changed (RFC 3339 UTC, or the feed's own text)."""

    def __post_init__(self) -> None:
        # Feeds are written by strangers: what could not be stored, sent or shown goes here,
        # once, for every stage after (Redis, the archive, payloads, Atom, email).
        for name, value in vars(self).items():
            if value is not None and _UNSTORABLE.search(value):
                object.__setattr__(self, name, storable(value))

    @property
    def version(self) -> str:
        """What changes when the entry's content changes: its updated date, else its text."""
        if self.updated:
            return self.updated
        return hashlib.sha1(f"{self.title}\n{self.summary}".encode()).hexdigest()[:16]

    @property
    def fingerprint(self) -> str:
        """Identity for new-entry detection: guid, link and version.

        The link keeps a reused guid from hiding a different article; the version makes an
        entry whose content changed count as new again (a story update).
        """
        key = f"{self.guid}\n{self.link}\n{self.version}"
        return hashlib.sha1(key.encode()).hexdigest()[:24]


@dataclass(frozen=True)
class ParsedFeed:
    """A parsed feed: its title, its entries, and a warning when the XML was not well formed."""

    title: str | None
    items: tuple[FeedItem, ...]
    warning: str | None = None
    hint_s: float = 0.0
    """The feed's own minimum delay between polls (RSS ttl, sy:updatePeriod), 0 when none."""
    stamps: tuple[float, ...] = ()
    """Entry dates (unix seconds) that could be read, for estimating how often it publishes."""


def storable(text: str) -> str:
    """``text`` without C0 controls other than tab and line breaks, lone surrogates as U+FFFD."""
    return _UNSTORABLE.sub(lambda found: "" if found[0] < "\ud800" else "\ufffd", text)


def text_of(markup: str) -> str:
    """Plain text of an HTML fragment, whitespace collapsed.

    Block elements and line breaks separate words (``<p>a</p><p>b</p>`` is "a b"), and what a
    reader never sees (scripts, styles, applets, frames) is left out, so it can neither be
    matched nor shown.
    """
    if "<" not in markup and "&" not in markup:
        return " ".join(markup.split())
    try:
        tree = lxml.etree.fromstring(f"<div>{_BLOCK_TAG.sub(' <', markup)}</div>", _HTML)
    except lxml.etree.LxmlError:
        return " ".join(markup.split())
    lxml.etree.strip_elements(tree, *_HIDDEN, with_tail=False)
    return " ".join(lxml.etree.tostring(tree, method="text", encoding=str).split())


def text_of_construct(value: str, media_type: str | None) -> str:
    """A feed's text (a title, a summary) as plain text, read as its feed declares it: as it is
    when plain text (Atom ``type="text"``, an RSS title without markup: feedparser's
    ``text/plain``), whitespace collapsed; otherwise as HTML (``text_of``)."""
    if media_type == "text/plain":
        return " ".join(value.split())
    return text_of(value)


def stamp_of(parsed: time.struct_time | None) -> float | None:
    """Unix seconds of a UTC struct_time (feedparser's ``*_parsed``), None when unusable."""
    if parsed is None:
        return None
    try:
        return float(calendar.timegm(parsed))
    except (OverflowError, ValueError, TypeError):
        return None


def iso_utc(stamp: float | None) -> str | None:
    """Unix seconds as RFC 3339 UTC (``2026-01-01T03:00:00Z``), None when out of range."""
    if stamp is None:
        return None
    try:
        return datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, ValueError, OSError):
        return None
