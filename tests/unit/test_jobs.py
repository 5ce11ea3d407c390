"""Clocked jobs on a real APScheduler: a stop lets the run in flight finish, starts no other."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import pytest

from newswatch.daemon.jobs import Jobs
from newswatch.errors import QueueError


async def test_a_run_in_flight_when_stopping_finishes_and_no_other_starts(
    caplog: pytest.LogCaptureFixture,
) -> None:
    stop = asyncio.Event()
    jobs = Jobs(stop)
    started, release = asyncio.Event(), asyncio.Event()
    runs: list[str] = []

    async def work() -> None:
        runs.append("start")
        started.set()
        await release.wait()  # a POST in flight, say
        runs.append("end")

    jobs.every("work", 0.01, work, first=datetime.now(UTC))
    jobs.start()
    await started.wait()
    stop.set()
    finishing = asyncio.create_task(jobs.finish())
    for _ in range(20):  # the loop turns over: the scheduler is shut down meanwhile
        await asyncio.sleep(0)
    assert not finishing.done() and not jobs.scheduler.running
    release.set()
    await finishing

    assert runs == ["start", "end"]  # not cancelled, and nothing started after the stop
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # ("Error running job")


async def test_a_failing_run_is_logged_and_the_job_runs_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    stop = asyncio.Event()
    jobs = Jobs(stop)
    calls = 0
    second = asyncio.Event()

    async def work() -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise QueueError("redis: boom")
        second.set()

    jobs.every("flaky", 0.01, work, first=datetime.now(UTC))
    jobs.start()
    await asyncio.wait_for(second.wait(), 10)
    stop.set()
    await jobs.finish()
    assert "flaky failed; trying again at its next tick" in caplog.text


async def test_a_run_that_comes_late_still_runs() -> None:
    # The first digest check is due at start; a slow start (collecting the startup heap) made
    # APScheduler skip it as "missed by 1.3 s".
    stop = asyncio.Event()
    jobs = Jobs(stop)
    ran = asyncio.Event()

    async def work() -> None:
        ran.set()

    jobs.every("late", 3600, work, first=datetime.now(UTC) - timedelta(seconds=5))
    jobs.start()
    await asyncio.wait_for(ran.wait(), 10)
    stop.set()
    await jobs.finish()
