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
from dataclasses import dataclass, replace
from typing import Any

from redis.asyncio import Redis

from newswatch.config import Feed
from newswatch.constants import MOVED_RETRY_FAILURES, PARSE_INLINE_MAX_BYTES
from newswatch.errors import FeedParseError, HTTPStatusError, QueueError, SourceError
from newswatch.feeds.discover import discover_feeds, looks_like_html
from newswatch.feeds.items import FeedItem, ParsedFeed
from newswatch.feeds.parse import parse_feed
from newswatch.feeds.seen import EntryPublisher
from newswatch.feeds.state import FeedState, decode_state, encode_state, load_state
from newswatch.fetch import Fetcher, Validators
from newswatch.fetch.client import Response
from newswatch.fetch.guard import trusted_link
from newswatch.fetch.hints import cache_hint_s
from newswatch.observe import metrics
from newswatch.schedule import timing
from newswatch.schedule.store import Schedule

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PollPolicy:
    """The bounds of the adaptive schedule and when to parse off the event loop."""

    min_interval_s: float = 60.0
    max_interval_s: float = 6 * 3600.0
    parse_inline_max_bytes: int = PARSE_INLINE_MAX_BYTES


@dataclass(frozen=True)
class _Fetched:
    """A successful fetch of a feed, parsed unless its body was unchanged."""

    response: Response
    parsed: ParsedFeed | None
    body_hash: str
    fetch_url: str
    fetch_via: str


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
            await asyncio.wait(set(self._tasks), return_when=asyncio.FIRST_COMPLETED)

    async def drain(self) -> None:
        """Stop starting polls and wait for those in flight to finish."""
        self._stopping = True
        if self._refill is not None:
            await asyncio.gather(self._refill, return_exceptions=True)
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def _start(self, fid: str, state: FeedState) -> None:
        task = asyncio.create_task(self.poll(fid, state), name=f"poll:{fid}")
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("poll %s failed: %s", task.get_name(), task.exception())
        free = self._slots - len(self._tasks)
        batch = max(1, self._slots // 8)  # refill in batches: one claim per several polls
        if self._backlog and not self._stopping and self._refill is None and free >= batch:
            self._refill = asyncio.create_task(self._refill_slots())

    async def _refill_slots(self) -> None:
        try:
            await self.dispatch()
        except QueueError as exc:
            log.warning("poller: cannot claim due feeds: %s", exc)
        finally:
            self._refill = None

    async def poll(self, fid: str, state: FeedState | None = None) -> None:
        """Poll one leased feed and release it with its state and next due time."""
        feed = self.feeds.get(fid)
        if feed is None:  # removed from the config since it was scheduled
            return
        if state is None:
            state = await load_state(self.redis, fid)
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
        await self.schedule.release(fid, int(state.next_poll * 1000), encode_state(state))

    async def _poll_feed(self, feed: Feed, state: FeedState, now: float) -> FeedState:
        state = self._rebased(feed, state)
        fetched = await self._fetch(feed, state)
        published = 0
        if fetched.parsed is not None:
            published = await self._publish(feed, fetched.parsed, now)
        unchanged = fetched.parsed is None
        self.stats.feeds_polled += 1
        self.stats.feeds_not_modified += int(unchanged)
        self.stats.entries += published
        metrics.FEED_POLLS.labels("not_modified" if unchanged else "ok").inc()
        metrics.ENTRIES.inc(published)
        log.debug("feed %s: %s new entries", feed.name, published)
        return self._succeeded(feed, state, fetched, published, now)

    def _rebased(self, feed: Feed, state: FeedState) -> FeedState:
        """A feed whose configured interval changed starts again from the new one."""
        if state.interval <= 0 or state.base_interval != feed.interval:
            return replace(state, interval=feed.interval, base_interval=feed.interval)
        return state

    async def _fetch(self, feed: Feed, state: FeedState) -> _Fetched:
        source = state.fetch_url or feed.url
        trusted = state.fetch_via != "discovery" or trusted_link(source, feed.url)
        validators = Validators(state.etag or None, state.last_modified or None)
        response = await self.fetcher.get(source, validators=validators, trusted=trusted)
        fetch_url, via = _moved(response, state.fetch_url, state.fetch_via)
        if response.not_modified:
            return _Fetched(response, None, state.body_hash, fetch_url, via)
        digest = hashlib.sha1(response.content).hexdigest()
        if digest == state.body_hash:
            return _Fetched(response, None, digest, fetch_url, via)
        try:
            parsed = await self._parse(response)
        except FeedParseError as exc:
            if state.fetch_via == "discovery" or not looks_like_html(
                response.content, response.headers.get("content-type", "")
            ):
                raise
            return await self._discover(feed, response, exc)
        return _Fetched(response, parsed, digest, fetch_url, via)

    async def _discover(self, feed: Feed, page: Response, error: FeedParseError) -> _Fetched:
        """The configured URL is an HTML page: follow the feed it announces."""
        urls = discover_feeds(page.content, page.url)
        if not urls:
            raise error
        target = urls[0]
        log.info("feed %s (%s): page announces the feed %s", feed.name, feed.url, target)
        response = await self.fetcher.get(target, trusted=trusted_link(target, feed.url))
        parsed = await self._parse(response)
        fetch_url = response.permanent_redirect or target
        digest = hashlib.sha1(response.content).hexdigest()
        return _Fetched(response, parsed, digest, fetch_url, "discovery")

    async def _parse(self, response: Response) -> ParsedFeed:
        if len(response.content) <= self.policy.parse_inline_max_bytes:
            return parse_feed(response.content, response.headers, response.url)
        return await asyncio.to_thread(parse_feed, response.content, response.headers, response.url)

    async def _publish(self, feed: Feed, parsed: ParsedFeed, now: float) -> int:
        if parsed.warning:
            log.info("feed %s (%s): parsed despite: %s", feed.name, feed.url, parsed.warning)
        entries = [(item.fingerprint, entry_payload(feed, item)) for item in parsed.items]
        return await self.publisher.publish_new(feed.id, entries, int(now * 1000))

    def _succeeded(
        self, feed: Feed, state: FeedState, fetched: _Fetched, published: int, now: float
    ) -> FeedState:
        response, parsed = fetched.response, fetched.parsed
        kept = (
            Validators(state.etag or None, state.last_modified or None)
            if response.not_modified
            else response.validators
        )
        avg_gap, last_new, found_new = self._rhythm(state, parsed, published, now)
        policy = self.policy
        target = timing.target_interval(
            state.interval, avg_gap, now - last_new, found_new, feed.interval
        )
        interval = timing.next_interval(
            state.interval, target, policy.min_interval_s, policy.max_interval_s
        )
        feed_hint = parsed.hint_s if parsed is not None else state.feed_hint
        hint = max(feed_hint, cache_hint_s(response.headers, now))
        delay = timing.hinted_delay(interval, hint, policy.max_interval_s)
        return replace(
            state,
            fetch_url=fetched.fetch_url,
            fetch_via=fetched.fetch_via,
            etag=kept.etag or "",
            last_modified=kept.last_modified or "",
            body_hash=fetched.body_hash,
            last_success=now,
            last_attempt=now,
            failures=0,
            last_error="",
            interval=interval,
            next_poll=timing.after_success(now, delay, self._rng),
            entries_seen=state.entries_seen + published,
            avg_gap=avg_gap,
            last_new=last_new,
            feed_hint=feed_hint,
        )

    @staticmethod
    def _rhythm(
        state: FeedState, parsed: ParsedFeed | None, published: int, now: float
    ) -> tuple[float, float, bool]:
        """(usual gap, when the newest entry appeared, whether this poll found new ones)."""
        if state.last_new <= 0:  # first poll: every entry is new; the dates tell the rhythm
            if parsed is None:
                return state.avg_gap, now, False
            gap, newest = timing.gap_from_dates(parsed.stamps, now)
            return gap, newest or now, False
        if published <= 0:
            return state.avg_gap, state.last_new, False
        return timing.observe_gap(state.avg_gap, state.last_new, now, published), now, True

    def _failed(
        self, feed: Feed, state: FeedState, now: float, message: str, exc: SourceError | None
    ) -> FeedState:
        failures = state.failures + 1
        retry = exc.retry_after if isinstance(exc, HTTPStatusError) else None
        self.stats.feeds_failed += 1
        self.stats.feed_errors[feed.url] = message
        metrics.FEED_POLLS.labels("failed").inc()
        metrics.FEED_FAILURES.labels(metrics.failure_reason(exc) if exc else "internal").inc()
        log.warning("feed %s (%s): %s [failure %d]", feed.name, feed.url, message, failures,
                    extra={"feed": feed.id})  # fmt: skip
        interval = state.interval if state.interval > 0 else feed.interval
        moved = bool(state.fetch_url) and failures >= MOVED_RETRY_FAILURES
        return replace(
            state,
            fetch_url="" if moved else state.fetch_url,
            fetch_via="" if moved else state.fetch_via,
            last_attempt=now,
            failures=failures,
            last_error=message,
            interval=interval,
            next_poll=timing.after_failure(now, failures, interval, retry, self._rng),
        )


def _moved(response: Response, fetch_url: str, via: str) -> tuple[str, str]:
    """The URL to fetch next time: a permanent redirect is remembered."""
    if response.permanent_redirect:
        return response.permanent_redirect, via or "redirect"
    return fetch_url, via


def _now_ms() -> int:
    return int(time.time() * 1000)
