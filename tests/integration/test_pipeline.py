"""End to end with real components: feed server -> poller -> worker -> Redis -> webhook receiver."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newswatch.config import Settings, load_config
from newswatch.daemon.runner import run_once
from newswatch.fetch import host_of
from newswatch.notify.webhook import verify
from tests.support.http import Route, Server
from tests.support.site import (
    FOOTER_MARKERS,
    NAV_MARKERS,
    SIDEBAR_MARKERS,
    seed_paragraphs,
    serve_site,
)

SECRET = "test-secret-🔑"

CONFIG = """
redis: {{url: "{redis}"}}
data_dir: {data}
polling: {{timeout: 2s, interval: 5m, host_delay: 0s}}
feeds:
  - {{url: "{feed}", name: Pantau}}
{extra_feeds}
entities:
  zelenskyy: {{names: [Volodymyr Zelenskyy, Зеленський]}}
watches:
  - id: ukraine-peace-talks
    query: 'country:UA AND ~peace AND (~talks OR ~meeting)'
    notify: [hook]
  - id: zelenskyy
    query: 'entity:zelenskyy'
    notify: [hook]
  - id: sidebar-only
    query: 'Persib OR banjir OR IHSG OR "Pedoman Media Siber"'
    notify: [hook]
notifiers:
  hook: {{type: webhook, url: "{hook}", secret: "${{NW_TEST_HOOK_SECRET}}"}}
"""


def write_config(
    tmp_path: Path, redis_url: str, feed: str, hook: str, extra_feeds: list[str] = ()
) -> Path:
    path = tmp_path / "newswatch.yaml"
    extra = "\n".join(f'  - {{url: "{url}"}}' for url in extra_feeds)
    path.write_text(
        CONFIG.format(
            redis=redis_url, data=tmp_path / "data", feed=feed, hook=hook, extra_feeds=extra
        )
    )
    return path


@pytest.fixture
def site(make_http_server) -> tuple[Server, dict[str, str]]:  # type: ignore[no-untyped-def]
    server = make_http_server()
    return server, serve_site(server)


@pytest.fixture
def receiver(make_http_server) -> Server:  # type: ignore[no-untyped-def]
    server = make_http_server()
    server.route("/hook", Route(status=200, body=b"ok"))
    return server


@pytest.fixture
def seed_settings(
    tmp_path: Path, redis_url_clean: str, site: tuple[Server, dict[str, str]], receiver: Server
) -> Settings:
    """The config of these tests: the seed site's feed, its watches, the receiver's hook."""
    _server, urls = site
    return load_config(
        write_config(tmp_path, redis_url_clean, urls["feed"], receiver.url + "/hook")
    )


@pytest.fixture(autouse=True)
def hook_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NW_TEST_HOOK_SECRET", SECRET)


async def test_seed_story_alerts_exactly_the_expected_watches(
    seed_settings: Settings, site: tuple[Server, dict[str, str]], receiver: Server
) -> None:
    _server, urls = site

    stats = await run_once(seed_settings)

    posts = receiver.requests("/hook")
    assert sorted(json.loads(p.body)["watch"] for p in posts) == [
        "ukraine-peace-talks",
        "zelenskyy",
    ]
    assert stats.alerts == 2 and stats.delivered == 2 and stats.articles == 3
    for post in posts:
        payload = json.loads(post.body)
        assert set(payload) == {
            "version", "id", "watch", "detected_at", "article", "hits", "concepts", "entities",
            "update_of", "story",
        }  # fmt: skip
        assert payload["update_of"] is None
        assert payload["story"]["outlets"] == [{
            "site": host_of(urls["seed"]), "url": urls["seed"],
            "title": payload["article"]["title"], "published": payload["article"]["published"],
        }]  # fmt: skip
        concepts = {c["concept"] for c in payload["concepts"]}
        assert concepts == (
            {"peace", "meeting", "talks"} if payload["watch"] != "zelenskyy" else set()
        )
        assert payload["version"] == 1
        assert post.headers["idempotency-key"] == payload["id"]
        assert post.headers["content-type"] == "application/json"
        assert verify(SECRET, post.headers["x-newswatch-signature"], post.body)
        article = payload["article"]
        assert article["url"] == urls["seed"]
        assert article["feed"] == "Pantau"
        assert article["language"] == "id"
        assert payload["hits"] and all(
            article["text" if h["field"] == "body" else "title"][h["start"] : h["end"]] == h["term"]
            for h in payload["hits"]
        )
    zelenskyy = next(
        json.loads(p.body) for p in posts if json.loads(p.body)["watch"] == "zelenskyy"
    )
    assert zelenskyy["entities"] == ["zelenskyy"]
    assert "Zelenskyy" in zelenskyy["article"]["snippet"]


async def test_extracted_text_is_the_article_without_the_page_chrome(
    seed_settings: Settings, receiver: Server
) -> None:
    await run_once(seed_settings)
    text = json.loads(receiver.requests("/hook")[0].body)["article"]["text"]
    body_paragraphs = [p for p in seed_paragraphs() if len(p) > 80]
    assert body_paragraphs and all(p in text for p in body_paragraphs)
    lowered = text.lower()
    for marker in NAV_MARKERS + SIDEBAR_MARKERS + FOOTER_MARKERS:
        assert marker.lower() not in lowered, marker


async def test_second_run_sends_nothing_and_uses_a_conditional_get(
    seed_settings: Settings, site: tuple[Server, dict[str, str]], receiver: Server
) -> None:
    server, _urls = site
    await run_once(seed_settings)
    assert len(receiver.requests("/hook")) == 2
    server.clear()

    stats = await run_once(seed_settings)

    assert len(receiver.requests("/hook")) == 2
    feed_requests = server.requests("/rss.xml")
    assert len(feed_requests) == 1
    request = feed_requests[0]
    assert "if-none-match" in request.headers or "if-modified-since" in request.headers
    assert request.status == 304
    assert stats.feeds_not_modified == 1 and stats.entries == 0 and stats.alerts == 0
    assert server.requests("/news/ukraina-pertemuan") == []


async def test_broken_feeds_are_reported_and_the_good_feed_is_processed(
    tmp_path: Path,
    redis_url_clean: str,
    site: tuple[Server, dict[str, str]],
    receiver: Server,
    make_http_server,  # type: ignore[no-untyped-def]
) -> None:
    _server, urls = site
    bad = make_http_server()
    bad.route("/500.xml", Route(status=500, body=b"boom"))
    bad.route("/slow.xml", Route(body=b"<rss/>", delay_s=5.0))
    bad.route("/html.xml", Route(body=b"<html><body><p>Hello</p></body></html>",
                                 headers={"Content-Type": "text/html"}))  # fmt: skip
    extra = [bad.url + p for p in ("/500.xml", "/slow.xml", "/html.xml")]
    path = write_config(tmp_path, redis_url_clean, urls["feed"], receiver.url + "/hook", extra)

    stats = await run_once(load_config(path))

    assert len(receiver.requests("/hook")) == 2
    errors = dict(stats.feed_errors)
    assert stats.feeds_failed == 3 and stats.feeds_polled == 1
    assert errors[bad.url + "/500.xml"] == "HTTP 500"
    assert "2s" in errors[bad.url + "/slow.xml"]
    assert errors[bad.url + "/html.xml"].startswith("not a feed")
