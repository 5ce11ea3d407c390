"""Screenshots of the web pages for the README: the real app over a small demo archive (SQLite)
and the Redis at ``NEWSWATCH_TEST_REDIS_URL`` (its database is emptied: feed states and dead
letters are written there), photographed by headless Chromium at desktop and phone width.

    NEWSWATCH_TEST_REDIS_URL=redis://127.0.0.1:6379/4 .venv/bin/python docs/screenshots.py
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import redis
import redis.asyncio as aioredis
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.support

from tests.support.browser import chromium

from newswatch.alerts import Alert, ArticleInfo
from newswatch.archive.database import Archive, open_archive
from newswatch.archive.records import article_record
from newswatch.archive.write import write_records
from newswatch.config.load import feed_id, load_config
from newswatch.constants import DEAD_LETTER_STREAM, FEED_STATE_PREFIX
from newswatch.delivery.deadletters import dead_entry
from newswatch.feeds.state import FeedState, encode_state
from newswatch.match.model import Hit
from newswatch.observe.metrics import Heartbeat
from newswatch.observe.server import HealthInputs
from newswatch.queue.streams import encode
from newswatch.web import WebState, make_app

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
CONFIG = """
redis: {{url: "{redis}"}}
data_dir: {data}
feeds:
  - {{url: "https://www.antaranews.example/rss/terkini.xml", name: Antara}}
  - {{url: "https://wire.example/world.rss", name: Wire World}}
  - {{url: "https://kompas.example/feed", name: Kompas}}
  - {{url: "https://regional.example/jatim.xml", name: Jatim Regional}}
entities:
  zelenskyy: {{names: [Volodymyr Zelenskyy, Zelenskyy]}}
watches:
  - {{id: ukraine, query: 'Ukraine OR Ukraina'}}
  - {{id: zelenskyy, query: 'entity:zelenskyy'}}
  - {{id: floods, query: 'banjir OR flood OR floods'}}
"""

TALKS = (
    "Ukraine and Indonesia opened talks in Jakarta on Tuesday on a plan for a ceasefire "
    "monitoring mission.\n\nPresident Volodymyr Zelenskyy joined the first session by video "
    "link, officials said. Indonesia offered to host a second round next month.\n\nThe talks "
    "follow weeks of contacts between the two foreign ministries."
)
TALKS_ID = (
    "Ukraina dan Indonesia membuka perundingan di Jakarta pada Selasa tentang rencana misi "
    "pemantau gencatan senjata.\n\nPresiden Volodymyr Zelenskyy mengikuti sesi pertama melalui "
    "tautan video."
)
FLOODS = (
    "Banjir merendam ratusan rumah di tiga kabupaten di Jawa Timur setelah hujan deras "
    "semalam.\n\nBPBD meminta warga di bantaran sungai untuk waspada."
)


def alert(n: int, watch: str, url: str, snippet: str, term: str, update_of: str | None = None
          ) -> Alert:  # fmt: skip
    start = snippet.find(term)
    info = ArticleInfo(url, "", "", None, None, None, snippet, "")
    return Alert(id=f"{n:032x}", watch=watch, detected_at=f"2026-12-01T09:{n:02d}:00Z",
                 article=info, hits=(Hit("body", term.lower(), start, start + len(term)),),
                 marks=((start, start + len(term)),), update_of=update_of)  # fmt: skip


START = 1_796_115_600.0  # 2026-12-01 09:00 UTC


def record(url: str, title: str, body: str, alerts: tuple[Alert, ...], site: str, feed: str,
           language: str, seen_at: float) -> dict[str, Any]:  # fmt: skip
    info = ArticleInfo(url, title, feed, "2026-12-01T08:30:00Z", language, None, "", body)
    story = STORIES.get(url)
    return article_record(info, url, site, False, (url + body)[-32:], alerts, seen_at, story)


WIRE, ANTARA, KOMPAS = ("https://wire.example/world/ukraine-indonesia-talks",
                        "https://www.antaranews.example/berita/ukraina-perundingan",
                        "https://kompas.example/read/perundingan-jakarta")  # fmt: skip
FLOODS_URL = "https://regional.example/jatim/banjir-tiga-kabupaten"
STORIES = {WIRE: "talks-jakarta", ANTARA: "talks-jakarta", KOMPAS: "talks-jakarta",
           FLOODS_URL: "floods-jatim"}  # fmt: skip


def fill_archive(archive: Archive) -> None:
    wire, antara, kompas, floods = WIRE, ANTARA, KOMPAS, FLOODS_URL
    hostile = "javascript:alert(document.cookie)"
    first = TALKS[:150]
    write_records(archive, [
        record(wire, "Ukraine and Indonesia open ceasefire talks in Jakarta", TALKS,
               (alert(5, "ukraine", wire, first, "Ukraine"),
                alert(6, "zelenskyy", wire, TALKS[80:260], "Zelenskyy")),
               "wire.example", "Wire World", "en", START),
        record(antara, "Ukraina dan Indonesia buka perundingan di Jakarta", TALKS_ID, (),
               "antaranews.example", "Antara", "id", START + 60),
        record(kompas, "Perundingan Ukraina digelar di Jakarta", TALKS_ID, (),
               "kompas.example", "Kompas", "id", START + 90),
        record(floods, "Banjir rendam ratusan rumah di Jawa Timur", FLOODS,
               (alert(12, "floods", floods, FLOODS[:140], "Banjir"),),
               "regional.example", "Jatim Regional", "id", START + 300),
        record(hostile, '<script>alert("x")</script> Ukraine "talks" <img src=x onerror=alert(1)>',
               "Ukraine", (alert(14, "ukraine", hostile,
                                  "Ukraine <img src=x onerror=alert(1)> talks", "Ukraine"),),
               "<b>hostile.example</b>", "Hostile feed", "en", START + 400),
    ])  # fmt: skip
    write_records(archive, [
        record(wire, "Ukraine and Indonesia open ceasefire talks in Jakarta, second round set",
               TALKS + "\n\nA second round was set for January.",
               (alert(20, "ukraine", wire, first, "Ukraine", update_of=f"{5:032x}"),),
               "wire.example", "Wire World", "en", START + 900),
    ])  # fmt: skip


def fill_redis(url: str, feeds: list[Any]) -> None:
    client = redis.Redis.from_url(url, decode_responses=True)
    client.flushdb()
    now = time.time()
    states = [
        FeedState(last_attempt=now - 60, last_success=now - 60, interval=600, next_poll=now + 540,
                  avg_gap=900, last_new=now - 300, entries_seen=412),
        FeedState(last_attempt=now - 30, last_success=now - 7200, failures=4, interval=1200,
                  next_poll=now + 900, last_error="HTTP 503 Service Unavailable"),
        FeedState(last_attempt=now - 120, last_success=now - 120, interval=900,
                  next_poll=now + 780, avg_gap=1800, last_new=now - 3 * 86400, entries_seen=97),
        FeedState(),
    ]  # fmt: skip
    for feed, state in zip(feeds, states, strict=True):
        client.hset(FEED_STATE_PREFIX + feed_id(feed.url), mapping=encode_state(state))
    message = {"v": 1, "kind": "alert", "notify": ["slack"]}
    for n, title, error in [
        (12, "Banjir rendam 300 rumah di Bekasi", "HTTP 410 Gone: the webhook was removed"),
        (14, "Banjir di Kalimantan Selatan meluas", "HTTP 502 Bad Gateway after 8 attempts"),
    ]:
        flood = alert(n, "floods", f"https://news.example/banjir/{n}", "banjir", "banjir")
        flood = replace(flood, article=replace(flood.article, title=title))
        entry = dead_entry(flood, "slack", message, 1 if n == 12 else 8, error,
                           "2026-12-01T10:02:00Z")  # fmt: skip
        client.xadd(DEAD_LETTER_STREAM, encode(entry))  # type: ignore[arg-type]
    client.close()


@contextmanager
def served(state: WebState) -> Iterator[str]:
    """The app on a free port of 127.0.0.1, in a thread of its own; its base URL."""
    ready, address = threading.Event(), []
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()

    async def run() -> None:
        app = make_app(HealthInputs(state.redis, (), Heartbeat()), state, None)  # type: ignore[arg-type]
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        address.append(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        ready.set()
        await stop.wait()
        await runner.cleanup()

    thread = threading.Thread(target=loop.run_until_complete, args=(run(),))
    thread.start()
    ready.wait(30)
    try:
        yield f"http://127.0.0.1:{address[0]}"
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join()
        loop.close()


def shoot(base: str, pages: dict[str, str], width: int, suffix: str) -> None:
    with chromium(width, 600) as chrome:
        for name, path in pages.items():
            chrome.get(base + path)
            height = chrome.execute_script("return document.documentElement.scrollHeight")
            chrome.set_window_size(width, min(int(height) + 20, 2200))
            target = DOCS / f"web-{name}{suffix}.png"
            chrome.save_screenshot(str(target))
            print(f"wrote {target.relative_to(REPO)}")


def main() -> None:
    redis_url = os.environ["NEWSWATCH_TEST_REDIS_URL"]
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "newswatch.yaml"
        config.write_text(CONFIG.format(redis=redis_url, data=tmp))
        settings = load_config(config)
        archive = open_archive(f"sqlite:///{tmp}/archive.sqlite3")
        fill_archive(archive)
        fill_redis(redis_url, list(settings.feeds))
        state = WebState(archive, redis=aioredis.Redis.from_url(redis_url, decode_responses=True))
        state.apply(settings)
        pages = {"alerts": "/", "story": "/stories/talks-jakarta",
                 "search": "/search?q=Ukraine%20AND%20(talks%20OR%20perundingan)",
                 "feeds": "/feeds", "dead-letters": "/dead-letters"}  # fmt: skip
        with served(state) as base:
            shoot(base, pages, 1280, "")
            shoot(base, {"alerts": "/"}, 390, "-phone")
        archive.close()


if __name__ == "__main__":
    main()
