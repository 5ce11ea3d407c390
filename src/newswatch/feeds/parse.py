"""Feed bytes to plain entries, with feedparser. Pure: no I/O."""

from __future__ import annotations

import calendar
import hashlib
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser
import lxml.html
from lxml.etree import ParserError

from newswatch.errors import FeedParseError


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed, reduced to what the pipeline needs."""

    guid: str
    link: str
    title: str
    summary: str
    published: str | None
    author: str | None

    @property
    def fingerprint(self) -> str:
        """Identity for new-entry detection: guid *and* link, so a reused guid is not lost."""
        return hashlib.sha1(f"{self.guid}\n{self.link}".encode()).hexdigest()[:24]


@dataclass(frozen=True)
class ParsedFeed:
    """A parsed feed: its title, its entries, and a warning when the XML was not well formed."""

    title: str | None
    items: tuple[FeedItem, ...]
    warning: str | None = None


def parse_feed(content: bytes, headers: Mapping[str, str], url: str) -> ParsedFeed:
    """Parse ``content``; raises FeedParseError when it is not a feed at all."""
    response_headers = {**{k.lower(): v for k, v in headers.items()}, "content-location": url}
    parsed = feedparser.parse(content, response_headers=response_headers)
    problem = str(parsed.get("bozo_exception", "")) if parsed.get("bozo") else None
    if not parsed.get("version") and not parsed.entries:
        raise FeedParseError(url, f"not a feed: {problem or 'no feed elements found'}")
    items = tuple(item for e in parsed.entries if (item := _item(e)) is not None)
    return ParsedFeed(title=parsed.feed.get("title") or None, items=items, warning=problem)


def _item(entry: Any) -> FeedItem | None:
    link = str(entry.get("link") or "").strip()
    title = _text(entry.get("title") or "")
    guid = str(entry.get("id") or link or title).strip()
    if not guid:
        return None
    return FeedItem(
        guid=guid,
        link=link,
        title=title,
        summary=_text(_summary_html(entry)),
        published=_iso(entry.get("published_parsed") or entry.get("updated_parsed")),
        author=entry.get("author") or None,
    )


def _summary_html(entry: Any) -> str:
    contents = entry.get("content") or []
    if contents:
        return str(max((c.get("value", "") for c in contents), key=len))
    return str(entry.get("summary") or "")


def _text(markup: str) -> str:
    """Plain text of an HTML fragment, whitespace collapsed."""
    if "<" not in markup and "&" not in markup:
        return " ".join(markup.split())
    try:
        text = lxml.html.fromstring(f"<div>{markup}</div>").text_content()
    except (ParserError, ValueError):
        text = markup
    return " ".join(text.split())


def _iso(parsed: time.struct_time | None) -> str | None:
    if parsed is None:
        return None
    try:
        stamp = calendar.timegm(parsed)
    except (OverflowError, ValueError, TypeError):
        return None
    return datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
