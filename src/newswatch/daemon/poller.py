"""The poller role: take due feeds from the shared schedule, fetch, parse, publish new entries.

A poll costs one claim (batched), one conditional GET and one release that stores the feed's
state with its next due time; a changed feed adds one publish. Unchanged bodies are not parsed
(304, or the same body hash when the server gives no validators). Finished polls refill their
slot at once while feeds are due, so throughput is not tied to the dispatch tick.

A failing feed is logged and recorded against that feed and backed off; the others carry on.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from redis.asyncio import Redis

from newswatch.config import Feed
from newswatch.errors import FeedParseError, HTTPStatusError, QueueError, SourceError
from newswatch.feeds.discover import discover_feeds, looks_like_html
from newswatch.feeds.items import FeedItem, ParsedFeed
from newswatch.feeds.parse import parse_feed
from newswatch.feeds.seen import EntryPublisher
from newswatch.feeds.state import FeedState, decode_state, encode_changes, load_state
from newswatch.fetch import Fetcher, Validators
from newswatch.fetch.client import Response
from newswatch.observe import metrics
from newswatch.observe.outage import log_failure
from newswatch.schedule import outcome
from newswatch.schedule.outcome import Fetched, PollPolicy
from newswatch.schedule.store import Schedule

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
        "updated": item.updated,
        "author": item.author,
        "fetch_article": feed.fetch_article,
        "article_tables": feed.article_tables,
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
        policy: PollPolicy | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.redis = redis
        self.fetcher = fetcher
        self.feeds = feeds
        self.schedule = schedule
        self.stats = stats
        self.policy = policy or PollPolicy()
        self.publisher = EntryPublisher(redis)
        self._rng = rng or random.Random()
        self._slots = max_concurrency
        self._tasks: set[asyncio.Task[None]] = set()
        self._filling = False
        self._backlog = False
        self._stopping = False
        self._refill: asyncio.Task[None] | None = None
        self._slot_freed = asyncio.Event()

    async def sync(self) -> None:
        """Bring the shared schedule in line with the configured feeds."""
        meta = {fid: {"url": f.url, "name": f.name} for fid, f in self.feeds.items()}
        await self.schedule.sync(meta, _now_ms())

    async def poll_all(self) -> None:
        """Poll every configured feed once, now (``run --once``)."""
        claimed = await self.schedule.claim(self.feeds)
        semaphore = asyncio.Semaphore(self._slots)

        async def bounded(fid: str, raw: list[str]) -> None:
            async with semaphore:
                await self.poll(fid, decode_state(raw))

        await asyncio.gather(*(bounded(fid, raw) for fid, raw in claimed))

    async def dispatch(self) -> None:
        """One clock tick: fill the free slots with due feeds (finished polls refill theirs)."""
        if self._filling or self._stopping:
            return
        self._filling = True
        try:
            free = self._slots - len(self._tasks)
            if free > 0:
                claimed = await self.schedule.claim_due(_now_ms(), free)
                for fid, raw in claimed:
                    self._start(fid, decode_state(raw))
                self._backlog = len(claimed) == free
        finally:
            self._filling = False

    async def run_due(self) -> None:
        """Poll every feed that is due, refilling slots as polls finish; return when none is
        due and none is in flight (the burst mode of the dispatch loop)."""
        while True:
            await self.dispatch()
            if self._refill is not None:
                await self._refill
            if not self._tasks:
                return
            self._slot_freed.clear()
            await self._slot_freed.wait()  # not asyncio.wait: that visits every task each time

    def stop_starting(self) -> None:
        """Start no more polls (a dispatch in flight still starts the feeds it claimed)."""
        self._stopping = True

    async def drain(self) -> None:
        """Stop starting polls and wait for those in flight to finish."""
        self.stop_starting()
        # Only those not yet done: a done poll leaves ``_tasks`` in a callback of the loop, and
        # gathering done tasks does not yield to it from Python 3.12 on (a busy loop).
        while pending := [t for t in [*self._tasks, self._refill] if t and not t.done()]:
            await asyncio.gather(*pending, return_exceptions=True)

    def _start(self, fid: str, state: FeedState) -> None:
        task = asyncio.create_task(self.poll(fid, state), name=f"poll:{fid}")
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._slot_freed.set()
        error = None if task.cancelled() else task.exception()
        if error is not None:
            log_failure(log, error, "poll %s failed", task.get_name())
        free = self._slots - len(self._tasks)
        batch = max(1, self._slots // 8)  # refill in batches: one claim per several polls
        if self._backlog and not self._stopping and self._refill is None and free >= batch:
            self._refill = asyncio.create_task(self._refill_slots())

    async def _refill_slots(self) -> None:
        try:
            await self.dispatch()
        except QueueError as exc:
            log_failure(log, exc, "poller: cannot claim due feeds")
        finally:
            self._refill = None

    async def poll(self, fid: str, state: FeedState | None = None) -> None:
        """Poll one leased feed and release it with its state and next due time."""
        feed = self.feeds.get(fid)
        if feed is None:  # removed from the config since it was scheduled
            return
        if state is None:
            state = await load_state(self.redis, fid)
        stored = state
        if state.url != feed.url or state.name != feed.name:
            state = replace(state, url=feed.url, name=feed.name)
        now = time.time()
        try:
            with metrics.POLL_SECONDS.time():
                state = await self._poll_feed(feed, state, now)
        except SourceError as exc:
            state = self._failed(feed, state, now, exc.message, exc)
        except QueueError:
            raise
        except Exception as exc:  # a bug must not take the other feeds down with this one
            log.exception("feed %s (%s): unexpected error", feed.name, feed.url)
            state = self._failed(feed, state, now, f"internal error: {type(exc).__name__}", None)
        changes = encode_changes(stored, state)
        await self.schedule.release(fid, int(state.next_poll * 1000), changes)

    def _failed(
        self, feed: Feed, state: FeedState, now: float, message: str, exc: SourceError | None
    ) -> FeedState:
        self.stats.feeds_failed += 1
        self.stats.feed_errors[feed.url] = message
        metrics.POLLS_FAILED.inc()
        metrics.FEED_FAILURES.labels(metrics.failure_reason(exc) if exc else "internal").inc()
        log.warning("feed %s (%s): %s [failure %d]", feed.name, feed.url, message,
                    state.failures + 1, extra={"feed": feed.id})  # fmt: skip
        retry = exc.retry_after if isinstance(exc, HTTPStatusError) else None
        return outcome.failed(state, now, message, retry, feed.interval, self._rng)

    async def _poll_feed(self, feed: Feed, state: FeedState, now: float) -> FeedState:
        state = outcome.rebased(state, feed.interval)
        fetched = await self._fetch(feed, state)
        published = 0
        if fetched.parsed is not None:
            published = await self._publish(feed, fetched.parsed, now)
        unchanged = fetched.parsed is None
        self.stats.feeds_polled += 1
        self.stats.feeds_not_modified += int(unchanged)
        self.stats.entries += published
        (metrics.POLLS_NOT_MODIFIED if unchanged else metrics.POLLS_OK).inc()
        if published:
            metrics.ENTRIES.inc(published)
        log.debug("feed %s: %s new entries", feed.name, published)
        return outcome.succeeded(
            state, fetched, published, now, feed.interval, self.policy, self._rng
        )

    async def _fetch(self, feed: Feed, state: FeedState) -> Fetched:
        source = state.source_url
        validators = Validators(state.etag or None, state.last_modified or None)
        response = await self.fetcher.get(source, validators=validators, trusted_url=feed.url)
        fetch_url, via = outcome.moved(response, state.fetch_url, state.fetch_via)
        if response.not_modified:
            return Fetched(response, None, state.body_hash, fetch_url, via)
        digest = hashlib.sha1(response.content).hexdigest()
        if digest == state.body_hash:
            return Fetched(response, None, digest, fetch_url, via)
        try:
            parsed = await self._parse(response)
        except FeedParseError as exc:
            if state.fetch_via == "discovery" or not looks_like_html(
                response.content, response.headers.get("content-type", "")
            ):
                raise
            return await self._discover(feed, response, exc)
        return Fetched(response, parsed, digest, fetch_url, via)

    async def _discover(self, feed: Feed, page: Response, error: FeedParseError) -> Fetched:
        """The configured URL is an HTML page: follow the feed it announces."""
        urls = discover_feeds(page.content, page.url)
        if not urls:
            raise error
        target = urls[0]
        log.info("feed %s (%s): page announces the feed %s", feed.name, feed.url, target)
        response = await self.fetcher.get(target, trusted_url=feed.url)
        parsed = await self._parse(response)
        fetch_url = response.permanent_redirect or target
        digest = hashlib.sha1(response.content).hexdigest()
        return Fetched(response, parsed, digest, fetch_url, "discovery")

    async def _parse(self, response: Response) -> ParsedFeed:
        if len(response.content) <= self.policy.parse_inline_max_bytes:
            return parse_feed(response.content, response.headers, response.url)
        return await asyncio.to_thread(parse_feed, response.content, response.headers, response.url)

    async def _publish(self, feed: Feed, parsed: ParsedFeed, now: float) -> int:
        if parsed.warning:
            log.info("feed %s (%s): parsed despite: %s", feed.name, feed.url, parsed.warning)
        entries = [(item.fingerprint, entry_payload(feed, item)) for item in parsed.items]
        return await self.publisher.publish_new(feed.id, entries, int(now * 1000))


def _now_ms() -> int:
    return int(time.time() * 1000)
