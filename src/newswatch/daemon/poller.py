"""The poller role: take due feeds from the shared schedule, fetch, parse, publish new entries.

A failing feed is logged against that feed and backed off; the others carry on.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from redis.asyncio import Redis

from newswatch.config import Feed
from newswatch.errors import HTTPStatusError, SourceError
from newswatch.feeds.parse import FeedItem, parse_feed
from newswatch.feeds.seen import EntryPublisher
from newswatch.feeds.state import FeedState, load_state, save_state
from newswatch.fetch import Fetcher, Validators
from newswatch.fetch.client import Response
from newswatch.schedule.store import Schedule
from newswatch.schedule.timing import after_failure, after_success

log = logging.getLogger(__name__)


def entry_payload(feed: Feed, item: FeedItem) -> dict[str, Any]:
    """The ``entries`` stream message for a feed item."""
    return {
        "feed_id": feed.id,
        "feed": feed.name,
        "feed_url": feed.url,
        "guid": item.guid,
        "link": item.link,
        "title": item.title,
        "summary": item.summary,
        "published": item.published,
        "author": item.author,
        "fetch_article": feed.fetch_article,
    }


class Poller:
    """Polls the configured feeds through the shared schedule."""

    def __init__(
        self,
        redis: Redis,
        fetcher: Fetcher,
        feeds: Mapping[str, Feed],
        schedule: Schedule,
        stats: Any,
        max_concurrency: int,
    ) -> None:
        self.redis = redis
        self.fetcher = fetcher
        self.feeds = feeds
        self.schedule = schedule
        self.stats = stats
        self.publisher = EntryPublisher(redis)
        self._slots = max_concurrency
        self._tasks: set[asyncio.Task[None]] = set()

    async def sync(self) -> None:
        """Bring the shared schedule in line with the configured feeds."""
        meta = {fid: {"url": f.url, "name": f.name} for fid, f in self.feeds.items()}
        await self.schedule.sync(meta, _now_ms())

    async def poll_all(self) -> None:
        """Poll every configured feed once, now (``run --once``)."""
        claimed = await self.schedule.claim(self.feeds)
        semaphore = asyncio.Semaphore(self._slots)

        async def bounded(fid: str) -> None:
            async with semaphore:
                await self.poll(fid)

        await asyncio.gather(*(bounded(fid) for fid in claimed))

    async def dispatch(self) -> None:
        """One clock tick: start polls for due feeds, up to the concurrency limit."""
        free = self._slots - len(self._tasks)
        if free <= 0:
            return
        for fid in await self.schedule.claim_due(_now_ms(), free):
            task = asyncio.create_task(self.poll(fid), name=f"poll:{fid}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait for in-flight polls to finish."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def poll(self, fid: str) -> None:
        """Poll one leased feed and release it with its next due time."""
        feed = self.feeds.get(fid)
        if feed is None:  # removed from the config since it was scheduled
            return
        state = await load_state(self.redis, fid)
        now = time.time()
        try:
            state = await self._fetch_and_publish(feed, state, now)
        except SourceError as exc:
            state = self._failed(feed, state, now, exc)
        finally:
            await save_state(self.redis, fid, state)
            await self.schedule.release(fid, int(state.next_poll * 1000))

    async def _fetch_and_publish(self, feed: Feed, state: FeedState, now: float) -> FeedState:
        validators = Validators(state.etag or None, state.last_modified or None)
        response = await self.fetcher.get(feed.url, validators=validators)
        published = 0 if response.not_modified else await self._publish(feed, response, now)
        self.stats.feeds_polled += 1
        self.stats.feeds_not_modified += int(response.not_modified)
        self.stats.entries += published
        log.debug("feed %s: %s new entries", feed.name, published)
        kept = validators if response.not_modified else response.validators
        return replace(
            state,
            etag=kept.etag or "",
            last_modified=kept.last_modified or "",
            last_success=now,
            last_attempt=now,
            failures=0,
            last_error="",
            interval=feed.interval,
            next_poll=after_success(now, feed.interval),
            entries_seen=state.entries_seen + published,
        )

    async def _publish(self, feed: Feed, response: Response, now: float) -> int:
        parsed = parse_feed(response.content, response.headers, response.url)
        if parsed.warning:
            log.info("feed %s (%s): parsed despite: %s", feed.name, feed.url, parsed.warning)
        entries = [(item.fingerprint, entry_payload(feed, item)) for item in parsed.items]
        return await self.publisher.publish_new(feed.id, entries, int(now * 1000))

    def _failed(self, feed: Feed, state: FeedState, now: float, exc: SourceError) -> FeedState:
        failures = state.failures + 1
        retry = exc.retry_after if isinstance(exc, HTTPStatusError) else None
        self.stats.feeds_failed += 1
        self.stats.feed_errors.append((feed.url, exc.message))
        log.warning("feed %s (%s): %s [failure %d]", feed.name, feed.url, exc.message, failures)
        return replace(
            state,
            last_attempt=now,
            failures=failures,
            last_error=exc.message,
            interval=feed.interval,
            next_poll=after_failure(now, failures, feed.interval, retry),
        )


def _now_ms() -> int:
    return int(time.time() * 1000)
