"""The outage tracker: what is told when a service goes away, stays away and answers again."""

from __future__ import annotations

import logging

import pytest

from newswatch.errors import QueueError, QueueUnavailable
from newswatch.observe.outage import (
    Down,
    Outage,
    OutageState,
    StillDown,
    Up,
    log_failure,
    on_answer,
    on_failure,
)


def test_one_report_when_down_then_at_most_one_a_minute_then_one_when_up() -> None:
    state, told = OutageState(), []
    for now in [*range(0, 130), 130.5]:  # a failure every second for 130 s
        state, report = on_failure(state, float(now), repeat_s=60)
        told.append((now, report))
    assert [(t, r) for t, r in told if r is not None] == [
        (0, Down()), (60, StillDown(60.0)), (120, StillDown(120.0))
    ]  # fmt: skip
    state, report = on_answer(state, 135.2)
    assert report == Up(pytest.approx(135.2)) and state == OutageState()
    assert on_answer(state, 136.0) == (state, None)  # answers while up tell nothing
    assert on_failure(state, 200.0, 60)[1] == Down()  # a new outage is told again


def test_the_tracker_logs_the_three_lines_with_the_error_and_the_duration(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [1000.0]
    outage = Outage("Redis", clock=lambda: now[0], repeat_s=60)
    caplog.set_level(logging.INFO, "newswatch.observe.outage")
    outage.answered()
    for _ in range(70):
        outage.failed(ConnectionRefusedError("connection refused"))
        now[0] += 1
    assert outage.down
    now[0] = 1075.2
    outage.answered()
    assert not outage.down
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("WARNING", "Redis unreachable: connection refused"),
        ("WARNING", "Redis still unreachable after 60 s: connection refused"),
        ("INFO", "Redis reachable again after 75.2 s"),
    ]


def test_an_outage_is_logged_without_traceback_and_a_failure_with_one(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = logging.getLogger("newswatch.test")
    caplog.set_level(logging.DEBUG, "newswatch.test")
    log_failure(logger, QueueUnavailable("redis: refused"), "dispatch %s", "failed")
    log_failure(logger, QueueError("redis: WRONGTYPE"), "dispatch %s", "failed")
    outage, bug = caplog.records
    assert (outage.levelname, outage.getMessage(), outage.exc_info) == (
        "DEBUG", "dispatch failed: redis: refused", None
    )  # fmt: skip
    assert bug.levelname == "ERROR" and bug.exc_info is not None
