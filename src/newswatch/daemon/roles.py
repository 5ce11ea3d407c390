"""The role objects of one process, built from a config and re-pointed at a new one on reload."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import TextIO

from redis.asyncio import Redis

from newswatch.archive.database import Archive, create, database_url
from newswatch.config import Config, Settings
from newswatch.constants import (
    ARTICLES_PER_HOST,
    ARTICLES_READ_AHEAD,
    ENTRIES_STREAM,
    WORKERS_GROUP,
)
from newswatch.daemon.archiver import Archiver
from newswatch.daemon.deliver import Deliverer
from newswatch.daemon.poller import Poller
from newswatch.daemon.stats import Stats
from newswatch.daemon.window import Fairness, Window
from newswatch.daemon.worker import Worker, entry_host
from newswatch.delivery.policy import policies
from newswatch.delivery.pump import RetryPump
from newswatch.fetch import Fetcher, FetchLimits
from newswatch.notify import Notifier, build_notifiers
from newswatch.queue.connect import open_redis
from newswatch.queue.streams import Consumer
from newswatch.schedule.outcome import PollPolicy
from newswatch.schedule.store import Schedule
from newswatch.stories import StoryIndex

log = logging.getLogger(__name__)

# Replaced notifiers are closed after this long, so that sends in flight on them can finish.
NOTIFIER_CLOSE_GRACE_S = 30.0


def process_name() -> str:
    """A consumer/lease owner name unique to this process."""
    return f"{socket.gethostname()}-{os.getpid()}"


def visibility_ms(settings: Settings) -> int:
    """How long a pending message or a retry lease stays with a silent process before another
    takes it over (``redis.visibility_timeout``)."""
    return int(settings.config.redis.visibility_timeout * 1000)


def fetch_limits(settings: Settings) -> FetchLimits:
    """The fetch limits the config asks for."""
    polling = settings.config.polling
    return FetchLimits(
        timeout_s=polling.timeout,
        max_body_bytes=polling.max_body_bytes,
        per_host=polling.per_host,
        max_concurrency=polling.max_concurrency,
        allow_private_networks=polling.allow_private_networks,
        user_agent=polling.user_agent,
        host_delay_s=polling.host_delay,
        robots=polling.robots,
    )


def poll_policy(settings: Settings) -> PollPolicy:
    """The bounds of the adaptive schedule the config asks for."""
    polling = settings.config.polling
    return PollPolicy(min_interval_s=polling.min_interval, max_interval_s=polling.max_interval)


def story_index(redis: Redis, config: Config) -> StoryIndex | None:
    """The story index of ``stories:`` (None when stories are off)."""
    stories = config.stories
    return StoryIndex(redis, stories.window, stories.threshold) if stories.enabled else None


def routes(config: Config) -> dict[str, tuple[str, ...]]:
    """Watch id -> the notifiers it alerts (every notifier when ``notify`` is omitted)."""
    return {w.id: tuple(w.notify or config.notifiers) for w in config.watches}


@dataclass
class Roles:
    """The role objects of one process, sharing its Redis client and HTTP pool."""

    poller: Poller
    worker: Worker
    deliverer: Deliverer
    pump: RetryPump
    redis: Redis
    name: str
    visibility_ms: int
    article_concurrency: int
    per_host: int
    stdout: TextIO | None = None
    archiver: Archiver | None = None
    retired: list[Mapping[str, Notifier]] = field(default_factory=list)
    _closing: set[asyncio.Task[None]] = field(default_factory=set)

    def consumer(self, stream: str, group: str) -> Consumer:
        """A consumer of ``stream`` named after this process."""
        return Consumer(self.redis, stream, group, self.name, visibility_ms=self.visibility_ms)

    def articles(self, stop: asyncio.Event) -> Window:
        """The worker's window on the ``entries`` stream."""
        consumer = self.consumer(ENTRIES_STREAM, WORKERS_GROUP)
        fairness = Fairness(entry_host, ARTICLES_PER_HOST * self.per_host,
                            ARTICLES_READ_AHEAD * self.article_concurrency)  # fmt: skip
        return Window(consumer, self.worker.handle, stop, self.article_concurrency, fairness)

    async def apply(self, settings: Settings) -> None:
        """Point every role at a new config: feeds, watches, notifiers and delivery rules.

        Fetch limits, the Redis URL and timeouts are read once at start (a restart applies them).
        """
        config = settings.config
        self.poller.feeds = {feed.id: feed for feed in settings.feeds}
        self.poller.policy = poll_policy(settings)
        await self.poller.sync()
        self.worker.watchlist = settings.watchlist
        self.worker.routes = routes(config)
        self.worker.stories = story_index(self.redis, config)
        old = self.deliverer.sender.notifiers
        self.deliverer.policies = self.deliverer.sender.policies = policies(config)
        self.deliverer.sender.notifiers = build_notifiers(config.notifiers, self.stdout)
        self.retired.append(old)
        task = asyncio.create_task(self._close_later(old))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def _close_later(self, notifiers: Mapping[str, Notifier]) -> None:
        """Close replaced notifiers once sends in flight on them have had time to finish."""
        await asyncio.sleep(NOTIFIER_CLOSE_GRACE_S)
        self.retired.remove(notifiers)
        await close_all(notifiers)

    async def aclose(self) -> None:
        """Close the notifiers in use and any replaced ones."""
        for task in self._closing:
            task.cancel()
        for notifiers in [*self.retired, self.deliverer.sender.notifiers]:
            await close_all(notifiers)
        self.retired.clear()


async def close_all(notifiers: Mapping[str, Notifier]) -> None:
    """Close notifiers, logging rather than raising on failure."""
    for name, notifier in notifiers.items():
        try:
            await notifier.aclose()
        except Exception:
            log.exception("closing notifier %s failed", name)


def open_archiver(settings: Settings) -> Archiver | None:
    """The archiver of ``archive:`` (None when disabled); it connects at its first write."""
    config = settings.config.archive
    if not config.enabled:
        return None
    return Archiver(Archive(create(database_url(config, settings.data_dir))), config.keep)


@asynccontextmanager
async def open_roles(
    settings: Settings, stats: Stats, stdout: TextIO | None
) -> AsyncIterator[Roles]:
    """Redis, the HTTP pool and the notifiers, closed on exit."""
    config = settings.config
    async with AsyncExitStack() as stack:
        redis = await stack.enter_async_context(
            open_redis(config.redis.url, settings.data_dir, cluster=config.redis.cluster)
        )
        fetcher = Fetcher(fetch_limits(settings))
        stack.push_async_callback(fetcher.aclose)
        name = process_name()
        feeds = {feed.id: feed for feed in settings.feeds}
        schedule = Schedule(redis, owner=name, lease_ms=int(config.polling.lease * 1000))
        poller = Poller(redis, fetcher, feeds, schedule, stats, config.polling.max_concurrency,
                        poll_policy(settings))  # fmt: skip
        notifiers = build_notifiers(config.notifiers, stdout)
        deliverer = Deliverer(redis, notifiers, stats, policies(config))
        archiver = open_archiver(settings)
        if archiver is not None:
            stack.callback(archiver.archive.close)
        enabled = archiver is not None
        worker = Worker(redis, fetcher, settings.watchlist, routes(config), stats, enabled,
                        story_index(redis, config))  # fmt: skip
        roles = Roles(
            poller=poller,
            worker=worker,
            deliverer=deliverer,
            pump=RetryPump(deliverer.sender, deliverer.retries, visibility_ms(settings)),
            redis=redis,
            name=name,
            visibility_ms=visibility_ms(settings),
            article_concurrency=config.polling.article_concurrency,
            per_host=config.polling.per_host,
            stdout=stdout,
            archiver=archiver,
        )
        stack.push_async_callback(roles.aclose)
        yield roles
