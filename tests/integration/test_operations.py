"""Operating the daemon: hot reload, /metrics and /healthz, against real Redis and HTTP."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from newswatch.config import load_config
from newswatch.daemon.runner import run_forever
from newswatch.observe import metrics
from tests.support.http import Route, Server
from tests.support.redis_server import RedisServer
from tests.support.site import page, rss, serve_site
from tests.support.smtp import free_port
from tests.support.waiting import eventually

HEAD = """
redis: {{url: "{redis}", visibility_timeout: 2s}}
data_dir: {data}
polling: {{interval: 1h, min_interval: 1h, max_interval: 2h, timeout: 5s, host_delay: 0s}}
{http}
notifiers:
  hook: {{type: webhook, url: "{hook}"}}
entities:
  zelenskyy: {{names: [Volodymyr Zelenskyy]}}
"""


def config_text(redis: str, data: Path, hook: str, feeds: list[str], watches: list[str],
                listen: str | None = None) -> str:  # fmt: skip
    http = f"http: {{listen: {listen}}}" if listen else ""
    text = HEAD.format(redis=redis, data=data, hook=hook, http=http)
    text += "feeds:\n" + "".join(f'  - {{url: "{url}"}}\n' for url in feeds)
    return text + "watches:\n" + "".join(f"  - {w}\n" for w in watches)


NO_MATCH = "{id: football, query: 'Persib AND derby', notify: [hook]}"
ZELENSKYY = "{id: zelenskyy, query: 'entity:zelenskyy', notify: [hook]}"


async def test_hot_reload_applies_valid_edits_and_rejects_invalid_ones(
    tmp_path: Path,
    redis_url_clean: str,
    make_http_server: Callable[[], Server],
    caplog: pytest.LogCaptureFixture,
) -> None:
    site, receiver = make_http_server(), make_http_server()
    urls = serve_site(site)
    receiver.route("/hook", Route(body=b"ok"))
    hook = receiver.url + "/hook"
    path = tmp_path / "newswatch.yaml"
    write = lambda feeds, watches: path.write_text(  # noqa: E731
        config_text(redis_url_clean, tmp_path / "d", hook, feeds, watches)
    )
    write([urls["feed"]], [NO_MATCH])
    stop = asyncio.Event()
    daemon = asyncio.create_task(run_forever(load_config(path), stop=stop))
    try:
        await eventually(lambda: site.requests("/news/ukraina-pertemuan"))
        await asyncio.sleep(0.5)
        assert receiver.requests("/hook") == []

        caplog.set_level(logging.ERROR, logger="newswatch.daemon.reload")
        write([urls["feed"]], [NO_MATCH, "{id: broken, query: 'Ukraine AND (', notify: [hook]}"])
        await eventually(lambda: "config reload rejected" in caplog.text)
        assert "watch 'broken'" in caplog.text and not daemon.done()

        # A valid edit: a new watch and a new feed whose article matches it.
        html = {"Content-Type": "text/html; charset=utf-8"}
        site.route("/news/baru", Route(body=page("seed.html"), headers=html))
        item = {"title": "Ukraina", "link": site.url + "/news/baru", "guid": "baru"}
        site.route("/rss2.xml", Route(body=rss([item])))
        write([urls["feed"], site.url + "/rss2.xml"], [NO_MATCH, ZELENSKYY])
        posts = await receiver.wait_for_async(1, "/hook", timeout=30)
    finally:
        stop.set()
        await daemon
    payload = json.loads(posts[0].body)
    assert payload["watch"] == "zelenskyy"
    assert payload["article"]["url"] == site.url + "/news/baru"
    assert len(site.requests("/rss.xml")) == 1  # the old feed kept its schedule


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus text exposition, keyed by name and labels."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def test_metrics_move_with_work_and_healthz_follows_redis(
    tmp_path: Path, make_http_server: Callable[[], Server]
) -> None:
    redis_server = RedisServer(tmp_path / "redis")
    redis_server.start()
    site, receiver = make_http_server(), make_http_server()
    urls = serve_site(site)
    receiver.route("/hook", Route(body=b"ok"))
    listen = f"127.0.0.1:{free_port()}"
    path = tmp_path / "newswatch.yaml"
    path.write_text(config_text(redis_server.url, tmp_path / "d", receiver.url + "/hook",
                                [urls["feed"]], [ZELENSKYY], listen))  # fmt: skip
    before = samples(generate_latest(metrics.REGISTRY).decode())  # the daemon runs in-process
    stop = asyncio.Event()
    daemon = asyncio.create_task(run_forever(load_config(path), stop=stop))
    async with httpx.AsyncClient(base_url=f"http://{listen}", timeout=5) as http:
        try:
            await receiver.wait_for_async(1, "/hook", timeout=30)
            await wait_status(http, 200)
            await asyncio.sleep(0.3)
            after = samples((await http.get("/metrics")).text)
            redis_server.stop()
            await wait_status(http, 503)
            redis_server.start()
            await wait_status(http, 200)
        finally:
            stop.set()
            await daemon
            redis_server.stop()

    def grew(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert grew("newswatch_feed_polls_total", outcome="ok") == 1
    assert grew("newswatch_entries_total") == 3
    assert grew("newswatch_poll_seconds_count") == 1
    assert grew("newswatch_alerts_total", watch="zelenskyy") == 1
    assert grew("newswatch_deliveries_total", notifier="hook", outcome="delivered") == 1
    assert grew("newswatch_articles_total", source="page") == 3
    assert grew("newswatch_extract_seconds_count") == 3
    assert after[("newswatch_stream_length", (("stream", "alerts"),))] == 1
    assert after[("newswatch_stream_lag", (("stream", "entries"),))] == 0


async def wait_status(http: httpx.AsyncClient, code: int, within_s: float = 20.0) -> None:
    """Poll /healthz until it answers ``code``."""
    for _ in range(int(within_s * 10)):
        if await _answers(http, code):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"/healthz never answered {code}")


async def _answers(http: httpx.AsyncClient, code: int) -> bool:
    try:
        return (await http.get("/healthz")).status_code == code
    except httpx.HTTPError:
        return False
