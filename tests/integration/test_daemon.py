"""The long-running daemon as a real process: it polls, alerts, and stops cleanly on a signal."""

from __future__ import annotations

import json
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from newswatch.constants import ENTRIES_STREAM
from tests.support.daemon import start_daemon, stop
from tests.support.http import Route, Server
from tests.support.site import page, rss, serve_site

CONFIG = """
redis: {{url: "{redis}"}}
data_dir: {data}
polling: {{timeout: 5s, interval: 1h, host_delay: 0s}}
feeds:
  - {{url: "{feed}", name: Pantau}}
entities:
  zelenskyy: {{names: [Volodymyr Zelenskyy]}}
watches:
  - {{id: zelenskyy, query: 'entity:zelenskyy', notify: [hook]}}
notifiers:
  hook: {{type: webhook, url: "{hook}"}}
"""


@dataclass
class Setup:
    """A seed site, a webhook receiver, and the config text pointing at both."""

    site: Server
    receiver: Server
    feed: str
    config: Path
    text: str
    redis_url: str


def wait_for_entries_done(redis_url: str, count: int, timeout: float = 60.0) -> None:
    """Block until ``count`` entries were published and every one was handled (acknowledged)."""
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    deadline = time.monotonic() + timeout
    try:
        while not _entries_done(client, count):
            if time.monotonic() > deadline:
                raise AssertionError(f"{count} entries were not all handled in {timeout:g}s")
            time.sleep(0.05)
    finally:
        client.close()


def _entries_done(client: redis.Redis, count: int) -> bool:
    if client.xlen(ENTRIES_STREAM) < count:
        return False
    [group] = client.xinfo_groups(ENTRIES_STREAM)
    last = client.xrevrange(ENTRIES_STREAM, count=1)[0][0]
    return bool(group["last-delivered-id"] == last and group["pending"] == 0)


@pytest.fixture
def setup(tmp_path: Path, redis_url_clean: str, make_http_server) -> Setup:  # type: ignore[no-untyped-def]
    site: Server = make_http_server()
    feed = serve_site(site)["feed"]
    receiver: Server = make_http_server()
    receiver.route("/hook", Route(body=b"ok"))
    text = CONFIG.format(redis=redis_url_clean, data=tmp_path / "d", feed=feed,
                         hook=receiver.url + "/hook")  # fmt: skip
    return Setup(site, receiver, feed, tmp_path / "c.yaml", text, redis_url_clean)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_daemon_alerts_then_stops_cleanly_on_signal(setup: Setup, sig: signal.Signals) -> None:
    setup.config.write_text(setup.text)
    daemon = start_daemon(setup.config)
    try:
        posts = setup.receiver.wait_for(1, "/hook", timeout=60)
        assert json.loads(posts[0].body)["watch"] == "zelenskyy"
    finally:
        output = stop(daemon, sig)
    assert daemon.returncode == 0, output.decode()
    assert b"stopping" in output
    assert len(setup.receiver.requests("/hook")) == 1


def test_ctrl_c_stops_a_daemon_on_the_embedded_redis_cleanly(setup: Setup) -> None:
    """A terminal's Ctrl-C signals the whole foreground process group: the embedded Redis must
    outlive the daemon's shutdown (it is stopped last), not die with the keypress."""
    setup.config.write_text(setup.text.replace(f'redis: {{url: "{_url(setup.text)}"}}\n', ""))
    daemon = start_daemon(setup.config, own_group=True)
    try:
        setup.receiver.wait_for(1, "/hook", timeout=60)
    finally:
        output = stop(daemon, signal.SIGINT, group=True)  # Ctrl-C at the daemon's terminal
    assert daemon.returncode == 0, output.decode()
    assert b"stopping" in output
    assert b"redis unavailable" not in output, output.decode()


def _url(text: str) -> str:
    return text.split('redis: {url: "', 1)[1].split('"', 1)[0]


def test_sighup_reloads_the_config(setup: Setup) -> None:
    site, receiver, config = setup.site, setup.receiver, setup.config
    before = setup.text.replace("entity:zelenskyy", "Persib AND derbi")  # matches nothing
    config.write_text(before)
    stat = config.stat()
    daemon = start_daemon(config)
    try:
        site.wait_for(1, "/news/ukraina-pertemuan", timeout=60)
        wait_for_entries_done(setup.redis_url, 3)  # articles are handled side by side
        # The same file, rewritten in place with the same size and mtime: only SIGHUP can tell.
        item = {"title": "Ukraina", "link": site.url + "/news/baru", "guid": "baru"}
        html = {"Content-Type": "text/html"}
        site.route("/news/baru", Route(body=page("seed.html"), headers=html))
        site.route("/rss2.xml", Route(body=rss([item])))
        after = setup.text.replace(f'  - {{url: "{setup.feed}", name: Pantau}}',
                                   f'  - {{url: "{site.url}/rss2.xml"}}')  # fmt: skip
        assert len(after) <= len(before)
        config.write_text(after + "#" * (len(before) - len(after)))
        os.utime(config, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        time.sleep(3)  # two file-watch rounds: nothing may have been reloaded yet
        assert receiver.requests("/hook") == [] and site.requests("/rss2.xml") == []
        daemon.send_signal(signal.SIGHUP)
        posts = receiver.wait_for(1, "/hook", timeout=30)
    finally:
        output = stop(daemon)
    assert daemon.returncode == 0, output.decode()
    assert json.loads(posts[0].body)["article"]["url"] == site.url + "/news/baru"
    assert b"config reloaded" in output
