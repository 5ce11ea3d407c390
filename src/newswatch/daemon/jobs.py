"""The daemon's clocked jobs (dispatch, retries, digests, housekeeping), stopped as the stream
consumers are: once stopping, no run starts; a run in flight finishes (its own ``stop`` checks
make it stop taking work), so what it sent is recorded.

APScheduler's AsyncIOExecutor cancels the runs in flight when the scheduler shuts down, whatever
``wait`` says: a retry cancelled mid-POST left its alert unmarked under a lease, and the next
process sent it again. So each run's work is a task of our own, out of the scheduler's reach
(shielded), and ``finish`` waits for those tasks.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from newswatch.errors import NewswatchError
from newswatch.observe.outage import log_failure

log = logging.getLogger(__name__)

Work = Callable[[], Awaitable[object]]


class Jobs:
    """Work run on a clock (never two runs of one job at once), logging rather than dying on
    errors, and finished rather than cancelled on stop."""

    def __init__(self, stop: asyncio.Event) -> None:
        self.stop = stop
        self.scheduler = AsyncIOScheduler()
        self._running: set[asyncio.Task[None]] = set()

    def every(self, name: str, seconds: float, work: Work, first: datetime | None = None) -> None:
        """Run ``work`` every ``seconds`` (first at ``first`` when given)."""
        extra = {"next_run_time": first} if first else {}
        self._add(name, work, "interval", seconds=seconds, **extra)

    def on(self, name: str, trigger: Any, work: Work) -> None:
        """Run ``work`` whenever the APScheduler ``trigger`` (e.g. a cron trigger) fires."""
        self._add(name, work, trigger)

    def remove(self, prefix: str) -> None:
        """Unschedule the jobs whose name starts with ``prefix`` (a run in flight finishes)."""
        for job in self.scheduler.get_jobs():
            if job.id.startswith(prefix):
                job.remove()

    def start(self) -> None:
        """Start the clock."""
        self.scheduler.start()

    async def finish(self) -> None:
        """Start no more runs and wait for those in flight to finish."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        # Only the runs not yet done: a done one leaves ``_running`` in a callback of the loop,
        # and gathering done tasks does not yield to it from Python 3.12 on (a busy loop).
        while pending := [task for task in self._running if not task.done()]:
            await asyncio.gather(*pending, return_exceptions=True)

    def _add(self, name: str, work: Work, trigger: Any, **options: Any) -> None:
        # However late a run comes (a busy loop, a slow start), it runs, once (coalesce).
        self.scheduler.add_job(self._job(name, work), trigger, id=name, name=name,
                               max_instances=1, coalesce=True, misfire_grace_time=None,
                               replace_existing=True, **options)  # fmt: skip

    def _job(self, name: str, work: Work) -> Callable[[], Awaitable[None]]:
        async def job() -> None:
            if self.stop.is_set():
                return
            task = asyncio.create_task(_logged(name, work()), name=f"job:{name}")
            self._running.add(task)
            task.add_done_callback(self._running.discard)
            # Cancelled only by the scheduler's shutdown: the run carries on, ``finish`` waits.
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(task)

        return job


async def _logged(name: str, work: Awaitable[object]) -> None:
    try:
        await work
    except NewswatchError as exc:
        log_failure(log, exc, "%s failed; trying again at its next tick", name)
