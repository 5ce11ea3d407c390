"""The trust rule at every hop, against real servers on two loopback addresses.

127.0.0.1 ("near") serves the feed, 127.0.0.2 ("far") stands for another host on a private
network (a cloud metadata service, an intranet server): both are loopback, and the guard's own
``is_public`` calls both private, so far is what an untrusted hop must never reach. The tests of
DNS rebinding need a host name that resolves to a "public" address first and a private one next:
the running loop's resolver is replaced for one made-up name (no real resolver can be made to
rebind in a test), and the fetcher is told that 127.0.0.1 counts as public.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from newswatch.config import load_config
from newswatch.daemon.runner import run_once
from newswatch.errors import BlockedURL
from newswatch.fetch import Fetcher, FetchLimits
from tests.support.http import Server

NEAR, FAR = "127.0.0.1", "127.0.0.2"
STRICT = FetchLimits(timeout_s=2.0, host_delay_s=0.0, robots=False)
RELAXED = FetchLimits(timeout_s=2.0, host_delay_s=0.0, robots=False, allow_private_networks=True)
SECRET = b"<html><body><p>AccessKeyId ASIA-SECRET-TOKEN of the metadata service</p></body></html>"
Page = tuple[int, dict[str, str], bytes]


class _Handler(BaseHTTPRequestHandler):
    server: _Host
    protocol_version = "HTTP/1.1"  # connections are kept alive, as real servers do

    def do_GET(self) -> None:
        self.server.hits.append(self.path)
        status, headers, body = self.server.pages.get(self.path, (404, {}, b"not found"))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests assert on the recorded paths."""


class _Host(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: str, port: int) -> None:
        super().__init__((address, port), _Handler)
        self.hits: list[str] = []
        self.pages: dict[str, Page] = {}


@dataclass
class Hosts:
    """A server on 127.0.0.1 and one on 127.0.0.2, on the same port (so one URL can lead to
    either, depending on what its name resolves to)."""

    near: _Host
    far: _Host
    port: int
    threads: list[threading.Thread] = field(default_factory=list)

    def url(self, host: str, path: str) -> str:
        return f"http://{host}:{self.port}{path}"


def _pair() -> tuple[_Host, _Host]:
    for _ in range(20):
        far = _Host(FAR, 0)
        try:
            return _Host(NEAR, far.server_address[1]), far
        except OSError:  # that port is taken on 127.0.0.1: try another
            far.server_close()
    raise OSError("no port free on both 127.0.0.1 and 127.0.0.2")


@pytest.fixture
def hosts() -> Iterator[Hosts]:
    try:
        near, far = _pair()
    except OSError as exc:
        pytest.skip(f"cannot listen on 127.0.0.1 and 127.0.0.2 at one port: {exc}")
    pair = Hosts(near, far, near.server_address[1])
    for server in (near, far):
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.start()
        pair.threads.append(thread)
    yield pair
    for server, thread in zip((near, far), pair.threads, strict=True):
        server.shutdown()
        server.server_close()
        thread.join()


def _html(text: bytes) -> Page:
    return 200, {"Content-Type": "text/html"}, text


def _redirect(location: str) -> Page:
    return 302, {"Location": location}, b""


async def _fetch_article(limits: FetchLimits, url: str, feed_url: str, **kw: Any) -> bytes:
    fetcher = Fetcher(limits, **kw)
    try:
        return (await fetcher.get_article(url, feed_url)).content
    finally:
        await fetcher.aclose()


async def test_article_links_to_another_private_host_are_refused(hosts: Hosts) -> None:
    feed_url = hosts.url(NEAR, "/rss.xml")
    hosts.near.pages["/news/a"] = _html(b"<html>own host</html>")
    hosts.far.pages["/news/a"] = _html(b"<html>far</html>")
    with pytest.raises(BlockedURL, match=r"non-public address 127\.0\.0\.2"):
        await _fetch_article(STRICT, hosts.url(FAR, "/news/a"), feed_url)
    assert hosts.far.hits == []
    assert await _fetch_article(STRICT, hosts.url(NEAR, "/news/a"), feed_url) == (
        b"<html>own host</html>"
    )
    assert await _fetch_article(RELAXED, hosts.url(FAR, "/news/a"), feed_url) == b"<html>far</html>"


async def test_a_redirect_from_the_feed_host_to_a_private_host_is_refused(hosts: Hosts) -> None:
    feed_url = hosts.url(NEAR, "/rss.xml")
    hosts.near.pages["/news/a"] = _redirect(hosts.url(FAR, "/latest/meta-data"))
    hosts.near.pages["/news/b"] = _redirect("/news/c")  # same host: followed like the feed
    hosts.near.pages["/news/c"] = _html(b"<html>c</html>")
    hosts.far.pages["/latest/meta-data"] = _html(SECRET)
    with pytest.raises(BlockedURL, match=r"127\.0\.0\.2 resolves to non-public address"):
        await _fetch_article(STRICT, hosts.url(NEAR, "/news/a"), feed_url)
    assert hosts.far.hits == []
    assert await _fetch_article(STRICT, hosts.url(NEAR, "/news/b"), feed_url) == b"<html>c</html>"
    assert await _fetch_article(RELAXED, hosts.url(NEAR, "/news/a"), feed_url) == SECRET
    assert hosts.far.hits == ["/latest/meta-data"]


async def test_a_feed_is_fetched_wherever_it_is_but_its_redirects_keep_to_the_rule(
    hosts: Hosts,
) -> None:
    hosts.far.pages["/rss.xml"] = _html(b"<rss/>")  # an intranet feed, named in the config
    hosts.far.pages["/moved.xml"] = _redirect("/rss.xml")
    hosts.near.pages["/rss.xml"] = _redirect(hosts.url(FAR, "/rss.xml"))
    fetcher = Fetcher(STRICT)
    try:
        assert (await fetcher.get(hosts.url(FAR, "/moved.xml"))).content == b"<rss/>"
        with pytest.raises(BlockedURL, match=r"non-public address 127\.0\.0\.2"):
            await fetcher.get(hosts.url(NEAR, "/rss.xml"))
    finally:
        await fetcher.aclose()
    assert hosts.far.hits == ["/moved.xml", "/rss.xml"]


@pytest.fixture
async def resolver(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, list[str]], list[str]]:
    """``resolver(name, answers)`` makes the running loop resolve ``name`` to each of
    ``answers`` in turn (the last one repeats), as a rebinding DNS server would; an answer
    is one or more addresses separated by spaces. The list it returns fills with the answers
    given."""
    loop = asyncio.get_running_loop()
    real = loop.getaddrinfo
    names: dict[str, tuple[list[str], list[str]]] = {}

    async def getaddrinfo(host: Any, port: Any, **kw: Any) -> Any:
        if host not in names:
            return await real(host, port, **kw)
        answers, given = names[host]
        given.append(answers[min(len(given), len(answers) - 1)])
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port)))
            for address in given[-1].split()
        ]

    monkeypatch.setattr(loop, "getaddrinfo", getaddrinfo)

    def answer(name: str, answers: list[str]) -> list[str]:
        names[name] = (answers, [])
        return names[name][1]

    return answer


def _near_is_public(address: str) -> bool:
    return address == NEAR


async def test_the_address_checked_is_the_address_connected_to(
    hosts: Hosts, resolver: Callable[[str, list[str]], list[str]]
) -> None:
    given = resolver("rebind.test", [NEAR, FAR])  # public at the check, private a moment later
    hosts.near.pages["/page"] = _html(b"<html>public page</html>")
    hosts.far.pages["/page"] = _html(SECRET)
    url = f"http://rebind.test:{hosts.port}/page"
    content = await _fetch_article(STRICT, url, "http://feeds.test/rss", public=_near_is_public)
    assert content == b"<html>public page</html>"
    assert hosts.far.hits == [] and given == [NEAR]


async def test_each_checked_address_is_tried_in_turn(
    hosts: Hosts, resolver: Callable[[str, list[str]], list[str]]
) -> None:
    given = resolver("two.test", ["127.0.0.3 127.0.0.1"])  # nothing listens on 127.0.0.3
    hosts.near.pages["/page"] = _html(b"<html>public page</html>")
    url = f"http://two.test:{hosts.port}/page"
    content = await _fetch_article(
        STRICT, url, "http://feeds.test/rss", public=lambda address: address != FAR
    )
    assert content == b"<html>public page</html>" and len(given) == 1


async def test_a_kept_connection_is_used_only_for_the_address_it_went_to(
    hosts: Hosts, resolver: Callable[[str, list[str]], list[str]]
) -> None:
    resolver("shared.test", [FAR, NEAR])
    hosts.far.pages["/rss"] = _html(b"<rss/>")
    hosts.near.pages["/page"] = _html(b"<html>public page</html>")
    hosts.far.pages["/page"] = _html(SECRET)
    fetcher = Fetcher(STRICT, public=_near_is_public)
    try:
        feed = await fetcher.get(f"http://shared.test:{hosts.port}/rss")  # trusted: goes to far
        page = await fetcher.get_article(
            f"http://shared.test:{hosts.port}/page", "http://feeds.test/rss"
        )
    finally:
        await fetcher.aclose()
    assert feed.content == b"<rss/>" and page.content == b"<html>public page</html>"
    assert hosts.far.hits == ["/rss"] and hosts.near.hits == ["/page"]


CONFIG = """
redis: {{url: "{redis}"}}
data_dir: {data}
polling: {{timeout: 2s, host_delay: 0s}}
feeds:
  - {{url: "{feed}", name: Near}}
watches:
  - {{id: talks, query: 'Ukraine AND talks'}}
notifiers:
  hook: {{type: webhook, url: "{hook}"}}
"""
RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Near</title>
<item><title>Ukraine talks resume</title><link>{link}</link><guid>a</guid>
<description>Ukraine and its partners resume peace talks.</description></item>
</channel></rss>"""


async def test_an_article_redirected_to_a_private_host_falls_back_to_the_feed_summary(
    hosts: Hosts, http_server: Server, redis_url_clean: str, tmp_path: Path
) -> None:
    link = hosts.url(NEAR, "/news/a")
    hosts.near.pages["/rss.xml"] = (
        200,
        {"Content-Type": "application/rss+xml"},
        (RSS.format(link=link).encode()),
    )
    hosts.near.pages["/news/a"] = _redirect(hosts.url(FAR, "/latest/meta-data"))
    hosts.far.pages["/latest/meta-data"] = _html(b"<html><p>Ukraine talks</p>" + SECRET)
    http_server.route("/hook", body=b"ok")
    config = tmp_path / "newswatch.yaml"
    config.write_text(
        CONFIG.format(
            redis=redis_url_clean,
            data=tmp_path / "data",
            feed=hosts.url(NEAR, "/rss.xml"),
            hook=http_server.url + "/hook",
        )
    )

    stats = await run_once(load_config(config))

    assert hosts.far.hits == [] and stats.article_fallbacks == 1
    [post] = http_server.requests("/hook")
    assert b"SECRET" not in post.body
    article = json.loads(post.body)["article"]
    assert article["url"] == link
    assert article["text"] == "Ukraine and its partners resume peace talks."
