"""Wires the roles together: ``run`` (until a signal) and ``run --once`` (to completion)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
from collections.abc import AsyncIterator, Awaitable, Collection
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TextIO

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from redis.asyncio import Redis

from newswatch.config import Settings
from newswatch.constants import (
    ALERTS_STREAM,
    DIGEST_CHECK_S,
    DISPATCH_TICK_S,
    ENTRIES_STREAM,
    NOTIFIERS_GROUP,
    ONCE_RETRY_WAIT_S,
    RETRY_TICK_S,
    VISIBILITY_MS,
    WORKERS_GROUP,
)
from newswatch.daemon.deliver import Deliverer
from newswatch.daemon.loop import consume
from newswatch.daemon.poller import Poller, PollPolicy
from newswatch.daemon.stats import Stats
from newswatch.daemon.worker import Worker
from newswatch.delivery.policy import policies
from newswatch.delivery.pump import RetryPump
from newswatch.errors import NewswatchError
from newswatch.fetch import Fetcher, FetchLimits
from newswatch.notify import build_notifiers
from newswatch.queue.connect import open_redis
from newswatch.queue.streams import Consumer
from newswatch.schedule.store import Schedule

log = logging.getLogger(__name__)

ROLES = ("poller", "worker", "notifier")
def visibility_ms(settings: Settings) -> int:
    """How long a pending message or a retry lease stays with a silent process before another
    takes it over (``redis.visibility_timeout``)."""
    return int(settings.config.redis.visibility_timeout * 1000)


@dataclass
class Roles:
    """The role objects of one process, sharing its Redis client and HTTP pool."""

    poller: Poller
    worker: Worker
    deliverer: Deliverer
    pump: RetryPump
    redis: Redis
    name: str
    visibility_ms: int = VISIBILITY_MS

    def consumer(self, stream: str, group: str) -> Consumer:
        """A consumer of ``stream`` named after this process."""
        return Consumer(self.redis, stream, group, self.name, visibility_ms=self.visibility_ms)


def process_name() -> str:
    """A consumer/lease owner name unique to this process."""
    return f"{socket.gethostname()}-{os.getpid()}"


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


@asynccontextmanager
async def open_roles(
    settings: Settings, stats: Stats, stdout: TextIO | None
) -> AsyncIterator[Roles]:
    """Redis, the HTTP pool and the notifiers, closed on exit."""
    config = settings.config
    async with AsyncExitStack() as stack:
        redis = await stack.enter_async_context(open_redis(config.redis.url, settings.data_dir))
        fetcher = Fetcher(fetch_limits(settings))
        stack.push_async_callback(fetcher.aclose)
        notifiers = build_notifiers(config.notifiers, stdout)
        for notifier in notifiers.values():
            stack.push_async_callback(notifier.aclose)
        name = process_name()
        feeds = {feed.id: feed for feed in settings.feeds}
        schedule = Schedule(redis, owner=name, lease_ms=int(config.polling.lease * 1000))
        policy = poll_policy(settings)
        routes = {w.id: tuple(w.notify or config.notifiers) for w in config.watches}
        deliverer = Deliverer(redis, notifiers, stats, policies(config))
        yield Roles(
            poller=Poller(
                redis, fetcher, feeds, schedule, stats, config.polling.max_concurrency, policy
            ),
            worker=Worker(redis, fetcher, settings.watchlist, routes, stats),
            deliverer=deliverer,
            pump=RetryPump(deliverer.sender, deliverer.retries, visibility_ms(settings)),
            redis=redis,
            name=name,
            visibility_ms=visibility_ms(settings),
        )


async def run_once(
    settings: Settings, roles: Collection[str] = ROLES, stdout: TextIO | None = None
) -> Stats:
    """Poll every feed once, drain both streams, deliver; returns what was done."""
    stats = Stats()
    stop = asyncio.Event()
    async with open_roles(settings, stats, stdout) as r:
        if "poller" in roles:
            await r.poller.sync()
            await r.poller.poll_all()
        if "worker" in roles:
            await consume(
                r.consumer(ENTRIES_STREAM, WORKERS_GROUP), r.worker.handle, stop, burst=True
            )
        if "notifier" in roles:
            await deliver_once(r, stop)
    return stats


async def deliver_once(r: Roles, stop: asyncio.Event) -> None:
    """Drain the alerts stream, send the digests that are due, wait for retries due soon."""
    consumer = r.consumer(ALERTS_STREAM, NOTIFIERS_GROUP)
    await r.deliverer.consume(consumer, stop, burst=True)
    if await r.deliverer.flush_digests():
        await r.deliverer.consume(consumer, stop, burst=True)
    await r.pump.drain(ONCE_RETRY_WAIT_S, stop)
    r.deliverer.stats.retries_waiting = await r.deliverer.retries.size()


async def run_forever(
    settings: Settings,
    roles: Collection[str] = ROLES,
    stdout: TextIO | None = None,
    stop: asyncio.Event | None = None,
) -> Stats:
    """Run the roles until SIGINT/SIGTERM (or ``stop``); in-flight work is finished first."""
    stats = Stats()
    stop = stop or asyncio.Event()
    _install_signal_handlers(stop)
    async with open_roles(settings, stats, stdout) as r:
        tasks = []
        scheduler = AsyncIOScheduler()
        if "poller" in roles:
            await r.poller.sync()
            scheduler.add_job(r.poller.dispatch, "interval", seconds=DISPATCH_TICK_S,
                              max_instances=1, coalesce=True, id="dispatch")  # fmt: skip
            scheduler.start()
        if "worker" in roles:
            consumer = r.consumer(ENTRIES_STREAM, WORKERS_GROUP)
            tasks.append(asyncio.create_task(consume(consumer, r.worker.handle, stop, burst=False)))
        if "notifier" in roles:
            consumer = r.consumer(ALERTS_STREAM, NOTIFIERS_GROUP)
            tasks.append(asyncio.create_task(r.deliverer.consume(consumer, stop, burst=False)))
            _schedule_delivery_jobs(scheduler, r, stop)
            if not scheduler.running:
                scheduler.start()
        log.info("newswatch running: roles %s, %d feeds, %d watches",
                 ",".join(roles), len(settings.feeds), len(settings.watchlist))  # fmt: skip
        await stop.wait()
        log.info("stopping: finishing in-flight work")
        if scheduler.running:
            scheduler.shutdown(wait=False)
        await r.poller.drain()
        await asyncio.gather(*tasks)
    return stats


def _schedule_delivery_jobs(scheduler: AsyncIOScheduler, r: Roles, stop: asyncio.Event) -> None:
    """The retry pump every RETRY_TICK_S; digests at each notifier's cron and every minute
    (catching up on fire times missed while no notifier ran)."""

    async def retries() -> None:
        if not stop.is_set():
            await _logged("retry pump", r.pump.run_due())

    async def digests() -> None:
        if not stop.is_set():
            await _logged("digest flush", r.deliverer.flush_digests())

    scheduler.add_job(retries, "interval", seconds=RETRY_TICK_S,
                      max_instances=1, coalesce=True, id="retries")  # fmt: skip
    scheduler.add_job(digests, "interval", seconds=DIGEST_CHECK_S, max_instances=1,
                      coalesce=True, id="digests", next_run_time=datetime.now(UTC))  # fmt: skip
    for name, policy in r.deliverer.policies.notifiers.items():
        scheduler.add_job(digests, policy.digest, max_instances=1, coalesce=True,
                          id=f"digest:{name}")  # fmt: skip


async def _logged(what: str, work: Awaitable[object]) -> None:
    try:
        await work
    except NewswatchError:
        log.exception("%s failed; trying again at its next tick", what)


def _install_signal_handlers(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        # Not possible outside the main thread (tests) or on Windows: stop via ``stop`` then.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
