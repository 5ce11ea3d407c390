"""Feed bytes to plain entries: RSS and Atom with feedparser, JSON Feed by ``jsonfeed.py``. Pure.

Hostile input is defused before feedparser sees it (``safety.py``), and any exception out of
the parser becomes a FeedParseError against that feed.

feedparser is asked for no work whose result is thrown away: markup is reduced to plain text
here (``items.text_of``, which drops what a reader never sees: scripts, styles, frames; text the
feed declares plain, such as Atom's ``type="text"``, is kept as it is), so links
inside it are not resolved (``resolve_relative_uris=False``) and it is not sanitized
(``sanitize_html=False``; that was a third of feedparser's time). Giving feedparser
the feed's URL as a base costs it a URL join at every element (a quarter of its time), so a
feed is first parsed without one; only when an entry's link or id is relative, or the document
declares a base of its own, is it parsed again with the base. Either way the entries are
exactly those of a parse with the base.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from functools import partial
from typing import Any
from urllib.parse import urljoin

import feedparser

from newswatch.errors import FeedParseError
from newswatch.feeds.discover import looks_like_html
from newswatch.feeds.items import FeedItem, ParsedFeed, iso_utc, stamp_of, text_of_construct
from newswatch.feeds.jsonfeed import parse_json_feed
from newswatch.feeds.safety import check_entities

__all__ = ["FeedItem", "ParsedFeed", "feed_hint_s", "looks_like_json", "parse_feed"]

_UPDATE_PERIODS = {"hourly": 3600.0, "daily": 86400.0, "weekly": 7 * 86400.0,
                   "monthly": 30 * 86400.0, "yearly": 365 * 86400.0}  # fmt: skip
MAX_FEED_HINT_S = 7 * 86400.0
_DECLARES_BASE = re.compile(rb"base\s*=")
_PLAIN_ABSOLUTE = re.compile(
    r"https?://[A-Za-z0-9.:-]+(?:/[^\x00-\x20?#;\\]*)?(?:\?[^\x00-\x20#\\]+)?(?:#[^\x00-\x20\\]+)?"
)
"""An absolute http(s) URL that ``urljoin`` hands back as it is, whatever the base: an ASCII
host, no parameters (``;``) in the path, no empty query or fragment, no control character,
space or backslash."""


def looks_like_json(content: bytes, content_type: str) -> bool:
    """True for a JSON body: it starts with ``{``, or it does not start with ``<`` and is served
    as JSON."""
    head = content[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"<")):
        return head.startswith(b"{")
    return "json" in content_type.lower()


def parse_feed(content: bytes, headers: Mapping[str, str], url: str) -> ParsedFeed:
    """Parse ``content``; raises FeedParseError when it is not a feed at all."""
    lowered = {k.lower(): v for k, v in headers.items()}
    if looks_like_json(content, lowered.get("content-type", "")):
        return parse_json_feed(content, url)
    check_entities(content, url)
    declares_base = _DECLARES_BASE.search(content) is not None
    parsed = _feedparser(content, lowered, url, base=declares_base)
    if not declares_base and not _absolute(parsed.entries, url):
        parsed = _feedparser(content, lowered, url, base=True)
    problem = str(parsed.get("bozo_exception", "")) if parsed.get("bozo") else None
    if not _is_feed(parsed, content, lowered.get("content-type", "")):
        raise FeedParseError(url, f"not a feed: {problem or 'no feed elements found'}")
    items: list[FeedItem] = []
    stamps: list[float] = []
    for entry in parsed.entries:
        item, stamp = _item(entry)
        if item is not None:
            items.append(item)
        if stamp is not None:
            stamps.append(stamp)
    return ParsedFeed(
        title=_text(parsed.feed, "title") or None,
        items=tuple(items),
        warning=problem,
        hint_s=feed_hint_s(parsed.feed),
        stamps=tuple(stamps),
    )


def _feedparser(content: bytes, headers: Mapping[str, str], url: str, base: bool) -> Any:
    """feedparser's result; relative links resolved against ``url`` when ``base``."""
    # An empty content-location still counts as headers: feedparser guesses charsets
    # differently when it was given none at all.
    headers = {**headers, "content-location": url if base else ""}
    try:
        return feedparser.parse(
            content, response_headers=headers, resolve_relative_uris=False, sanitize_html=False
        )
    except Exception as exc:  # feedparser has no error tree of its own; nothing may escape
        raise FeedParseError(
            url, f"not a feed: parser failed ({type(exc).__name__}: {exc})"
        ) from exc


def _absolute(entries: Any, base: str) -> bool:
    """Whether every entry's link and id would come out the same resolved against ``base``."""
    for entry in entries:
        for key in ("link", "id"):
            value = dict.get(entry, key)
            if value and not unchanged_by_join(base, value):
                return False
    return True


def unchanged_by_join(base: str, value: str) -> bool:
    """``urljoin(base, value) == value``; plain absolute http(s) URLs, most links, are known to
    be (a quarter of a changed feed's own parsing time went to ``urljoin``)."""
    return _PLAIN_ABSOLUTE.fullmatch(value) is not None or urljoin(base, value) == value


def _is_feed(parsed: Any, content: bytes, content_type: str) -> bool:
    """A known format, some entries, or (CDF and other rare dialects) a described channel."""
    if parsed.get("version") or parsed.entries:
        return True
    channel = parsed.feed
    described = any(channel.get(key) for key in ("title", "subtitle", "link", "updated"))
    return described and not looks_like_html(content, content_type)


def feed_hint_s(feed: Mapping[str, Any]) -> float:
    """RSS ``<ttl>`` (minutes) and ``sy:updatePeriod``/``sy:updateFrequency``, in seconds."""
    hints = [0.0]
    ttl = str(feed.get("ttl") or "").strip()
    if ttl.isdigit():
        hints.append(int(ttl) * 60.0)
    period = _UPDATE_PERIODS.get(str(feed.get("sy_updateperiod") or "").strip().lower())
    if period is not None:
        frequency = str(feed.get("sy_updatefrequency") or "1").strip()
        hints.append(period / max(int(frequency) if frequency.isdigit() else 1, 1))
    return min(max(hints), MAX_FEED_HINT_S)


def _item(entry: Any) -> tuple[FeedItem | None, float | None]:
    # dict.get on feedparser's canonical keys: FeedParserDict.get maps aliases at every call,
    # and its "updated*" fall back to the published date (deprecated), which is not wanted.
    get = partial(dict.get, entry)
    link = str(get("link") or "").strip()
    title = _text(entry, "title")
    summary = _summary(entry)
    guid = str(get("id") or link or title).strip() or _digest(summary)
    published_stamp = stamp_of(get("published_parsed"))
    updated_stamp = stamp_of(get("updated_parsed"))
    stamp = published_stamp if published_stamp is not None else updated_stamp
    if not guid:
        return None, stamp
    updated = iso_utc(updated_stamp) or (str(get("updated") or "").strip() or None)
    item = FeedItem(
        guid=guid,
        link=link,
        title=title,
        summary=summary,
        published=iso_utc(stamp),
        author=get("author") or None,
        updated=updated,
    )
    return item, stamp


def _digest(text: str) -> str:
    """An id for an entry that has nothing but its text (RSS 0.92 allows that)."""
    return f"sha1:{hashlib.sha1(text.encode()).hexdigest()}" if text else ""


def _text(element: Any, key: str) -> str:
    """The plain text of a title or summary, read as the type the feed declares for it."""
    detail = dict.get(element, f"{key}_detail") or {}
    return text_of_construct(str(dict.get(element, key) or ""), detail.get("type"))


def _summary(entry: Any) -> str:
    """The entry's longest content, else its summary, as plain text."""
    contents = dict.get(entry, "content") or []
    if contents:
        longest = max(contents, key=lambda c: len(c.get("value", "")))
        return text_of_construct(str(longest.get("value", "")), longest.get("type"))
    return _text(entry, "summary")
