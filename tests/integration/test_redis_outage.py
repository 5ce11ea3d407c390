"""A Redis outage as the log tells it: a real redis-server stopped under a running daemon (all
roles), then started again. One warning when it goes, one line when it is back, no traceback,
however many ticks of the dispatch and retry jobs and reads of the consumers failed meanwhile."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from newswatch.daemon.runner import run_forever
from newswatch.observe.outage import OutageState
from newswatch.queue.streams import REDIS_OUTAGE
from tests.integration.test_delivery import enqueue, hook, make_alert, write_config
from tests.support.http import Route, Server
from tests.support.redis_server import RedisServer


async def until(condition: Callable[[], bool], what: str, timeout_s: float = 60.0) -> None:
    """Wait (letting the daemon run) until ``condition`` holds."""
    for _ in range(int(timeout_s / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def lines(caplog: pytest.LogCaptureFixture, start: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.getMessage().startswith(start)]


async def test_an_outage_is_told_once_when_it_begins_and_once_when_it_ends(
    tmp_path: Path, http_server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="newswatch")
    REDIS_OUTAGE.state = OutageState()  # this process's tracker: as a fresh daemon's
    server = RedisServer(tmp_path / "redis")
    server.start()
    http_server.route("/hook", Route(status=200))
    settings = write_config(tmp_path, server.url, {"hook": hook(http_server.url + "/hook")})
    stop = asyncio.Event()
    daemon = asyncio.create_task(run_forever(settings, stop=stop))
    client = aioredis.Redis.from_url(server.url, decode_responses=True)
    try:
        await enqueue(client, [make_alert(1)])
        await http_server.wait_for_async(1, "/hook", timeout=30)  # running, Redis answering
        server.stop()
        await until(
            lambda: (
                len(lines(caplog, "dispatch failed")) >= 3
                and len(lines(caplog, "retries failed")) >= 3
            ),
            "three failed ticks of the dispatch and retry jobs",
        )
        server.start()
        await client.aclose()  # (its pooled connection died with the server)
        client = aioredis.Redis.from_url(server.url, decode_responses=True)
        await enqueue(client, [make_alert(2)])
        await http_server.wait_for_async(2, "/hook", timeout=30)
        await until(lambda: bool(lines(caplog, "Redis reachable again")), "the recovery line")
    finally:
        stop.set()
        await daemon
        await client.aclose()
        server.stop()

    down, up = lines(caplog, "Redis unreachable: "), lines(caplog, "Redis reachable again after ")
    assert len(down) == 1 and down[0].levelname == "WARNING"
    assert "Connect" in down[0].getMessage() or "refused" in down[0].getMessage()  # the error
    assert len(up) == 1 and up[0].levelname == "INFO"
    assert not lines(caplog, "Redis still unreachable")  # the outage lasted well under a minute
    loud = [r for r in caplog.records if r.levelno >= logging.WARNING and r not in down]
    loud = [r for r in loud if ": warning: " not in r.getMessage()]  # the config's own advice
    assert loud == [] and not [r for r in caplog.records if r.exc_info]
