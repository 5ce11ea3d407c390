"""Every file of the shared feed corpus, served over HTTP and polled by the real poller.

The corpus (third-party test data, see its INDEX.md) is read from ``../shared/corpora/feeds``
or ``$NEWSWATCH_FEED_CORPUS`` (``tests/support/paths.py``); the test is skipped with a message
when it is absent. Each file is served
on its own path, with the ``Header:`` lines feedparser's own test files declare and
``Content-Encoding: gzip`` for gzip files. Then:

- nothing crashes, and every file ends as exactly one of: a success, or one error recorded
  against that feed;
- a file that feedparser (or JSON) reads as a feed yields all its entries, through HTTP, the
  poller and Redis, exactly as parsing the file directly does;
- where the corpus ships the parsed result (rss-parser, feed-rs, gofeed), entry titles and
  links match it;
- feedparser's ``wellformed`` files all succeed.
"""

from __future__ import annotations

import html
import json
import re
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import redis.asyncio as aioredis

from newswatch.config.load import Feed, feed_id
from newswatch.constants import ENTRIES_STREAM
from newswatch.daemon.poller import Poller
from newswatch.daemon.stats import Stats
from newswatch.errors import FeedParseError
from newswatch.feeds.parse import parse_feed
from newswatch.feeds.state import load_states
from newswatch.fetch import Fetcher, FetchLimits, canonical_url
from newswatch.schedule.outcome import PollPolicy
from newswatch.schedule.store import Schedule
from tests.support.http import Route, Server
from tests.support.paths import feed_corpus

_HEADER = re.compile(rb"^Header:\s*([A-Za-z0-9-]+):[ \t]*(.*?)\s*$", re.MULTILINE)


def declared_headers(body: bytes) -> dict[str, str]:
    """The HTTP headers a feedparser test file asks to be served with."""
    headers: dict[str, str] = {}
    if body.lstrip().startswith(b"<!--"):
        comment = body[: body.find(b"-->") + 3]
        for name, value in _HEADER.findall(comment):
            headers[name.decode()] = value.decode("latin-1")
    if body.startswith(b"\x1f\x8b"):
        headers["Content-Encoding"] = "gzip"
    return headers


class LoopbackOnly(httpx.AsyncBaseTransport):
    """Refuses every host but 127.0.0.1: a discovered link to the internet must go nowhere."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host != "127.0.0.1":
            raise httpx.ConnectError(f"test refuses non-loopback host {request.url.host}")
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def expected_items(path: Path) -> list[tuple[str, str]] | None:
    """(title, link) of each entry from the parsed result shipped with the corpus, if any."""
    if path.parent.name == "input" and path.parents[1].name == "test":
        out = path.parents[1] / "output" / (path.stem + ".json")
        if out.is_file():
            items = _json(out)["feed"].get("items", [])
            return [(i.get("title") or "", i.get("link") or "") for i in items]
    serde = path.with_name(path.stem + ".serde.json")
    if serde.is_file():
        entries = _json(serde).get("entries", [])
        return [
            (
                (e.get("title") or {}).get("content") or "",
                (e.get("links") or [{}])[0].get("href", ""),
            )
            for e in entries
        ]
    expected = path.with_name(path.stem + "_expected.json")
    if expected.is_file():
        items = _json(expected).get("items", [])
        return [(i.get("title") or "", i.get("url") or i.get("external_url") or "") for i in items]
    return None


def _json(path: Path) -> Any:
    raw = path.read_bytes()
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:  # rss-parser's encoding.json is itself ISO-8859-1
        return json.loads(raw.decode("latin-1"))


def _same_link(ours: str, theirs: str) -> bool:
    if not theirs:
        return True
    if "://" not in theirs:  # feed-rs keeps relative links as written
        return ours.endswith(theirs.lstrip("."))
    return canonical_url(ours) == canonical_url(theirs)


def _flat(text: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html.unescape(text)).split())


def _same_title(ours: str, theirs: str) -> bool:
    if "\ufffd" in theirs:  # the expected result itself was decoded with the wrong charset
        ascii_only = lambda t: re.sub(r"[^\x21-\x7e]", "", t)  # noqa: E731
        return ascii_only(ours) == ascii_only(_flat(theirs))
    return not theirs.strip() or ours in {" ".join(theirs.split()), _flat(theirs)}


@pytest.fixture(scope="module")
def corpus_server() -> Iterator[tuple[Server, dict[str, Path]]]:
    root = feed_corpus()
    server = Server()
    served: dict[str, Path] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        body = path.read_bytes()
        route = "/" + quote(str(path.relative_to(root)))
        server.route(route, Route(body=body, headers=declared_headers(body), conditional=False))
        served[server.url + route] = path
    try:
        yield server, served
    finally:
        server.close()


@pytest.fixture
async def polled(
    corpus_server: tuple[Server, dict[str, Path]], redis_client: aioredis.Redis
) -> AsyncIterator[dict[str, Any]]:
    _server, served = corpus_server
    feeds = {feed_id(u): Feed(feed_id(u), u, p.name, 300.0, False) for u, p in served.items()}
    stats = Stats()
    fetcher = Fetcher(
        FetchLimits(
            timeout_s=10.0,
            per_host=16,
            max_concurrency=32,
            host_delay_s=0.0,
            allow_private_networks=True,
        ),
        transport=LoopbackOnly(),
    )
    poller = Poller(redis_client, fetcher, feeds, Schedule(redis_client, "corpus"), stats, 32,
                    PollPolicy())  # fmt: skip
    started = time.perf_counter()
    try:
        await poller.sync()
        await poller.poll_all()
    finally:
        await fetcher.aclose()
    entries: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for _id, fields in await redis_client.xrange(ENTRIES_STREAM):
        entry = json.loads(fields["data"])
        entries[entry["feed_url"]].append(entry)
    yield {
        "served": served,
        "stats": stats,
        "states": await load_states(redis_client, feeds),
        "entries": entries,
        "seconds": time.perf_counter() - started,
    }


async def test_the_whole_corpus(polled: dict[str, Any]) -> None:
    served: dict[str, Path] = polled["served"]
    stats: Stats = polled["stats"]
    assert len(served) > 2000
    assert stats.feeds_polled + stats.feeds_failed == len(served)
    problems: list[str] = []
    for url, path in served.items():
        state = polled["states"][feed_id(url)]
        got = polled["entries"].get(url, [])
        problems += _check(url, path, state, got)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
    ok = sum(1 for s in polled["states"].values() if not s.failures)
    print(f"\ncorpus: {len(served)} files in {polled['seconds']:.1f}s; {ok} feeds, "
          f"{len(served) - ok} per-feed errors, {stats.entries} entries")  # fmt: skip


def _check(url: str, path: Path, state: Any, got: list[dict[str, Any]]) -> list[str]:
    name = "/".join(path.parts[-3:])
    if state.last_attempt <= 0:
        return [f"{name}: never polled"]
    if state.failures:
        if not state.last_error or state.last_error.startswith("internal error"):
            return [f"{name}: failed without a clear error: {state.last_error!r}"]
        if "/wellformed/" in str(path):
            return [f"{name}: well-formed feed failed: {state.last_error}"]
        try:
            parse_feed(path.read_bytes(), declared_headers(path.read_bytes()), url)
        except FeedParseError:
            return []  # a broken feed: one clear error against it, as it should be
        return [f"{name}: parses as a file but failed when polled: {state.last_error}"]
    return _check_entries(name, url, path, state, got)


def _check_entries(
    name: str, url: str, path: Path, state: Any, got: list[dict[str, Any]]
) -> list[str]:
    body = path.read_bytes()
    try:
        direct = parse_feed(_gunzip(body), declared_headers(body), url)
    except FeedParseError:
        return [] if state.fetch_via == "discovery" else [f"{name}: polled but not a feed"]
    wanted = {(i.title, i.link) for i in direct.items}
    seen = {(e["title"], e["link"]) for e in got}
    if seen != wanted:
        return [f"{name}: {len(seen)} entries published, {len(wanted)} in the file"]
    expected = expected_items(path)
    if expected is None:
        return []
    ordered = [(i.title, i.link) for i in direct.items]
    if len(ordered) != len(expected):  # an entry with nothing in it at all is not kept
        expected = [(t, link) for t, link in expected if t.strip() or link.strip()]
    if len(ordered) != len(expected):
        return [f"{name}: {len(ordered)} entries, the corpus expects {len(expected)}"]
    return [
        f"{name}: entry {n}: got {ours!r}, expected {theirs!r}"
        for n, (ours, theirs) in enumerate(zip(ordered, expected, strict=True))
        if not (_same_title(ours[0], theirs[0]) and _same_link(ours[1], theirs[1]))
    ]


def _gunzip(body: bytes) -> bytes:
    import gzip

    return gzip.decompress(body) if body.startswith(b"\x1f\x8b") else body
