"""Stories in the running daemon (a real process): two outlets' copies of one story alert a
watch once, the alert's payload carries the outlets known when it is (re)sent, and a watch
that matches only the later copy alerts once on it."""

from __future__ import annotations

import json
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from newswatch.alerts import alert_id
from newswatch.stories import story_id
from tests.integration.test_stories_worker import ADDED, story
from tests.support.copies import TEMPLATES, Copy, add_paragraph, page, rewrite_headline
from tests.support.daemon import start_daemon, stop
from tests.support.http import Request, Route, Server
from tests.support.site import rss

CONFIG = """
redis: {{url: "{redis}"}}
data_dir: {data}
polling: {{timeout: 10s, interval: 1h, host_delay: 0s}}
feeds:
{feeds}
watches:
  - {{id: derby, query: 'Persebaya AND Arema', notify: [hook]}}
  - {{id: agent, query: 'Ronaldinho', notify: [hook]}}
notifiers:
  hook:
    type: webhook
    url: "{hook}"
    retry: {{base_delay: 1s, max_delay: 1s, max_attempts: 1000, max_age: 1h}}
"""
HTML = {"Content-Type": "text/html; charset=utf-8"}


def outlet(server: Server, copy: Copy, path: str) -> tuple[str, str]:
    """An outlet publishing ``copy`` at ``path`` with a feed linking it: (feed URL, page URL)."""
    server.route(path, Route(body=page(copy), headers=HTML))
    item = {"title": copy.title, "link": server.url + path, "guid": path}
    server.route("/feed.xml", Route(body=rss([item])))
    return server.url + "/feed.xml", server.url + path


def config_text(redis_url: str, data: Path, feeds: list[str], hook: str) -> str:
    listed = "\n".join(f'  - {{url: "{url}"}}' for url in feeds)
    return CONFIG.format(redis=redis_url, data=data, feeds=listed, hook=hook)


def wait(check: Callable[[], bool], what: str, within_s: float = 60.0) -> None:
    deadline = time.monotonic() + within_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached in {within_s:g}s: {what}")
        time.sleep(0.1)


def posts(receiver: Server, watch: str, status: int | None = None) -> list[dict[str, Any]]:
    """The payloads POSTed for ``watch`` (answered with ``status``), in order."""
    found: list[Request] = [r for r in receiver.requests("/hook") if r.method == "POST"]
    return [json.loads(r.body) for r in found if json.loads(r.body)["watch"] == watch
            and (status is None or r.status == status)]  # fmt: skip


def outlet_urls(payload: dict[str, Any]) -> list[str]:
    return [o["url"] for o in payload["story"]["outlets"]]


def test_two_outlets_one_alert_whose_retry_carries_both_and_a_watch_only_the_copy_matches(
    tmp_path: Path, redis_url_clean: str, make_http_server: Callable[[str], Server]
) -> None:
    wire, daily, receiver = (
        make_http_server("127.0.0.2"),
        make_http_server("127.0.0.3"),
        make_http_server("127.0.0.1"),
    )
    first = story()
    later = add_paragraph(rewrite_headline(first), ADDED)
    wire_feed, wire_page = outlet(wire, first, "/wire/derby")
    daily_feed, daily_page = outlet(daily, Copy(later.title, later.paragraphs, TEMPLATES[2]),
                                    "/sport/derby-report")  # fmt: skip
    receiver.route("/hook", Route(status=503, body=b"busy"))  # the receiver is down at first
    hook = receiver.url + "/hook"
    config = tmp_path / "c.yaml"
    config.write_text(config_text(redis_url_clean, tmp_path / "d", [wire_feed], hook))
    daemon = start_daemon(config)
    try:
        wait(lambda: bool(posts(receiver, "derby")), "the derby alert's first attempt")
        config.write_text(config_text(redis_url_clean, tmp_path / "d", [wire_feed, daily_feed],
                                      hook))  # fmt: skip
        daemon.send_signal(signal.SIGHUP)
        wait(lambda: bool(posts(receiver, "agent")), "the agent alert (the later copy)")
        receiver.route("/hook", Route(body=b"ok"))  # the receiver is back
        wait(lambda: bool(posts(receiver, "derby", 200) and posts(receiver, "agent", 200)),
             "both alerts delivered")  # fmt: skip
        time.sleep(3)  # three retry rounds: nothing more may come
    finally:
        output = stop(daemon)
    assert daemon.returncode == 0, output.decode()
    story_of = story_id(wire_page)
    derby, agent = posts(receiver, "derby"), posts(receiver, "agent")
    # one alert per watch for the story, whatever copy and attempt
    assert {p["id"] for p in derby} == {alert_id("derby", story_of)}
    assert {p["id"] for p in agent} == {alert_id("agent", story_of)}
    assert {p["article"]["url"] for p in derby} == {wire_page}
    assert {p["article"]["url"] for p in agent} == {daily_page}
    # the first attempts knew one outlet; the delivery after the later copy knows both
    assert outlet_urls(derby[0]) == [wire_page]
    [delivered] = posts(receiver, "derby", 200)
    assert outlet_urls(delivered) == [wire_page, daily_page]
    assert [outlet_urls(p) for p in posts(receiver, "agent", 200)] == [[wire_page, daily_page]]
    assert delivered["story"]["outlets"][1]["site"] == "127.0.0.3"
