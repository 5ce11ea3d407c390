"""The Fetcher against real HTTP servers on loopback: limits, redirects, trust rule, robots."""

from __future__ import annotations

import gzip
import itertools
import resource
from typing import Any

import pytest

from newswatch.errors import BlockedURL, BodyTooLarge, FetchTimeout, HTTPStatusError
from newswatch.fetch import Fetcher, FetchLimits, Validators
from tests.support.http import Server

FAST = FetchLimits(timeout_s=2.0, host_delay_s=0.0, allow_private_networks=False)


@pytest.fixture
async def fetcher() -> Any:
    client = Fetcher(FAST)
    yield client
    await client.aclose()


async def test_conditional_get_and_user_agent(http_server: Server) -> None:
    http_server.route("/f", body=b"<rss/>", headers={"ETag": '"v1"'})
    client = Fetcher(FetchLimits(host_delay_s=0.0, user_agent="acme-monitor/2 (ops@acme)"))
    try:
        first = await client.get(http_server.url + "/f")
        second = await client.get(http_server.url + "/f", validators=first.validators)
    finally:
        await client.aclose()
    assert first.status == 200 and first.content == b"<rss/>"
    assert second.not_modified and second.content == b""
    requests = http_server.requests("/f")
    assert requests[1].headers["if-none-match"] == '"v1"'
    assert {r.headers["user-agent"] for r in requests} == {"acme-monitor/2 (ops@acme)"}


async def test_redirect_loops_and_long_chains_are_refused(
    http_server: Server, fetcher: Fetcher
) -> None:
    http_server.route("/a", status=302, headers={"Location": "/b"})
    http_server.route("/b", status=302, headers={"Location": "/a"})
    for i in range(8):
        http_server.route(f"/r{i}", status=301, headers={"Location": f"/r{i + 1}"})
    with pytest.raises(BlockedURL, match="redirect loop"):
        await fetcher.get(http_server.url + "/a")
    with pytest.raises(BlockedURL, match="more than 5 redirects"):
        await fetcher.get(http_server.url + "/r0")
    assert len(http_server.requests("/r6")) == 0


async def test_permanent_redirects_are_reported_temporary_ones_not(
    http_server: Server, fetcher: Fetcher
) -> None:
    http_server.route("/old", status=301, headers={"Location": "/older"})
    http_server.route("/older", status=308, headers={"Location": "/feed"})
    http_server.route("/tmp", status=302, headers={"Location": "/old"})
    http_server.route("/feed", body=b"<rss/>")
    moved = await fetcher.get(http_server.url + "/old")
    assert moved.permanent_redirect == http_server.url + "/feed"
    assert moved.url == http_server.url + "/feed"
    assert (await fetcher.get(http_server.url + "/tmp")).permanent_redirect is None


async def test_redirects_to_other_schemes_are_refused(
    http_server: Server, fetcher: Fetcher
) -> None:
    http_server.route("/x", status=302, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(BlockedURL, match="http/https only"):
        await fetcher.get(http_server.url + "/x")


async def test_a_gzip_bomb_costs_nothing(http_server: Server) -> None:
    bomb = gzip.compress(b"<" * 300_000_000, compresslevel=9)
    http_server.route("/bomb", body=bomb, headers={"Content-Encoding": "gzip"})
    client = Fetcher(FetchLimits(timeout_s=5.0, max_body_bytes=2_000_000, host_delay_s=0.0))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        with pytest.raises(BodyTooLarge, match="after decompression"):
            await client.get(http_server.url + "/bomb")
    finally:
        await client.aclose()
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 60_000  # KiB


async def test_gzip_bodies_are_decoded(http_server: Server, fetcher: Fetcher) -> None:
    http_server.route(
        "/z", body=gzip.compress(b"<rss>ok</rss>"), headers={"Content-Encoding": "gzip"}
    )
    assert (await fetcher.get(http_server.url + "/z")).content == b"<rss>ok</rss>"


async def test_size_limits_while_streaming_and_by_content_length(http_server: Server) -> None:
    http_server.route("/big", body=b"x" * 5000)
    client = Fetcher(FetchLimits(max_body_bytes=4096, host_delay_s=0.0))
    try:
        with pytest.raises(BodyTooLarge, match="Content-Length 5000"):
            await client.get(http_server.url + "/big")
    finally:
        await client.aclose()


async def test_total_time_limit(http_server: Server) -> None:
    http_server.route("/slow", body=b"<rss/>", delay_s=3.0)
    client = Fetcher(FetchLimits(timeout_s=0.3, host_delay_s=0.0))
    try:
        with pytest.raises(FetchTimeout, match=r"0\.3s"):
            await client.get(http_server.url + "/slow")
    finally:
        await client.aclose()


async def test_status_errors_carry_retry_after(http_server: Server, fetcher: Fetcher) -> None:
    http_server.route("/busy", status=429, headers={"Retry-After": "120"})
    with pytest.raises(HTTPStatusError) as caught:
        await fetcher.get(http_server.url + "/busy")
    assert caught.value.status == 429 and caught.value.retry_after == 120.0


async def test_robots_txt_is_honoured_for_articles_and_fetched_once(http_server: Server) -> None:
    http_server.route("/robots.txt", body=b"User-agent: newswatch\nDisallow: /private/\n")
    http_server.route("/news/a", body=b"<html>a</html>")
    http_server.route("/news/b", body=b"<html>b</html>")
    http_server.route("/private/c", body=b"<html>c</html>")
    feed = http_server.url + "/rss.xml"
    client = Fetcher(FetchLimits(host_delay_s=0.0, robots=True))
    quiet = Fetcher(FetchLimits(host_delay_s=0.0, robots=False))
    try:
        assert (await client.get_article(http_server.url + "/news/a", feed)).content
        assert (await client.get_article(http_server.url + "/news/b", feed)).content
        with pytest.raises(BlockedURL, match=r"robots\.txt"):
            await client.get_article(http_server.url + "/private/c", feed)
        assert (await quiet.get_article(http_server.url + "/private/c", feed)).content
    finally:
        await client.aclose()
        await quiet.aclose()
    assert len(http_server.requests("/robots.txt")) == 1
    assert [r.path for r in http_server.requests("/private/c")] == ["/private/c"]


async def test_a_crawl_delay_spaces_the_requests_to_its_host(http_server: Server) -> None:
    http_server.route("/robots.txt", body=b"User-agent: *\nCrawl-delay: 0.3\n")
    for path in ("/news/a", "/news/b", "/news/c"):
        http_server.route(path, body=b"<html>a</html>")
    client = Fetcher(FetchLimits(host_delay_s=0.0, robots=True))
    try:
        for path in ("/news/a", "/news/b", "/news/c"):
            await client.get_article(http_server.url + path, http_server.url + "/rss.xml")
    finally:
        await client.aclose()
    starts = [r.at for r in http_server.requests() if r.path.startswith("/news/")]
    assert len(starts) == 3
    assert all(b - a >= 0.28 for a, b in itertools.pairwise(starts))


async def test_articles_are_fetched_when_robots_txt_is_missing(
    http_server: Server, fetcher: Fetcher
) -> None:
    http_server.route("/a", body=b"<html>a</html>")
    response = await fetcher.get_article(http_server.url + "/a", http_server.url + "/rss")
    assert response.content == b"<html>a</html>"
    assert http_server.requests("/robots.txt")[0].status == 404


def test_validators_headers() -> None:
    assert Validators('"e"', "Mon").headers() == {
        "If-None-Match": '"e"',
        "If-Modified-Since": "Mon",
    }
    assert Validators().headers() == {}
