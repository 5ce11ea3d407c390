import asyncio

import pytest

from newswatch.errors import BlockedURL, FetchError, FetchTimeout, HTTPStatusError
from newswatch.fetch.robots import (
    ALLOW_ALL,
    DISALLOW_ALL,
    MAX_CRAWL_DELAY_S,
    RobotsCache,
    agent_token,
    parse_robots,
)

ROBOTS = """
# comment
User-agent: *
Disallow: /private/
Allow: /private/open/
Disallow: /*.pdf$
Disallow: /search?

User-agent: newswatch
User-agent: other-bot
Disallow: /no-bots/
Allow: /no-bots/except$

Sitemap: https://example.org/sitemap.xml
"""


def test_our_group_applies_with_longest_match_and_anchors() -> None:
    rules = parse_robots(ROBOTS, "newswatch")
    assert rules.allowed("http://h/private/x")  # the * group does not apply to us
    assert not rules.allowed("http://h/no-bots/page")
    assert rules.allowed("http://h/no-bots/except")
    assert not rules.allowed("http://h/no-bots/except/more")


def test_the_star_group_applies_to_others() -> None:
    rules = parse_robots(ROBOTS, "somebot")
    assert not rules.allowed("http://h/private/x")
    assert rules.allowed("http://h/private/open/x")  # longer Allow wins
    assert not rules.allowed("http://h/doc.pdf")
    assert rules.allowed("http://h/doc.pdf.html")
    assert not rules.allowed("http://h/search?q=1")
    assert rules.allowed("http://h/search")
    assert rules.allowed("http://h/")


def test_allow_wins_a_tie_and_empty_disallow_allows() -> None:
    assert parse_robots("User-agent: *\nDisallow: /a\nAllow: /a\n", "x").allowed("http://h/a")
    assert parse_robots("User-agent: *\nDisallow:\n", "x").allowed("http://h/a")
    assert not parse_robots("User-agent: *\nDisallow: /\n", "x").allowed("http://h/")
    assert parse_robots("", "x") == ALLOW_ALL
    assert parse_robots("garbage\x00\nDisallow: /\n", "x").allowed("http://h/")


def test_agent_token() -> None:
    assert agent_token("newswatch/0.1 (+https://e)") == "newswatch"
    assert agent_token("MyCorp-Monitor (contact)") == "mycorp-monitor"


FEED = "https://h.example/rss"
OTHER_FEED = "https://elsewhere.example/rss"


class FakeFetch:
    """Stands in for the network: answers per robots URL and counts calls."""

    def __init__(self, outcome: bytes | Exception) -> None:
        self.outcome = outcome
        self.calls: list[tuple[str, str]] = []

    async def __call__(self, url: str, trusted_url: str) -> bytes:
        self.calls.append((url, trusted_url))
        await asyncio.sleep(0.01)
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return self.outcome


async def test_rules_are_fetched_once_per_origin_even_when_asked_concurrently() -> None:
    fetch = FakeFetch(b"User-agent: *\nDisallow: /x\n")
    cache = RobotsCache(fetch, "newswatch")
    results = await asyncio.gather(
        *(cache.allowed(f"https://H.example/{p}", FEED) for p in ("x", "y", "x/1", "z"))
    )
    assert results == [False, True, False, True]
    assert fetch.calls == [("https://h.example/robots.txt", FEED)]
    assert not await cache.allowed("http://h.example/x", OTHER_FEED)  # http: another origin
    assert fetch.calls[1] == ("http://h.example/robots.txt", OTHER_FEED)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (HTTPStatusError("u", 404), ALLOW_ALL),
        (HTTPStatusError("u", 403), ALLOW_ALL),
        (HTTPStatusError("u", 503), DISALLOW_ALL),
        (FetchTimeout("u", "slow"), DISALLOW_ALL),
        (FetchError("u", "refused"), DISALLOW_ALL),
        (BlockedURL("u", "private"), ALLOW_ALL),
    ],
)
async def test_fetch_outcomes_follow_rfc_9309(error: Exception, expected: object) -> None:
    cache = RobotsCache(FakeFetch(error), "newswatch")
    assert await cache.rules("http://h/a", FEED) == expected


async def test_entries_expire_after_their_ttl() -> None:
    now = [0.0]
    fetch = FakeFetch(HTTPStatusError("u", 503))
    cache = RobotsCache(fetch, "nw", ttl_s=1000, error_ttl_s=10, clock=lambda: now[0])
    assert not await cache.allowed("http://h/a", FEED)
    now[0] = 5.0
    assert not await cache.allowed("http://h/a", FEED)
    assert len(fetch.calls) == 1
    fetch.outcome = b""
    now[0] = 11.0
    assert await cache.allowed("http://h/a", FEED)
    assert len(fetch.calls) == 2


def test_crawl_delay_of_the_group_that_applies_capped() -> None:
    text = (
        "User-agent: *\nCrawl-delay: 2\nDisallow: /private\n\n"
        "User-agent: newswatch\nCrawl-delay: 5.5\nAllow: /\n\n"
        "User-agent: slowbot\nCrawl-delay: 86400\n"
    )
    assert parse_robots(text, "newswatch").crawl_delay_s == 5.5
    assert parse_robots(text, "other").crawl_delay_s == 2.0
    assert parse_robots(text, "slowbot").crawl_delay_s == MAX_CRAWL_DELAY_S
    assert parse_robots("User-agent: *\nCrawl-delay: soon\n", "x").crawl_delay_s == 0.0
