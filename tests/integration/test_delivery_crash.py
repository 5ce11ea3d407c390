"""Crashes and outages with real processes: a notifier killed with SIGKILL mid-batch, and an
external Redis server restarted while a notifier runs."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import redis.asyncio as aioredis

from newswatch.config import Settings
from newswatch.constants import DELIVERED_PREFIX
from newswatch.daemon.runner import run_forever
from tests.integration.test_delivery import enqueue, hook, make_alert, write_config
from tests.integration.test_email_delivery import first_failure
from tests.support.http import Route, Server
from tests.support.redis_server import RedisServer

REPO = Path(__file__).resolve().parents[2]


def notifier_process(settings: Settings, *extra: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    args = [sys.executable, "-m", "newswatch", "--log-level", "warning", "run",
            "--role", "notifier", "--config", str(settings.path), *extra]  # fmt: skip
    log = (settings.path.parent / "notifier.log").open("ab")
    try:
        return subprocess.Popen(args, env=env, cwd=REPO, stdout=log, stderr=log)
    finally:
        log.close()


def ids(requests: list[object]) -> list[str]:
    return [r.headers["idempotency-key"] for r in requests]  # type: ignore[attr-defined]


async def test_sigkill_mid_batch_loses_nothing_and_resends_only_what_was_in_flight(
    tmp_path: Path, redis_client: aioredis.Redis, redis_url_clean: str, http_server: Server
) -> None:
    http_server.route("/hook", Route(status=200, delay_s=0.1))
    settings = write_config(tmp_path, redis_url_clean, {"hook": hook(http_server.url + "/hook")})
    alerts = [make_alert(n) for n in range(80)]
    await enqueue(redis_client, alerts)

    first = notifier_process(settings)
    try:
        await asyncio.to_thread(http_server.wait_for, 40, "/hook", 30.0)  # into the 2nd batch
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    await asyncio.sleep(0.3)  # requests the killed process had sent reach the receiver
    seen_at_kill = len(http_server.requests("/hook"))
    marked = {k.removeprefix(DELIVERED_PREFIX).rsplit(":", 1)[0]
              async for k in redis_client.scan_iter(f"{DELIVERED_PREFIX}*")}  # fmt: skip
    await asyncio.sleep(1.2)  # its pending messages become claimable (visibility: 1 s)

    second = notifier_process(settings, "--once")
    await asyncio.to_thread(second.wait, 60)
    assert second.returncode == 0, (settings.path.parent / "notifier.log").read_text()

    received = ids(http_server.requests("/hook"))
    assert set(received) == {a.id for a in alerts}  # nothing lost
    resent = ids(http_server.requests("/hook")[seen_at_kill:])
    assert not set(resent) & marked  # nothing that had been delivered was sent again
    twice = [i for i, n in Counter(received).items() if n > 1]
    # The only duplicates are requests in flight at the kill: sent, no delivered marker yet
    # (the documented window; receivers dedupe on Idempotency-Key).
    assert len(twice) <= 32 and all(
        i in ids(http_server.requests("/hook")[:seen_at_kill]) for i in twice
    )
    assert marked  # some were delivered and marked before the kill


async def test_redis_restart_mid_run_loses_nothing(
    tmp_path: Path,
    http_server: Server,
) -> None:
    server = RedisServer(tmp_path / "redis")
    server.start()
    url = server.url
    flaky = [(503, b"", {})] * 2 + [(200, b"", {})]
    http_server.route("/hook", Route(responses=flaky))
    retry = "{max_attempts: 50, base_delay: 1s, max_delay: 1s}"
    settings = write_config(tmp_path, url, {"hook": hook(http_server.url + "/hook", retry)})
    client = aioredis.Redis.from_url(url, decode_responses=True)
    stop = asyncio.Event()
    daemon = asyncio.create_task(run_forever(settings, roles=["notifier"], stop=stop))
    try:
        await enqueue(client, [make_alert(1)])
        await first_failure(client)  # the receiver said 503: a retry is queued
        server.stop()  # Redis goes away (AOF on disk) with a retry queued...
        await asyncio.sleep(1.5)  # ...long enough for the notifier's reads and retries to fail
        server.start()
        await client.aclose()  # (its pooled connection died with the server)
        client = aioredis.Redis.from_url(url, decode_responses=True)
        await enqueue(client, [make_alert(2), make_alert(3)])
        received = await http_server.wait_for_async(5, "/hook", timeout=30)  # 503, 503, 3 x 200
        await asyncio.sleep(0.5)
    finally:
        stop.set()
        await daemon
        await client.aclose()
        server.stop()
    accepted = [json.loads(r.body)["id"] for r in http_server.requests("/hook") if r.status == 200]
    assert sorted(accepted) == ["alert-0001", "alert-0002", "alert-0003"], received
