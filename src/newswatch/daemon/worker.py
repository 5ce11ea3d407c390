"""The worker role: entry -> article page -> extracted text -> matches -> alerts.

An alert is raised once per (watch, story), and again, as an update naming the first alert
(``update_of``), when the story's text changes materially (``newswatch.story``). Per canonical
URL the worker keeps the text version last alerted on and the feed-entry versions seen: an
entry version seen before costs one Redis read; a new one (re-published by the poller because
the feed changed it, or the same story in another feed) is fetched and compared, and raises
nothing unless the text changed materially. The entry is acknowledged only after its alerts
are on the ``alerts`` stream. With the archive on, the article's archive record (or, for an
unchanged story, a sighting) is appended to the ``archive`` stream in the same transaction as
the story record, after the alerts: the archiver writes it to the database later.

With stories on (``stories:``), a new article is first looked up in the story index
(``newswatch.stories``): a copy of a story already seen joins it, and its alert ids are those of
(watch, story), so a watch that alerted on an earlier copy raises nothing new while a watch that
matches only this copy alerts once. Every article is recorded as one of its story's outlets.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis

from newswatch.alerts import Alert, ArticleInfo, build_alert
from newswatch.archive.records import article_record, sighting_record
from newswatch.constants import (
    ARCHIVE_STREAM,
    STORY_ENTRY_VERSIONS_MAX,
    STORY_PREFIX,
    STORY_TTL_S,
)
from newswatch.daemon.keylock import KeyLocks
from newswatch.daemon.loop import finish
from newswatch.daemon.publish import Publisher
from newswatch.errors import SourceError
from newswatch.extract import detect_language, extract_article_async
from newswatch.fetch import Fetcher, canonical_url, host_of
from newswatch.match import Watchlist
from newswatch.match.model import Document
from newswatch.observe import metrics
from newswatch.queue.streams import Message, encode, guard
from newswatch.stories import Outlet, Story, StoryIndex, sketch
from newswatch.story import TextVersion, entry_version, material_change, text_version

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Article:
    """An article ready for matching: the payload's view of it plus its host."""

    info: ArticleInfo
    canonical_url: str
    site: str
    from_page: bool = True
    """False when the page could not be fetched and the feed's summary stands in for it."""

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


def entry_host(message: Message) -> str:
    """The host of an entry's link (empty when it has none): the worker's window holds a host's
    entries beyond its share back, so that one host's burst leaves room for the others."""
    try:
        return host_of(str(message.payload.get("link") or ""))
    except ValueError:  # a malformed link: its fetch fails and is told against the feed
        return ""


class Worker:
    """Handles ``entries`` messages."""

    def __init__(
        self,
        redis: Redis,
        fetcher: Fetcher,
        watchlist: Watchlist,
        routes: Mapping[str, tuple[str, ...]],
        stats: Any,
        archive: bool = False,
        stories: StoryIndex | None = None,
    ) -> None:
        self.redis = redis
        self.fetcher = fetcher
        self.watchlist = watchlist
        self.routes = routes
        self.stats = stats
        self.archive = archive
        self.stories = stories
        self.publisher = Publisher(redis, stats)
        self._stories = KeyLocks()  # story record key -> held while a copy is processed

    async def handle(self, message: Message) -> bool:
        """Process one entry; True when it can be acknowledged.

        Copies of one story are processed one after the other (the second one then sees what
        the first one stored), and publishing what was found is never stopped halfway."""
        entry = message.payload
        key = story_key(entry)
        record_key = STORY_PREFIX + hashlib.sha1(key.encode()).hexdigest()
        async with self._stories.hold(record_key):
            stored: Any = await guard(self.redis.hgetall(record_key))
            version = entry_version(entry)
            if version in stored.get("entries", "").split():
                return True
            article = await self.article(entry, key)
            await finish(self._conclude(record_key, stored, version, article))
        return True

    async def _conclude(
        self, record_key: str, stored: dict[str, str], version: str, article: Article
    ) -> None:
        """Alert on a new story or a material change of it, and remember this version."""
        key = article.canonical_url
        text = text_version(article.info.title, article.info.text)
        previous = TextVersion.decode(stored)
        if previous is not None and stored.get("page") == "1" and not article.from_page:
            return  # the page failed this time: no comparing the summary with the page
        record = sighting_record(key, time.time())
        fields: dict[str, str] = {}
        if previous is None or material_change(previous, text):
            changed = text if previous is not None else None
            story = await self.story(article, stored)
            alerts, fields["alerted"] = await self._publish(article, story, stored, changed)
            record = article_record(article.info, key, article.site, article.from_page,
                                    text.fingerprint, alerts, time.time(),
                                    story.id if story else None)  # fmt: skip
            if story is not None:
                fields["story"] = story.id
            self.stats.articles += 1
            metrics.ARTICLES.labels("page" if article.from_page else "summary").inc()
            previous = text
        fields.update(previous.encode(), page="1" if article.from_page else "0")
        seen = stored.get("entries", "").split()
        fields["entries"] = " ".join([*seen, version][-STORY_ENTRY_VERSIONS_MAX:])
        await self._remember(record_key, fields, record)

    async def _publish(
        self,
        article: Article,
        story: Story | None,
        stored: Mapping[str, str],
        changed: TextVersion | None,
    ) -> tuple[list[Alert], str]:
        """Publish the matching watches' alerts; returns them (the archive records each match:
        the first article of a story keeps an alert id's row) and the watches that have alerted
        on this article. An update (``changed``) is offered only to a watch that
        alerted on this very article: another copy of its story changing is not news to it.
        A record from before this was kept (no ``alerted``) offers it to every watch."""
        legacy = "alerted" not in stored
        alerted = set(stored.get("alerted", "").split())
        found = []
        for alert in self.alerts(article, story):
            offer = changed if legacy or alert.watch in alerted else None
            published, kind = await self.publisher.publish(alert, offer)
            found.append(published)
            if kind:
                alerted.add(alert.watch)
        return found, " ".join(sorted(alerted))

    async def _remember(self, key: str, fields: dict[str, str], record: dict[str, Any]) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping=fields)  # type: ignore[arg-type]
            pipe.expire(key, STORY_TTL_S)
            if self.archive:
                pipe.xadd(ARCHIVE_STREAM, encode(record))  # type: ignore[arg-type]
            await guard(pipe.execute())

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
        from_page = bool(entry.get("fetch_article", True) and key.startswith("http"))
        if from_page:
            try:
                info = await self._fetched(
                    info, str(entry.get("feed_url") or ""), bool(entry.get("article_tables", True))
                )
            except SourceError as exc:
                ids = {"entry": link, "feed": entry.get("feed_id")}
                log.warning("article %s: %s; matching the feed summary instead", link,
                            exc.message, extra=ids)  # fmt: skip
                self.stats.article_fallbacks += 1
                from_page = False
        if info.language is None:
            info = replace(info, language=detect_language(f"{info.title}\n{info.text}"))
        return Article(info, key, host_of(link), from_page)

    async def _fetched(self, info: ArticleInfo, feed_url: str, tables: bool) -> ArticleInfo:
        response = await self.fetcher.get_article(info.url, feed_url)
        with metrics.EXTRACT_SECONDS.time():
            extracted = await extract_article_async(response.content, response.url, tables)
        return replace(
            info,
            title=info.title or extracted.title or "",
            published=info.published or extracted.published,
            author=info.author or extracted.author,
            language=extracted.language,
            text=extracted.text,
        )

    async def story(self, article: Article, stored: Mapping[str, str]) -> Story | None:
        """The article's story (None with stories off), the article recorded as its outlet: a
        new article is looked up in the index, a changed one keeps the story it had."""
        if self.stories is None:
            return None
        info = article.info
        known = stored.get("story")
        story = known or await self.stories.assign(sketch(info.text), article.canonical_url)
        outlet = Outlet(article.site, info.url, info.title, info.published, time.time())
        await self.stories.record(story, article.canonical_url, outlet)
        return Story(story, (outlet,))

    def alerts(self, article: Article, story: Story | None = None) -> list[Alert]:
        """An alert for each watch that matches (one id per watch and story)."""
        detected = now_iso()
        return [
            build_alert(
                match,
                article.info,
                article.canonical_url,
                detected,
                self.routes[match.watch],
                self.watchlist.concept_hits(match),
                story,
            )
            for match in self.watchlist.match(article.document())
        ]
