"""The worker role: entry -> article page -> extracted text -> matches -> alerts.

An article is processed once per canonical URL; an alert is raised once per (watch, story).
The entry is acknowledged only after its alerts are on the ``alerts`` stream.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis

from newswatch.alerts import Alert, ArticleInfo, build_alert
from newswatch.constants import (
    ALERT_SEEN_PREFIX,
    ALERT_SEEN_TTL_S,
    ALERTS_STREAM,
    ARTICLE_SEEN_PREFIX,
    ARTICLE_SEEN_TTL_S,
)
from newswatch.errors import SourceError
from newswatch.extract import detect_language, extract_article_async
from newswatch.fetch import Fetcher, canonical_url, host_of
from newswatch.fetch.guard import trusted_link
from newswatch.match import Watchlist
from newswatch.match.model import Document
from newswatch.queue.streams import Message, guard

log = logging.getLogger(__name__)

_PUBLISH_ALERT = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  redis.call('XADD', KEYS[2], '*', 'data', ARGV[2])
  return 1
end
return 0
"""


@dataclass(frozen=True)
class Article:
    """An article ready for matching: the payload's view of it plus its host."""

    info: ArticleInfo
    canonical_url: str
    site: str

    def document(self) -> Document:
        """The matcher's input."""
        return Document(self.info.title, self.info.text, self.site, self.info.language)


def now_iso() -> str:
    """The current time as RFC 3339 UTC."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def story_key(entry: Mapping[str, Any]) -> str:
    """The canonical URL of an entry's story, or its feed and guid when it has no link."""
    link = str(entry.get("link") or "")
    if link.startswith(("http://", "https://")):
        return canonical_url(link)
    return f"guid:{entry.get('feed_id', '')}:{entry.get('guid', '')}"


class Worker:
    """Handles ``entries`` messages."""

    def __init__(
        self,
        redis: Redis,
        fetcher: Fetcher,
        watchlist: Watchlist,
        routes: Mapping[str, tuple[str, ...]],
        stats: Any,
    ) -> None:
        self.redis = redis
        self.fetcher = fetcher
        self.watchlist = watchlist
        self.routes = routes
        self.stats = stats
        self._publish = redis.register_script(_PUBLISH_ALERT)

    async def handle(self, message: Message) -> bool:
        """Process one entry; True when it can be acknowledged."""
        entry = message.payload
        key = story_key(entry)
        seen_key = ARTICLE_SEEN_PREFIX + hashlib.sha1(key.encode()).hexdigest()
        if not await guard(self.redis.exists(seen_key)):
            article = await self.article(entry, key)
            for alert in self.alerts(article):
                await self.publish(alert)
            await guard(self.redis.set(seen_key, "1", ex=ARTICLE_SEEN_TTL_S))
            self.stats.articles += 1
        return True

    async def article(self, entry: Mapping[str, Any], key: str) -> Article:
        """The linked page extracted, or the feed's own summary when not fetched or on failure."""
        link = str(entry.get("link") or "")
        info = ArticleInfo(
            url=link,
            title=str(entry.get("title") or ""),
            feed=str(entry.get("feed") or ""),
            published=entry.get("published"),
            language=None,
            author=entry.get("author"),
            snippet="",
            text=str(entry.get("summary") or ""),
        )
        if entry.get("fetch_article", True) and key.startswith("http"):
            try:
                info = await self._fetched(info, str(entry.get("feed_url") or ""))
            except SourceError as exc:
                log.warning("article %s: %s; matching the feed summary instead", link, exc.message)
                self.stats.article_fallbacks += 1
        if info.language is None:
            info = replace(info, language=detect_language(f"{info.title}\n{info.text}"))
        return Article(info, key, host_of(link))

    async def _fetched(self, info: ArticleInfo, feed_url: str) -> ArticleInfo:
        response = await self.fetcher.get(info.url, trusted=trusted_link(info.url, feed_url))
        extracted = await extract_article_async(response.content, response.url)
        return replace(
            info,
            title=info.title or extracted.title or "",
            published=info.published or extracted.published,
            author=info.author or extracted.author,
            language=extracted.language,
            text=extracted.text,
        )

    def alerts(self, article: Article) -> list[Alert]:
        """An alert for each watch that matches."""
        detected = now_iso()
        return [
            build_alert(
                match, article.info, article.canonical_url, detected, self.routes[match.watch]
            )
            for match in self.watchlist.match(article.document())
        ]

    async def publish(self, alert: Alert) -> None:
        """Append the alert to the stream unless this (watch, story) already alerted."""
        body = json.dumps(alert.to_message(), ensure_ascii=False, separators=(",", ":"))
        keys = [ALERT_SEEN_PREFIX + alert.id, ALERTS_STREAM]
        if await guard(self._publish(keys=keys, args=[ALERT_SEEN_TTL_S, body])):
            self.stats.alerts += 1
            log.info("alert %s: watch %s matched %s", alert.id, alert.watch, alert.article.url)
