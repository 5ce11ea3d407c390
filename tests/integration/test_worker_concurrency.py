"""The worker handles articles concurrently: a slow host holds up only its own articles.

Each site is a real HTTP server on its own loopback address (127.0.0.x: another host to the
fetcher's politeness). A slow host is one whose page is held until the test releases it, or
whose robots.txt asks for a long Crawl-delay; the assertions are on what happened before what
(acknowledgements, alerts, requests received), never on how long anything took.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import itertools
import json
import random
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis

from newswatch.config import Settings, load_config
from newswatch.constants import ALERTS_STREAM, ENTRIES_STREAM, STORY_PREFIX, WORKERS_GROUP
from newswatch.daemon.runner import run_forever, run_once
from newswatch.daemon.worker import story_key
from newswatch.story import entry_version
from tests.support.http import Route, Server

CONFIG = """
redis: {{url: "{redis}", visibility_timeout: {visibility}}}
data_dir: {data}
polling: {{timeout: 30s, host_delay: {delay}, per_host: {per_host},
           article_concurrency: {concurrency}, allow_private_networks: true}}
watches:
  - {{id: ferry, query: 'ferry', notify: [out]}}
notifiers:
  out: {{type: console}}
# Each host serves the same texts (page n is seeded by n): with stories on, an article on one
# host would be a copy of the same article on another and alert once; these tests count each.
stories: {{enabled: false}}
"""

_VOCABULARY = ["the", "harbour", "council", "voted", "on", "tuesday", "to", "extend", "ferry",
               "service", "while", "residents", "asked", "about", "fares", "and", "timetable",
               "for", "winter", "crossings", "along", "coast"]  # fmt: skip

Waiter = Callable[[Callable[[], Awaitable[bool]]], Awaitable[None]]


def page(title: str, seed: int, words: int = 200, extra: str = "") -> bytes:
    """An article page whose body trafilatura extracts (about ``words`` words, then ``extra``)."""
    rng = random.Random(seed)
    text = [rng.choice(_VOCABULARY) for _ in range(words)]
    paragraphs = "".join(f"<p>{' '.join(text[i : i + 40])}.</p>" for i in range(0, words, 40))
    paragraphs += f"<p>{extra}</p>" if extra else ""
    return (
        f"<html><head><title>{title}</title></head><body><nav>Home News Sport</nav>"
        f"<article><h1>{title}</h1>{paragraphs}</article><footer>Contact</footer></body></html>"
    ).encode()


def serve_articles(server: Server, count: int, **route: Any) -> list[str]:
    """``count`` article pages on ``server``; returns their URLs."""
    urls = []
    for n in range(count):
        path = f"/news/{n}"
        body = page(f"Ferry news {n} from {server.url}", seed=n)
        server.route(path, Route(body=body, headers={"Content-Type": "text/html"}, **route))
        urls.append(server.url + path)
    return urls


def serve_hosts(make: Callable[..., Server], hosts: tuple[str, ...], count: int) -> list[str]:
    """``count`` article pages on a server at each of ``hosts``; returns their URLs."""
    return [url for host in hosts for url in serve_articles(make(host), count)]


def entry(url: str, summary: str = "") -> dict[str, Any]:
    """An ``entries`` message as the poller writes it (another ``summary``: another version of
    the entry, as when a feed edits it or another feed links the same page)."""
    return {"feed_id": "feed", "feed": "feed", "feed_url": url, "guid": url, "link": url,
            "title": "", "summary": summary, "published": None, "updated": None,
            "author": None, "fetch_article": True}  # fmt: skip


@pytest.fixture
def settings_for(tmp_path: Path, redis_url_clean: str) -> Callable[..., Settings]:
    def make(delay: str = "0s", per_host: int = 2, visibility: str = "60s",
             concurrency: int = 500) -> Settings:  # fmt: skip
        path = tmp_path / "newswatch.yaml"
        path.write_text(CONFIG.format(redis=redis_url_clean, data=tmp_path / "data", delay=delay,
                                      per_host=per_host, visibility=visibility,
                                      concurrency=concurrency))  # fmt: skip
        return load_config(path)

    return make


@pytest.fixture
async def wait_until() -> Waiter:
    """Wait until ``check`` holds; fail after a generous bound (never a claim about speed)."""

    async def wait(check: Callable[[], Awaitable[bool]]) -> None:
        for _ in range(3000):
            if await check():
                return
            await asyncio.sleep(0.01)
        raise AssertionError("the condition was not reached")

    return wait


@pytest.fixture
def collector_restored() -> Iterator[None]:
    """``run_forever`` tunes the garbage collector for a daemon; undone for the next tests."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """An event that releases held pages; set at teardown so no server thread is left waiting."""
    event = threading.Event()
    yield event
    event.set()


async def publish(redis: aioredis.Redis, entries: list[dict[str, Any]]) -> dict[str, str]:
    """Put entries on the stream (group created first, as a worker would); message id -> link."""
    await redis.xgroup_create(ENTRIES_STREAM, WORKERS_GROUP, id="0", mkstream=True)
    ids = {}
    for item in entries:
        data = json.dumps(item, separators=(",", ":"))
        ids[await redis.xadd(ENTRIES_STREAM, {"data": data})] = item["link"]
    return ids


async def pending(redis: aioredis.Redis) -> set[str]:
    """Ids of the entries not acknowledged yet."""
    rows = await redis.xpending_range(ENTRIES_STREAM, WORKERS_GROUP, "-", "+", 10_000)
    return {row["message_id"] for row in rows}


async def alerted(redis: aioredis.Redis) -> list[dict[str, Any]]:
    """The alerts on the stream, oldest first."""
    return [json.loads(f["data"]) for _, f in await redis.xrange(ALERTS_STREAM)]


async def alerted_urls(redis: aioredis.Redis) -> set[str]:
    return {alert["payload"]["article"]["url"] for alert in await alerted(redis)}


@asynccontextmanager
async def running(work: Awaitable[object]) -> Any:
    """Run ``work`` in a task while the block runs; cancel it if the block fails."""
    task = asyncio.ensure_future(work)
    try:
        yield task
    finally:
        if not task.done():
            task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def test_a_held_page_holds_up_only_its_own_host(
    make_http_server: Callable[..., Server],
    redis_client: aioredis.Redis,
    settings_for: Callable[..., Settings],
    wait_until: Waiter,
    release: threading.Event,
) -> None:
    slow = make_http_server("127.0.0.2")
    [held] = serve_articles(slow, 1, release=release)
    fast = serve_hosts(make_http_server, ("127.0.0.3", "127.0.0.4"), 3)
    ids = await publish(redis_client, [entry(url) for url in [held, *fast]])
    held_id = next(i for i, url in ids.items() if url == held)

    async def fast_ones_done() -> bool:
        return await pending(redis_client) == {held_id}

    async with running(run_once(settings_for(), roles=["worker"])) as worker:
        await wait_until(fast_ones_done)
        # Every other host's article is alerted and acknowledged while the held page is still
        # being waited for: the one request for it has arrived and has no answer.
        assert await alerted_urls(redis_client) == set(fast)
        assert slow.answering == 1
        assert len(slow.requests("/news/0")) == 1
        release.set()
        await worker
    assert await alerted_urls(redis_client) == {held, *fast}
    assert await pending(redis_client) == set()


@pytest.mark.usefixtures("collector_restored")
async def test_a_crawl_delayed_host_holds_up_only_its_own_articles_and_a_stop_hands_it_back(
    make_http_server: Callable[..., Server],
    redis_client: aioredis.Redis,
    settings_for: Callable[..., Settings],
    wait_until: Waiter,
) -> None:
    slow = make_http_server("127.0.0.2")
    slow.route("/robots.txt", body=b"User-agent: *\nCrawl-delay: 60\n")
    first, second = serve_articles(slow, 2)
    fast = serve_hosts(make_http_server, ("127.0.0.3", "127.0.0.4"), 3)
    ids = await publish(redis_client, [entry(url) for url in [first, second, *fast]])
    slow_ids = {i for i, url in ids.items() if url in (first, second)}

    async def all_but_one_delayed_article_done() -> bool:
        left = await pending(redis_client)
        return len(left) == 1 and left < slow_ids

    stop = asyncio.Event()
    settings = settings_for()
    async with running(run_forever(settings, roles=["worker"], stop=stop)) as worker:
        await wait_until(all_but_one_delayed_article_done)
        [waiting] = await pending(redis_client)
        done = first if ids[waiting] == second else second
        assert await alerted_urls(redis_client) == {done, *fast}
        stop.set()  # as SIGTERM does
        await worker
    # The article waiting for its turn at the crawl-delayed host was never requested and is
    # handed back: still pending, so a later run (or another worker) processes it.
    assert [r.path for r in slow.requests() if r.path.startswith("/news/")] == [
        done.removeprefix(slow.url)
    ]
    assert await pending(redis_client) == {waiting}
    slow.route("/robots.txt", body=b"User-agent: *\n")
    await run_once(settings, roles=["worker"])
    assert await pending(redis_client) == set()
    assert await alerted_urls(redis_client) == {first, second, *fast}


@pytest.mark.usefixtures("collector_restored")
async def test_a_burst_from_one_host_larger_than_the_window_holds_up_no_other_host(
    make_http_server: Callable[..., Server],
    redis_client: aioredis.Redis,
    settings_for: Callable[..., Settings],
    wait_until: Waiter,
) -> None:
    """Ten articles of a crawl-delayed host come first on the stream, then the other hosts':
    with four in flight at most, the burst takes only its host's share of the window (two, at
    ``per_host: 1``), the rest of it is held back, and the other hosts' articles go through."""
    slow = make_http_server("127.0.0.2")
    slow.route("/robots.txt", body=b"User-agent: *\nCrawl-delay: 60\n")
    burst = serve_articles(slow, 10)
    fast = serve_hosts(make_http_server, ("127.0.0.3", "127.0.0.4"), 3)
    ids = await publish(redis_client, [entry(url) for url in [*burst, *fast]])
    burst_ids = {i for i, url in ids.items() if url in burst}

    async def only_the_burst_left() -> bool:
        left = await pending(redis_client)
        return len(left) == len(burst) - 1 and left < burst_ids

    stop = asyncio.Event()
    settings = settings_for(per_host=1, concurrency=4)
    async with running(run_forever(settings, roles=["worker"], stop=stop)) as worker:
        await wait_until(only_the_burst_left)
        assert await alerted_urls(redis_client) >= set(fast)
        stop.set()
        await worker
    # One article of the burst was fetched; the others were never requested and are handed
    # back, still pending, with nothing lost.
    assert len([r for r in slow.requests() if r.path.startswith("/news/")]) == 1
    assert len(await pending(redis_client)) == len(burst) - 1


async def test_per_host_politeness_is_kept(
    make_http_server: Callable[..., Server],
    redis_client: aioredis.Redis,
    settings_for: Callable[..., Settings],
    wait_until: Waiter,
    release: threading.Event,
) -> None:
    """At most ``per_host`` requests at once to a host and ``host_delay`` between their starts
    (server-side arrival times), while the hosts' articles are fetched side by side."""
    busy = make_http_server("127.0.0.2")
    held = serve_articles(busy, 5, release=release)
    spaced = [make_http_server(host) for host in ("127.0.0.3", "127.0.0.4")]
    spaced_urls = [serve_articles(server, 4) for server in spaced]
    await publish(redis_client, [entry(url) for url in [*held, *spaced_urls[0], *spaced_urls[1]]])

    async def spaced_ones_done() -> bool:
        return await alerted_urls(redis_client) == {*spaced_urls[0], *spaced_urls[1]}

    async with running(run_once(settings_for(delay="0.3s"), roles=["worker"])) as worker:
        await wait_until(spaced_ones_done)
        assert busy.answering == 2  # two held, the three others wait for a turn
        assert len(busy.requests()) == 1 + 2  # robots.txt, then two pages
        release.set()
        await worker
    assert busy.most_answering == 2
    assert await alerted_urls(redis_client) == {*held, *spaced_urls[0], *spaced_urls[1]}
    for server in [busy, *spaced]:
        starts = [r.at for r in server.requests()]
        assert all(b - a >= 0.2 for a, b in itertools.pairwise(starts)), starts
    # Both spaced hosts were fetched side by side, not one after the other.
    first_of = [server.requests()[0].at for server in spaced]
    last_of = [server.requests()[-1].at for server in spaced]
    assert max(first_of) < min(last_of)


async def test_acknowledged_only_after_its_alerts_are_on_the_stream(
    make_http_server: Callable[..., Server],
    redis_client: aioredis.Redis,
    settings_for: Callable[..., Settings],
) -> None:
    urls = serve_hosts(make_http_server, ("127.0.0.2", "127.0.0.3"), 4)
    ids = await publish(redis_client, [entry(url) for url in urls])
    commands: list[str] = []

    async def record() -> None:
        async with redis_client.monitor() as monitor:
            async for info in monitor.listen():
                commands.append(info["command"])

    async with running(record()):
        await asyncio.sleep(0.2)  # MONITOR is on before the worker starts
        await run_once(settings_for(), roles=["worker"])
        await redis_client.ping()  # the last commands reach the monitor
        await asyncio.sleep(0.2)
    for message_id, url in ids.items():
        alert_at = next(i for i, c in enumerate(commands)
                        if c.startswith("XADD") and ALERTS_STREAM in c and url in c)  # fmt: skip
        ack_at = next(i for i, c in enumerate(commands)
                      if c.startswith("XACK") and message_id in c)  # fmt: skip
        assert alert_at < ack_at
    assert await pending(redis_client) == set()


async def test_copies_of_one_story_in_flight_together_alert_once_and_are_both_remembered(
    http_server: Server, redis_client: aioredis.Redis, settings_for: Callable[..., Settings]
) -> None:
    [url] = serve_articles(http_server, 1)
    copies = [entry(url, summary="from one feed"), entry(url, summary="from another")]
    await publish(redis_client, copies)
    await run_once(settings_for(), roles=["worker"])
    assert [a["payload"]["article"]["url"] for a in await alerted(redis_client)] == [url]
    # The second copy saw what the first one stored: both versions are remembered, so neither
    # is fetched again when a feed publishes it once more.
    record = await redis_client.hgetall(story_record(url))
    assert sorted(record["entries"].split()) == sorted(entry_version(c) for c in copies)
    assert await pending(redis_client) == set()


async def test_copies_of_an_updated_story_in_flight_together_send_one_update(
    http_server: Server, redis_client: aioredis.Redis, settings_for: Callable[..., Settings]
) -> None:
    """The story was alerted; then the page gains a paragraph (a material change) and, just
    after, a word of it is corrected (not material against the new text, material against the
    first). Two copies in flight at once must send one update, as one after the other would."""
    url = http_server.url + "/news/0"
    added = " ".join(f"pier{n} bridge{n}" for n in range(20))
    versions = [page("Ferry plan", 1), page("Ferry plan", 1, extra=added),
                page("Ferry plan", 1, extra=added.replace("pier3 ", "jetty3 "))]  # fmt: skip
    http_server.route("/news/0", body=versions[0], headers={"Content-Type": "text/html"})
    await publish(redis_client, [entry(url)])
    await run_once(settings_for(), roles=["worker"])
    http_server.route("/news/0", responses=[(200, v, {}) for v in versions[1:]],
                      headers={"Content-Type": "text/html"})  # fmt: skip
    for summary in ("edited", "edited again"):
        await redis_client.xadd(ENTRIES_STREAM, {"data": json.dumps(entry(url, summary))})
    await run_once(settings_for(), roles=["worker"])
    alerts = [a["payload"] for a in await alerted(redis_client)]
    assert [a["update_of"] for a in alerts] == [None, alerts[0]["id"]]
    assert await pending(redis_client) == set()


def story_record(url: str) -> str:
    """The Redis key of a story's record (what the worker remembers of it)."""
    return STORY_PREFIX + hashlib.sha1(story_key({"link": url}).encode()).hexdigest()


async def test_an_article_in_flight_past_the_visibility_timeout_is_not_claimed_by_another(
    http_server: Server,
    redis_client: aioredis.Redis,
    settings_for: Callable[..., Settings],
    release: threading.Event,
) -> None:
    """While its page is held for three visibility timeouts, the worker keeps the entry fresh,
    and the entries of that host waiting behind it too (one for the host's one request slot,
    two held back beyond the host's share of the window): another worker claiming stale
    entries finds nothing to take over."""
    urls = serve_articles(http_server, 4, release=release)
    await publish(redis_client, [entry(url) for url in urls])
    settings = settings_for(visibility="3s", per_host=1)
    async with running(run_once(settings, roles=["worker"])) as worker:
        await http_server.wait_for_async(1, "/news/0")
        await asyncio.sleep(9.0)  # the scenario: three visibility timeouts in flight
        other = await redis_client.xautoclaim(ENTRIES_STREAM, WORKERS_GROUP, "other", 3000)
        assert other[1] == []
        assert len(await pending(redis_client)) == 4
        release.set()
        await worker
    assert await pending(redis_client) == set()
    assert all(len(http_server.requests(f"/news/{n}")) == 1 for n in range(4))


async def test_more_entries_in_flight_than_redis_connections_wait_for_one(
    redis_client: aioredis.Redis, settings_for: Callable[..., Settings]
) -> None:
    """300 entries matched on their feed summary start at once, each with its Redis calls:
    more than a connection pool holds, so calls wait for a free connection (none fails)."""
    items = [{**entry(f"http://127.0.0.2/news/{n}", summary=f"ferry timetable {n}"),
              "fetch_article": False} for n in range(300)]  # fmt: skip
    await publish(redis_client, items)
    stats = await run_once(settings_for(), roles=["worker"])
    assert stats.articles == 300
    assert len(await alerted(redis_client)) == 300
    assert await pending(redis_client) == set()
