"""The Atom feeds from a real daemon process: real alerts on pages and a hostile JSON Feed served
on 127.0.0.1, through Redis and the archive (SQLite in data_dir), fetched over real HTTP."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

import feedparser
import httpx
import lxml.html
import pytest
import redis

from tests.support.daemon import start_daemon, stop
from tests.support.http import Route, Server
from tests.support.site import SEED_TITLE, serve_site
from tests.support.smtp import free_port

# A daemon on a busy machine (the CI host runs several suites) takes its time: generous deadlines.
pytestmark = pytest.mark.timeout(360)
DEADLINE_S = 240.0

TOKEN = "feeds-test-token-0123456789abcdef"
ATOM = {"a": "http://www.w3.org/2005/Atom"}

CONFIG = """
redis: {{url: "{redis}"}}
data_dir: {data}
polling: {{interval: 1h, host_delay: 0s}}
http: {{listen: "{listen}", token: "${{NW_TEST_TOKEN}}"}}
feeds:
  - {{url: "{feed}", name: Pantau}}
  - {{url: "{hostile}", name: "Hostile <b>&</b> \\"Feed\\""}}
entities:
  zelenskyy: {{names: [Volodymyr Zelenskyy]}}
watches:
  - {{id: ukraina, query: 'Ukraina', notify: [hook]}}
  - {{id: zelenskyy, query: 'entity:zelenskyy', notify: [hook]}}
notifiers:
  hook: {{type: webhook, url: "{hook}"}}
"""

# JSON Feed carries what XML cannot: control characters. Titles are HTML in feeds, so the
# literal "<script>" of a title is written escaped; summaries given as content_text are text.
HOSTILE_TITLE = "&lt;script&gt;alert('t')&lt;/script&gt; Ukraina \"kutip\" ]]> \u0001\u000b!"
HOSTILE_TEXT = "Ukraina <img src=x onerror=alert(1)> ]]> \u0002 </p><script>x()</script> damai"
QUOTED_PATH = '/news/a"><script>alert(2)</script>'


def hostile_feed(base: str) -> bytes:
    items = [
        {"id": "h1", "url": "javascript:alert(1)", "title": HOSTILE_TITLE,
         "content_text": HOSTILE_TEXT, "date_published": "2026-01-01T05:00:00Z"},
        {"id": "h2", "url": base + QUOTED_PATH, "title": "Ukraina quoted link",
         "content_text": "Ukraina and a link that breaks out of its attribute"},
    ]  # fmt: skip
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "Hostile", "items": items}
    return json.dumps(feed).encode()


@dataclass
class Daemon:
    """The running daemon's address, and what it alerted on."""

    base: str
    site: str
    process: subprocess.Popen[bytes]


def get(daemon: Daemon, path: str, **kw: object) -> httpx.Response:
    headers = kw.pop("headers", {"Authorization": f"Bearer {TOKEN}"})
    return httpx.get(daemon.base + path, headers=headers, timeout=10, **kw)  # type: ignore[arg-type]


def wait_for_entries(base: str, count: int, log: Path, within_s: float = DEADLINE_S) -> None:
    """Until /feed.atom holds ``count`` entries (the archive writes behind the alerts)."""
    deadline = time.monotonic() + within_s
    seen = -1
    while time.monotonic() < deadline:
        try:
            answer = httpx.get(base + "/feed.atom", params={"token": TOKEN}, timeout=5)
        except httpx.HTTPError:
            answer = None
        if answer is not None and answer.status_code == 200:
            seen = len(feedparser.parse(answer.content).entries)
            if seen >= count:
                return
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-3000:]
    raise AssertionError(f"/feed.atom never held {count} entries (last: {seen}); log:\n{tail}")


@pytest.fixture(scope="module")
def daemon(
    tmp_path_factory: pytest.TempPathFactory, redis_url: str, monkeypatch_module: pytest.MonkeyPatch
) -> Iterator[Daemon]:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    client.close()
    tmp = tmp_path_factory.mktemp("web")
    with Server() as site, Server() as receiver:
        urls = serve_site(site)
        site.route("/hostile.json", body=hostile_feed(site.url),
                   headers={"Content-Type": "application/feed+json"})  # fmt: skip
        receiver.route("/hook", Route(body=b"ok"))
        listen = f"127.0.0.1:{free_port()}"
        config = tmp / "newswatch.yaml"
        config.write_text(CONFIG.format(redis=redis_url, data=tmp / "data", listen=listen,
                                        feed=urls["feed"], hostile=site.url + "/hostile.json",
                                        hook=receiver.url + "/hook"))  # fmt: skip
        monkeypatch_module.setenv("NW_TEST_TOKEN", TOKEN)
        log = tmp / "daemon.log"
        with log.open("wb") as output:
            process = start_daemon(config, output=output)
            try:
                receiver.wait_for(4, "/hook", timeout=DEADLINE_S)  # seed x2 watches, h1, h2
                wait_for_entries(f"http://{listen}", 4, log)
                yield Daemon(f"http://{listen}", site.url, process)
            finally:
                stop(process)


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def entries_by_title(document: bytes) -> dict[str, ET.Element]:
    root = ET.fromstring(document)
    return {e.findtext("a:title", namespaces=ATOM) or "": e for e in root.findall("a:entry", ATOM)}


def content(entry: ET.Element) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(entry.findtext("a:content", namespaces=ATOM),
                                         create_parent="div")  # fmt: skip


def test_the_daemon_serves_its_alerts_as_atom_feeds(daemon: Daemon) -> None:
    answer = get(daemon, "/feed.atom")
    parsed = feedparser.parse(answer.content)
    assert answer.status_code == 200 and parsed.bozo == 0, parsed.get("bozo_exception")
    assert sorted(entry.tags[0].term for entry in parsed.entries) == [
        "ukraina", "ukraina", "ukraina", "zelenskyy"
    ]  # fmt: skip
    assert len({entry.id for entry in parsed.entries}) == 4
    seed = [e for e in parsed.entries if e.title == SEED_TITLE]
    assert sorted(e.tags[0].term for e in seed) == ["ukraina", "zelenskyy"]
    assert seed[0].link == daemon.site + "/news/ukraina-pertemuan"
    assert seed[0].author == "127.0.0.1 (Pantau)"
    assert seed[0].published == "2025-12-31T20:00:00Z"
    marks = content(entries_by_title(answer.content)[SEED_TITLE]).findall(".//mark")
    assert marks and all(m.text for m in marks)

    zelenskyy = feedparser.parse(get(daemon, "/watches/zelenskyy/feed.atom").content)
    assert [(e.tags[0].term, e.title) for e in zelenskyy.entries] == [("zelenskyy", SEED_TITLE)]
    assert get(daemon, "/watches/nope/feed.atom").status_code == 404


def test_a_hostile_feed_item_stays_text_from_feed_to_atom(daemon: Daemon) -> None:
    document = get(daemon, "/feed.atom").content
    assert feedparser.parse(document).bozo == 0
    entries = entries_by_title(document)  # an XML parser: the document is well-formed
    [hostile] = [e for title, e in entries.items() if title.startswith("<script>alert('t')")]
    title = hostile.findtext("a:title", namespaces=ATOM) or ""
    assert title.startswith("<script>alert('t')</script> Ukraina \"kutip\" ]]>")
    assert title.isprintable()  # the control characters dropped
    assert hostile.findall("a:link", ATOM) == []  # javascript: never becomes a link
    assert hostile.findtext("a:author/a:name", namespaces=ATOM) == 'Hostile <b>&</b> "Feed"'
    html = content(hostile)
    assert html.findall(".//script") == [] and html.findall(".//img") == []
    assert html.xpath(".//@href") == [] and [m.text for m in html.findall(".//mark")] == ["Ukraina"]
    assert "<img src=x onerror=alert(1)>" in html.text_content()
    assert "javascript:alert(1)" in html.text_content()  # shown, not linked
    quoted = entries["Ukraina quoted link"]
    assert content(quoted).xpath(".//@href") == [daemon.site + QUOTED_PATH]


def test_the_daemon_needs_its_token_but_on_healthz(daemon: Daemon) -> None:
    for path in ("/feed.atom", "/metrics"):
        assert get(daemon, path, headers={}).status_code == 401
        assert get(daemon, path, headers={"Authorization": "Bearer x" * 4}).status_code == 401
        assert get(daemon, path).status_code == 200
        assert get(daemon, path, headers={}, params={"token": TOKEN}).status_code == 200
    assert httpx.get(daemon.base + "/healthz", timeout=10).status_code == 200
