"""A graceful stop (SIGTERM) of a real notifier process while it redelivers: the sends in flight
finish and are recorded, so a restart sends nothing again."""

from __future__ import annotations

import asyncio
import signal
import subprocess
from collections import Counter
from pathlib import Path

import redis.asyncio as aioredis

from tests.integration.test_delivery import enqueue, hook, make_alert, write_config
from tests.support.daemon import start_daemon, stop
from tests.support.http import Route, Server

ALERTS = 5
SLOW_ANSWER_S = 1.5


async def test_sigterm_during_redelivery_finishes_the_sends_and_a_restart_repeats_none(
    tmp_path: Path, redis_client: aioredis.Redis, redis_url_clean: str, http_server: Server
) -> None:
    # Every first attempt is refused (503, at once); every later one succeeds after 1.5 s.
    answers = [(503, b"busy", {})] * ALERTS + [(200, b"ok", {})]
    delays = [0.0] * ALERTS + [SLOW_ANSWER_S]
    http_server.route("/hook", Route(responses=answers, delays_s=delays))
    settings = write_config(tmp_path, redis_url_clean, {"hook": hook(http_server.url + "/hook")})
    alerts = [make_alert(n) for n in range(ALERTS)]
    await enqueue(redis_client, alerts)

    daemon = start_daemon(settings.path, "--role", "notifier", output=subprocess.DEVNULL)
    try:
        # The first redelivery reaches the receiver: the retry pump is mid-POST now.
        await asyncio.to_thread(http_server.wait_for, ALERTS + 1, "/hook", 30.0)
    finally:
        await asyncio.to_thread(stop, daemon, signal.SIGTERM)
    assert daemon.returncode == 0

    again = start_daemon(settings.path, "--role", "notifier", "--once")
    output = (await asyncio.to_thread(again.communicate, timeout=60))[0].decode()
    assert again.returncode == 0, output

    accepted = Counter(
        r.headers["idempotency-key"] for r in http_server.requests("/hook") if r.status == 200
    )
    assert set(accepted) == {a.id for a in alerts}  # every alert delivered...
    assert set(accepted.values()) == {1}, accepted  # ...and none twice
