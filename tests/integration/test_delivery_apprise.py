"""The optional apprise notifier, sending through apprise's ``json://`` to a local receiver."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from newswatch.daemon.runner import run_once
from tests.integration.test_delivery import enqueue, make_alert, write_config
from tests.support.http import Route, Server

pytest.importorskip("apprise")


async def test_apprise_json_url_receives_the_alert(
    tmp_path: Path, redis_client: aioredis.Redis, redis_url_clean: str, http_server: Server
) -> None:
    http_server.route("/notify", Route(status=200))
    url = http_server.url.replace("http://", "json://") + "/notify"
    notifier = f'{{type: apprise, urls: ["{url}"], retry: {{max_attempts: 2, base_delay: 10ms}}}}'
    settings = write_config(tmp_path, redis_url_clean, {"chat": notifier}, notify="[chat]")
    await enqueue(redis_client, [make_alert(1, ("chat",))])

    stats = await run_once(settings, roles=["notifier"])

    [request] = http_server.requests("/notify")
    body = json.loads(request.body)
    assert stats.delivered == 1
    assert body["title"] == "[newswatch:w] Ukraine story 1"
    assert "»Ukraine« talks" in body["message"]
