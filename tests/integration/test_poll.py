"""The poller with real Redis and real HTTP servers: schedules, health, hostile feeds, moves."""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis.asyncio as aioredis

from newswatch.config.load import Feed, feed_id
from newswatch.constants import DUE_SET, ENTRIES_STREAM
from newswatch.daemon.poller import Poller
from newswatch.daemon.stats import Stats
from newswatch.feeds.state import FeedState, load_state
from newswatch.fetch import Fetcher, FetchLimits
from newswatch.schedule.outcome import PollPolicy
from newswatch.schedule.store import Schedule
from tests.support.http import Route, Server
from tests.support.paths import feed_corpus
from tests.support.site import rss

RSS_TYPE = {"Content-Type": "application/rss+xml"}


@dataclass
class Rig:
    """A poller over ``feeds`` with its Redis, stats and fetcher."""

    redis: aioredis.Redis
    poller: Poller
    stats: Stats

    async def state(self, url: str) -> FeedState:
        return await load_state(self.redis, feed_id(url))

    async def entries(self) -> list[dict[str, object]]:
        return [json.loads(f["data"]) for _id, f in await self.redis.xrange(ENTRIES_STREAM)]

    async def poll(self, url: str) -> FeedState:
        await self.poller.poll(feed_id(url))
        return await self.state(url)


@pytest.fixture
async def make_rig(redis_client: aioredis.Redis) -> AsyncIterator[object]:
    fetchers: list[Fetcher] = []

    async def make(
        urls: list[str],
        interval: float = 300.0,
        concurrency: int = 8,
        rng: random.Random | None = None,
        **limits: object,
    ) -> Rig:
        fetcher = Fetcher(FetchLimits(timeout_s=2.0, host_delay_s=0.0, **limits))  # type: ignore[arg-type]
        fetchers.append(fetcher)
        feeds = {
            feed_id(u): Feed(feed_id(u), u, f"feed {i}", interval, True) for i, u in enumerate(urls)
        }
        stats = Stats()
        policy = PollPolicy(min_interval_s=60.0, max_interval_s=6 * 3600.0)
        schedule = Schedule(redis_client, owner="test")
        poller = Poller(redis_client, fetcher, feeds, schedule, stats, concurrency, policy, rng)
        await poller.sync()
        return Rig(redis_client, poller, stats)

    yield make
    for fetcher in fetchers:
        await fetcher.aclose()


def items(n: int, base: str = "http://127.0.0.1/a", hours: float = 1.0) -> list[dict[str, str]]:
    now = time.time()
    return [
        {
            "title": f"Story {i}",
            "link": f"{base}/{i}",
            "guid": f"g{i}",
            "pubDate": time.strftime(
                "%a, %d %b %Y %H:%M:%S +0000", time.gmtime(now - i * hours * 3600)
            ),
        }
        for i in range(n)
    ]


async def test_an_unchanged_body_without_validators_is_not_parsed_again(
    http_server: Server, make_rig: object
) -> None:
    http_server.route("/f.xml", body=rss(items(3)), headers=RSS_TYPE)
    url = http_server.url + "/f.xml"
    rig = await make_rig([url])  # type: ignore[operator]
    first = await rig.poll(url)
    second = await rig.poll(url)
    assert rig.stats.entries == 3 and rig.stats.feeds_not_modified == 1
    assert first.body_hash and second.body_hash == first.body_hash
    assert second.status(second.last_success) == "ok"
    assert second.last_success >= first.last_success


async def test_a_changed_entry_is_published_again(http_server: Server, make_rig: object) -> None:
    url = http_server.url + "/f.xml"
    before = items(2)
    http_server.route("/f.xml", body=rss(before), headers=RSS_TYPE)
    rig = await make_rig([url])  # type: ignore[operator]
    await rig.poll(url)
    after = [{**before[0], "title": "Story 0, updated"}, before[1]]
    http_server.route("/f.xml", body=rss(after), headers=RSS_TYPE)
    await rig.poll(url)
    titles = [e["title"] for e in await rig.entries()]
    assert titles == ["Story 0", "Story 1", "Story 0, updated"]
    assert all("updated" in e for e in await rig.entries())


async def test_permanent_redirects_are_remembered(http_server: Server, make_rig: object) -> None:
    http_server.route("/old.xml", status=301, headers={"Location": "/new.xml"})
    http_server.route("/new.xml", body=rss(items(2)), headers={**RSS_TYPE, "ETag": '"n1"'})
    url = http_server.url + "/old.xml"
    rig = await make_rig([url])  # type: ignore[operator]
    state = await rig.poll(url)
    assert state.fetch_url == http_server.url + "/new.xml" and state.fetch_via == "redirect"
    http_server.clear()
    state = await rig.poll(url)
    assert http_server.requests("/old.xml") == []
    assert [r.status for r in http_server.requests("/new.xml")] == [304]
    assert rig.stats.feeds_not_modified == 1


async def test_a_remembered_url_that_keeps_failing_falls_back_to_the_configured_one(
    http_server: Server, make_rig: object
) -> None:
    http_server.route("/old.xml", status=301, headers={"Location": "/new.xml"})
    http_server.route("/new.xml", body=rss(items(1)), headers=RSS_TYPE)
    url = http_server.url + "/old.xml"
    rig = await make_rig([url])  # type: ignore[operator]
    await rig.poll(url)
    http_server.route("/new.xml", status=404)
    for _ in range(3):
        state = await rig.poll(url)
    assert state.failures == 3 and state.fetch_url == ""
    http_server.route("/old.xml", body=rss(items(1)), headers=RSS_TYPE)
    assert (await rig.poll(url)).failures == 0


async def test_an_html_page_is_followed_to_the_feed_it_announces(
    http_server: Server, make_rig: object
) -> None:
    page = b"""<!DOCTYPE html><html><head><title>Pantau</title>
    <link rel="alternate" type="application/rss+xml" title="RSS" href="/rss.xml"></head>
    <body>news site</body></html>"""
    http_server.route("/", body=page, headers={"Content-Type": "text/html; charset=utf-8"})
    http_server.route("/rss.xml", body=rss(items(2)), headers=RSS_TYPE)
    url = http_server.url + "/"
    rig = await make_rig([url])  # type: ignore[operator]
    state = await rig.poll(url)
    assert state.fetch_url == http_server.url + "/rss.xml" and state.fetch_via == "discovery"
    assert rig.stats.entries == 2 and state.failures == 0
    http_server.clear()
    await rig.poll(url)
    assert http_server.requests("/") == [] and len(http_server.requests("/rss.xml")) == 1


async def test_an_html_page_without_a_feed_is_one_clear_error(
    http_server: Server, make_rig: object
) -> None:
    http_server.route(
        "/p", body=b"<html><body>hi</body></html>", headers={"Content-Type": "text/html"}
    )
    url = http_server.url + "/p"
    rig = await make_rig([url])  # type: ignore[operator]
    state = await rig.poll(url)
    assert state.failures == 1 and state.last_error.startswith("not a feed")
    assert rig.stats.feed_errors == {url: state.last_error}


async def test_errors_back_off_exponentially_and_recover(
    http_server: Server, make_rig: object
) -> None:
    http_server.route("/f.xml", status=500)
    url = http_server.url + "/f.xml"
    rig = await make_rig([url], interval=120.0)  # type: ignore[operator]
    delays = []
    for expected_failures in (1, 2, 3):
        state = await rig.poll(url)
        assert state.failures == expected_failures and state.last_error == "HTTP 500"
        assert state.status(state.last_attempt) == "failing"
        delays.append(state.next_poll - state.last_attempt)
    assert 108 <= delays[0] <= 132 and 216 <= delays[1] <= 264 and 432 <= delays[2] <= 528
    http_server.route("/f.xml", body=rss(items(1)), headers=RSS_TYPE)
    state = await rig.poll(url)
    assert state.failures == 0 and state.last_error == ""
    assert state.status(state.last_success) == "ok"


async def test_retry_after_on_503_is_honoured(http_server: Server, make_rig: object) -> None:
    http_server.route("/f.xml", status=503, headers={"Retry-After": "7200"})
    url = http_server.url + "/f.xml"
    rig = await make_rig([url], interval=60.0)  # type: ignore[operator]
    state = await rig.poll(url)
    assert state.next_poll - state.last_attempt >= 7200 * 0.9


async def test_cache_hints_lengthen_the_interval_but_never_shorten_it(
    http_server: Server, make_rig: object
) -> None:
    http_server.route(
        "/long.xml", body=rss(items(1)), headers={**RSS_TYPE, "Cache-Control": "max-age=3600"}
    )
    http_server.route(
        "/short.xml", body=rss(items(1)), headers={**RSS_TYPE, "Cache-Control": "max-age=5"}
    )
    long_url, short_url = http_server.url + "/long.xml", http_server.url + "/short.xml"
    rig = await make_rig([long_url, short_url], interval=300.0)  # type: ignore[operator]
    long_state, short_state = await rig.poll(long_url), await rig.poll(short_url)
    assert long_state.next_poll - long_state.last_success >= 3600 * 0.9
    assert 270 <= short_state.next_poll - short_state.last_success <= 330


async def test_the_first_poll_learns_the_rhythm_from_entry_dates(
    http_server: Server, make_rig: object
) -> None:
    http_server.route("/f.xml", body=rss(items(10, hours=2.0)), headers=RSS_TYPE)
    url = http_server.url + "/f.xml"
    rig = await make_rig([url])  # type: ignore[operator]
    state = await rig.poll(url)
    assert 1.9 * 3600 <= state.avg_gap <= 2.1 * 3600
    assert state.last_attempt - 60 < state.last_new <= state.last_attempt  # the newest entry
    assert state.interval == 600.0  # toward one hour (half the gap), at most doubling per poll


async def test_json_feed_over_http(http_server: Server, make_rig: object) -> None:
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "J",
            "items": [{"id": "1", "url": "/a", "title": "Hello", "content_text": "World"}],
        }
    ).encode()
    http_server.route("/feed.json", body=body, headers={"Content-Type": "application/feed+json"})
    url = http_server.url + "/feed.json"
    rig = await make_rig([url])  # type: ignore[operator]
    await rig.poll(url)
    (entry,) = await rig.entries()
    assert entry["title"] == "Hello" and entry["link"] == http_server.url + "/a"


async def test_hostile_feeds_fail_alone(http_server: Server, make_rig: object) -> None:
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY big "' + "A" * 50_000 + '">\n]>\n'
        "<rss version='2.0'><channel><title>t</title><item><title>x</title><description>"
        + "&big;" * 100_000
        + "</description></item></channel></rss>"
    ).encode()
    http_server.route("/bomb.xml", body=bomb, headers=RSS_TYPE)
    http_server.route("/junk.xml", body=b"\x00\x01\x02 not xml at all", headers=RSS_TYPE)
    http_server.route("/good.xml", body=rss(items(2)), headers=RSS_TYPE)
    urls = [http_server.url + p for p in ("/bomb.xml", "/junk.xml", "/good.xml")]
    rig = await make_rig(urls)  # type: ignore[operator]
    await rig.poller.poll_all()
    bomb_state, junk_state, good_state = [await rig.state(u) for u in urls]
    assert "entity bomb" in bomb_state.last_error and bomb_state.failures == 1
    assert junk_state.last_error.startswith("not a feed") and junk_state.failures == 1
    assert good_state.failures == 0 and rig.stats.entries == 2
    assert rig.stats.feeds_failed == 2 and rig.stats.feeds_polled == 1


async def test_due_feeds_are_all_polled_with_slots_refilled(
    http_server: Server, make_rig: object, redis_client: aioredis.Redis
) -> None:
    urls = []
    for i in range(30):
        http_server.route(f"/f{i}.xml", body=rss(items(1, base=f"http://h/{i}")), headers=RSS_TYPE)
        urls.append(http_server.url + f"/f{i}.xml")
    rig = await make_rig(urls, concurrency=4, rng=random.Random(30))  # type: ignore[operator]
    await rig.poller.run_due()
    assert rig.stats.feeds_polled == 30 and rig.stats.entries == 30
    states = [await rig.state(url) for url in urls]
    scores = dict(await redis_client.zrange(DUE_SET, 0, -1, withscores=True))
    assert sorted(scores.values()) == sorted(int(s.next_poll * 1000) for s in states)
    # Each feed is due 5 min after its poll, give or take its own draw of the ±10 % jitter
    # (whatever order the polls drew them in; equal due times would be no fault).
    jitters = sorted(s.next_poll - s.last_success - 300.0 for s in states)
    draws = random.Random(30)
    expected = sorted(draws.uniform(-30.0, 30.0) for _ in range(30))
    assert jitters == pytest.approx(expected, abs=1e-3)
    assert await redis_client.keys("nw:{nw}:feed:lease:*") == []


async def test_reused_guids_across_polls_lose_no_article(
    http_server: Server, make_rig: object
) -> None:
    history = sorted((feed_corpus() / "tempo-rss" / "history").glob("free-ekonomi.*.xml"))
    assert history
    url = http_server.url + "/free-ekonomi.xml"
    rig = await make_rig([url])  # type: ignore[operator]
    expected: set[str] = set()
    for path in history:
        http_server.route("/free-ekonomi.xml", Route(body=path.read_bytes(), headers=RSS_TYPE))
        await rig.poll(url)
        from newswatch.feeds.parse import parse_feed

        expected |= {i.link for i in parse_feed(path.read_bytes(), {}, url).items}
    links = [e["link"] for e in await rig.entries()]
    assert set(links) == expected and len(expected) > 9


async def test_feeds_command_shows_every_feeds_health(
    http_server: Server, redis_url_clean: str, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from newswatch.cli import main
    from newswatch.config import load_config
    from newswatch.daemon.runner import run_once

    http_server.route("/good.xml", body=rss(items(2)), headers=RSS_TYPE)
    http_server.route("/bad.xml", status=503)
    config = tmp_path / "nw.yaml"
    config.write_text(
        f"redis: {{url: '{redis_url_clean}'}}\n"
        "polling: {host_delay: 0s, timeout: 2s}\n"
        "feeds:\n"
        f"  - {{url: '{http_server.url}/good.xml', name: Good}}\n"
        f"  - {{url: '{http_server.url}/bad.xml', name: Bad}}\n"
        f"  - {{url: '{http_server.url}/never.xml', name: Never}}\n"
    )
    settings = load_config(config)
    settings = type(settings)(
        settings.path, settings.config, settings.feeds[:2], settings.watchlist
    )
    await run_once(settings, roles=("poller",))

    result = await asyncio.to_thread(CliRunner().invoke, main, ["feeds", "--config", str(config)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["STATUS", "FEED", "LAST"]
    assert lines[1].startswith("failing") and "Bad" in lines[1] and "HTTP 503" in lines[1]
    assert lines[2].startswith("new") and "Never" in lines[2] and "never" in lines[2]
    assert lines[3].startswith("ok") and "Good" in lines[3] and "ago" in lines[3]
    assert lines[-1] == "3 feeds: 1 failing, 1 new, 1 ok"

    result = await asyncio.to_thread(
        CliRunner().invoke, main, ["feeds", "--config", str(config), "--json"]
    )
    rows = {r["name"]: r for r in json.loads(result.output)}
    assert rows["Bad"]["status"] == "failing" and rows["Bad"]["failures"] == 1
    assert rows["Good"]["status"] == "ok" and rows["Good"]["interval_s"] > 0
    assert rows["Never"]["last_success"] is None


async def test_drain_returns_when_a_poll_just_finished(make_rig) -> None:  # type: ignore[no-untyped-def]
    # A poll done, its removal from the in-flight set still a pending callback of the loop:
    # gathering done tasks does not yield to it from Python 3.12 on, so drain spun for ever.
    rig = await make_rig([])
    done = asyncio.get_running_loop().create_future()
    done.add_done_callback(rig.poller._tasks.discard)
    rig.poller._tasks.add(done)
    done.set_result(None)  # the callback is scheduled, not run
    await asyncio.wait_for(rig.poller.drain(), 10)  # returns (it never did on 3.12+)
