"""JSON Feed 1 and 1.1 (https://jsonfeed.org) to the same FeedItem as RSS and Atom. Pure.

feedparser does not read JSON Feed, so this does: ``version`` must name JSON Feed, ``items``
must be a list; an item without ``id`` falls back to its URL or title, as RSS items do. URLs are
resolved against the feed's URL; dates are RFC 3339 and come out in UTC.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

from newswatch.errors import FeedParseError
from newswatch.feeds.items import FeedItem, ParsedFeed, iso_utc, text_of

_VERSION = re.compile(r"jsonfeed\.org/version/1|^1(\.\d+)?$")


def parse_json_feed(content: bytes, url: str) -> ParsedFeed:
    """Parse a JSON Feed; raises FeedParseError when ``content`` is not one."""
    try:
        document = json.loads(content.decode("utf-8-sig", "replace"))
    except (ValueError, RecursionError) as exc:
        raise FeedParseError(url, f"not a feed: invalid JSON ({_short(exc)})") from exc
    if not isinstance(document, dict):
        raise FeedParseError(url, "not a feed: JSON, but not a JSON Feed object")
    version = document.get("version")
    if not isinstance(version, str) or not _VERSION.search(version.strip()):
        raise FeedParseError(url, "not a feed: JSON without a JSON Feed 'version'")
    raw_items = document.get("items")
    if not isinstance(raw_items, list):
        raise FeedParseError(url, "not a feed: JSON Feed without an 'items' list")
    items: list[FeedItem] = []
    stamps: list[float] = []
    for raw in raw_items:
        if not isinstance(raw, dict):
            continue
        item, stamp = _item(raw, url)
        if item is not None:
            items.append(item)
        if stamp is not None:
            stamps.append(stamp)
    title = document.get("title")
    return ParsedFeed(
        title=_string(title) or None,
        items=tuple(items),
        stamps=tuple(stamps),
    )


def _item(raw: dict[str, Any], base: str) -> tuple[FeedItem | None, float | None]:
    link = _link(raw, base)
    # Plain text in JSON Feed (a "<" in it is a "<"), though often written entity-escaped.
    title = " ".join(html.unescape(_string(raw.get("title"))).split())
    summary = _summary(raw)
    guid = _string(raw.get("id")).strip() or link or title or _digest(summary)
    published = _stamp(raw.get("date_published"))
    modified = _stamp(raw.get("date_modified"))
    stamp = published if published is not None else modified
    if not guid:
        return None, stamp
    item = FeedItem(
        guid=guid,
        link=link,
        title=title,
        summary=summary,
        published=iso_utc(stamp),
        author=_author(raw),
        updated=iso_utc(modified),
    )
    return item, stamp


def _digest(text: str) -> str:
    return f"sha1:{hashlib.sha1(text.encode()).hexdigest()}" if text else ""


def _link(raw: dict[str, Any], base: str) -> str:
    for key in ("url", "external_url"):
        value = _string(raw.get(key)).strip()
        if value:
            return urljoin(base, value)
    return ""


def _summary(raw: dict[str, Any]) -> str:
    html = _string(raw.get("content_html"))
    if html.strip():
        return text_of(html)
    text = _string(raw.get("content_text")) or _string(raw.get("summary"))
    return " ".join(text.split())


def _author(raw: dict[str, Any]) -> str | None:
    authors = raw.get("authors")
    candidates = authors if isinstance(authors, list) else []
    candidates = [*candidates, raw.get("author")]
    for author in candidates:
        if isinstance(author, dict) and _string(author.get("name")).strip():
            return _string(author.get("name")).strip()
    return None


def _stamp(value: Any) -> float | None:
    text = _string(value).strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.timestamp()
    except (OverflowError, ValueError, OSError):
        return None


def _string(value: Any) -> str:
    """A JSON scalar as text (ids are sometimes numbers); anything else is empty."""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _short(exc: Exception) -> str:
    return str(exc)[:200] or type(exc).__name__
