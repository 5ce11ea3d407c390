"""The archive in the running daemon: every processed article is archived, and an archive
database that is down never holds up an alert (its records wait in Redis)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from newswatch.archive import read
from newswatch.archive.database import open_archive
from newswatch.config import load_config
from newswatch.daemon.runner import run_forever, run_once
from tests.support.gate import Gate
from tests.support.http import Route, Server
from tests.support.site import serve_site
from tests.support.waiting import eventually

CONFIG = """
redis: {{url: "{redis}"}}
data_dir: {data}
polling: {{interval: 1h, min_interval: 1h, timeout: 5s, host_delay: 0s}}
archive: {{url: "{archive}"}}
feeds: [{{url: "{feed}", name: Pantau}}]
entities:
  zelenskyy: {{names: [Volodymyr Zelenskyy]}}
watches:
  - {{id: zelenskyy, query: 'entity:zelenskyy', notify: [hook]}}
  - {{id: peace, query: 'perdamaian AND Ukraina', notify: [hook]}}
notifiers:
  hook: {{type: webhook, url: "{hook}"}}
"""


def write_config(tmp_path: Path, redis: str, archive: str, site: Server, hook: Server) -> Path:
    hook.route("/hook", Route(body=b"ok"))
    path = tmp_path / "newswatch.yaml"
    feed = serve_site(site)["feed"]
    text = CONFIG.format(redis=redis, data=tmp_path / "data", archive=archive, feed=feed,
                         hook=hook.url + "/hook")  # fmt: skip
    path.write_text(text)
    return path


async def test_every_article_is_archived_with_the_alerts_raised(
    tmp_path: Path, redis_url_clean: str, archive_url: str,
    make_http_server: Callable[[], Server],
) -> None:  # fmt: skip
    hook = make_http_server()
    path = write_config(tmp_path, redis_url_clean, archive_url, make_http_server(), hook)

    stats = await run_once(load_config(path))

    archive = open_archive(archive_url)
    try:
        summary = read.summary(archive)
        alerts = read.latest_alerts(archive)
    finally:
        archive.close()
    assert stats.articles == 3 and summary.articles == 3
    assert sorted(a.watch for a in alerts) == ["peace", "zelenskyy"] and summary.alerts == 2
    delivered = {p.headers["idempotency-key"] for p in hook.requests("/hook")}
    assert {a.alert_id for a in alerts} == delivered
    zelenskyy = next(a for a in alerts if a.watch == "zelenskyy")
    assert zelenskyy.entities == ["zelenskyy"] and "Zelenskyy" in zelenskyy.snippet
    assert zelenskyy.article.feed == "Pantau" and zelenskyy.article.language == "id"
    assert zelenskyy.article.from_page and "Zelenskyy" in zelenskyy.article.text


async def test_alerts_flow_while_the_archive_is_down_and_it_catches_up(
    tmp_path: Path, redis_url_clean: str, archive_url: str,
    make_http_server: Callable[[], Server], caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    caplog.set_level(logging.INFO, logger="newswatch.observe.outage")
    gate = Gate(archive_url, tmp_path)
    gate.close()
    hook = make_http_server()
    path = write_config(tmp_path, redis_url_clean, gate.url, make_http_server(), hook)
    stop = asyncio.Event()
    daemon = asyncio.create_task(run_forever(load_config(path), stop=stop))
    try:
        await hook.wait_for_async(2, "/hook", timeout=60)
        await eventually(lambda: "archive database unreachable" in caplog.text)
        gate.open()
        archive = open_archive(gate.url)
        try:
            await eventually(lambda: read.summary(archive).alerts == 2, 60)
            await eventually(lambda: read.summary(archive).articles == 3, 60)
        finally:
            archive.close()
    finally:
        stop.set()
        await daemon
        gate.open()

    lines = [r.getMessage() for r in caplog.records if "archive database" in r.getMessage()]
    assert len(lines) == 2, lines
    assert lines[0].startswith("archive database unreachable")
    assert lines[1].startswith("archive database reachable again")
