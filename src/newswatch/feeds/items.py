"""A feed's entries as the pipeline sees them, and the conversions both parsers share. Pure."""

from __future__ import annotations

import calendar
import hashlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import lxml.html
from lxml.etree import ParserError


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


def text_of(markup: str) -> str:
    """Plain text of an HTML fragment, whitespace collapsed."""
    if "<" not in markup and "&" not in markup:
        return " ".join(markup.split())
    try:
        text = lxml.html.fromstring(f"<div>{markup}</div>").text_content()
    except (ParserError, ValueError):
        text = markup
    return " ".join(text.split())


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
