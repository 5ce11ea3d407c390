"""Runs the roles: ``run`` (until a signal) and ``run --once`` (to completion)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import Collection
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from typing import TextIO

from newswatch.config import Settings
from newswatch.constants import (
    ALERTS_STREAM,
    ARCHIVE_STREAM,
    ARCHIVERS_GROUP,
    DIGEST_CHECK_S,
    DISPATCH_TICK_S,
    GC_YOUNG_THRESHOLD,
    HOUSEKEEPING_S,
    NOTIFIERS_GROUP,
    ONCE_RETRY_WAIT_S,
    RETRY_TICK_S,
)
from newswatch.daemon.housekeeping import housekeeping
from newswatch.daemon.jobs import Jobs
from newswatch.daemon.reload import watch_config
from newswatch.daemon.roles import Roles, open_roles
from newswatch.daemon.stats import Stats
from newswatch.extract.language import load_language_models
from newswatch.observe.metrics import Heartbeat
from newswatch.observe.server import HealthInputs
from newswatch.web import WebState, serve
from newswatch.words import count

log = logging.getLogger(__name__)

ROLES = ("poller", "worker", "notifier")


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
            await asyncio.to_thread(load_language_models)
            await r.articles(stop).run(burst=True)
            if r.archiver is not None:
                await r.archiver.drain(r.consumer(ARCHIVE_STREAM, ARCHIVERS_GROUP), stop)
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
    """Run the roles until SIGINT/SIGTERM (or ``stop``): stop taking work, finish what is in
    flight, return. The config file is watched and reloaded (also on SIGHUP)."""
    stats = Stats()
    stop = stop or asyncio.Event()
    for warning in settings.warnings:
        log.warning("%s", warning)
    _install_signal_handlers(stop)
    heartbeat = Heartbeat()
    async with open_roles(settings, stats, stdout) as r, AsyncExitStack() as stack:
        jobs = Jobs(stop)
        tasks = await _start_roles(r, roles, jobs, stop, heartbeat)
        settle_heap()
        jobs.start()
        stack.push_async_callback(jobs.finish)
        web_state = WebState(r.archiver.archive if r.archiver else None, redis=r.redis)
        web_state.apply(settings)
        http = settings.config.http
        if http.listen:
            health = HealthInputs(r.redis, roles, heartbeat)
            await stack.enter_async_context(serve(http.listen, health, web_state, http.token))

        async def reload(new: Settings) -> None:
            await r.apply(new)
            web_state.apply(new)
            _schedule_digests(jobs, r)

        tasks.append(asyncio.create_task(watch_config(settings.path, reload, stop)))
        log.info("newswatch running: roles %s, %s, %s", ",".join(roles),
                 count(len(settings.feeds), "feed"),
                 count(len(settings.watchlist), "watch", "watches"))  # fmt: skip
        await stop.wait()
        log.info("stopping: finishing in-flight work")
        r.poller.stop_starting()
        await jobs.finish()
        await r.poller.drain()
        await asyncio.gather(*tasks)
    return stats


async def _start_roles(
    r: Roles,
    roles: Collection[str],
    jobs: Jobs,
    stop: asyncio.Event,
    heartbeat: Heartbeat,
) -> list[asyncio.Task[None]]:
    tasks = []
    if "worker" in roles:  # before anything starts: no time limit runs out while it loads
        await asyncio.to_thread(load_language_models)
    archiver = r.archiver if "worker" in roles else None
    jobs.every("housekeeping", HOUSEKEEPING_S, lambda: housekeeping(r.redis, archiver))
    if "poller" in roles:
        await r.poller.sync()

        async def dispatch() -> None:
            heartbeat.beat()
            await r.poller.dispatch()

        heartbeat.beat()
        jobs.every("dispatch", DISPATCH_TICK_S, dispatch)
    if "worker" in roles:
        tasks.append(asyncio.create_task(r.articles(stop).run(burst=False)))
        if archiver is not None:
            archive = r.consumer(ARCHIVE_STREAM, ARCHIVERS_GROUP)
            tasks.append(asyncio.create_task(archiver.run(archive, stop, burst=False)))
    if "notifier" in roles:
        consumer = r.consumer(ALERTS_STREAM, NOTIFIERS_GROUP)
        tasks.append(asyncio.create_task(r.deliverer.consume(consumer, stop, burst=False)))
        jobs.every("retries", RETRY_TICK_S, lambda: r.pump.run_due(stop))
        jobs.every("digests", DIGEST_CHECK_S, r.deliverer.flush_digests, first=datetime.now(UTC))
        _schedule_digests(jobs, r)
    return tasks


def settle_heap() -> None:
    """Tune the garbage collector for a long-running daemon, once its roles are started.

    The startup heap (config, compiled watchlist, models) is long-lived: frozen, it is kept out
    of the collector's sight (that cut CPU per warm poll by 15 %). A poll allocates hundreds of
    short-lived objects: with the young generation collected every ``GC_YOUNG_THRESHOLD``
    allocations instead of 700, a warm round of 10,000 polls runs about 10 collections instead
    of 500, and 8 % faster (benchmarks/poll), for a few MB more of garbage waiting at a time.
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, old)


def _schedule_digests(jobs: Jobs, r: Roles) -> None:
    """A job per notifier at its digest schedule (replacing those of a previous config)."""
    jobs.remove("digest:")
    for name, policy in r.deliverer.policies.notifiers.items():
        jobs.on(f"digest:{name}", policy.digest, r.deliverer.flush_digests)


def _install_signal_handlers(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        # Not possible outside the main thread (tests) or on Windows: stop via ``stop`` then.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
