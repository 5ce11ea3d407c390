"""robots.txt for article pages (RFC 9309), parsed here and cached per origin with a TTL.

Rules: the groups naming our product token (else the ``*`` groups) apply; the longest matching
pattern wins and ``Allow`` wins a tie; ``*`` matches any run of characters and a trailing ``$``
anchors the end. A ``Crawl-delay`` in those groups (not in the RFC, but widely used) becomes the
least time between two requests to the host, at most ``MAX_CRAWL_DELAY_S``. A missing
robots.txt (4xx) allows everything; one that cannot be fetched (5xx, network error) disallows
everything for a short while, as the RFC asks.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from newswatch.constants import ROBOTS_TTL_S
from newswatch.errors import BlockedURL, BodyTooLarge, FetchError, HTTPStatusError

ROBOTS_ERROR_TTL_S = 600.0
ROBOTS_MAX_BYTES = 512 * 1024
CACHE_SIZE = 10_000
MAX_CRAWL_DELAY_S = 60.0
"""A longer Crawl-delay is taken as this: a news monitor must still read the site."""

Fetch = Callable[[str, str], Awaitable[bytes]]
"""Fetch a robots.txt URL under the trust of a configured URL (the feed's, for an article);
returns the body or raises the FetchError tree."""


@dataclass(frozen=True)
class RobotsRules:
    """The rules that apply to us on one origin: (allow, pattern) pairs, and the crawl delay."""

    rules: tuple[tuple[bool, str], ...] = ()
    crawl_delay_s: float = 0.0

    def allowed(self, url: str) -> bool:
        """True when ``url``'s path and query may be fetched."""
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        best: tuple[int, bool] | None = None  # (pattern length, allow): allow wins a tie
        for allow, pattern in self.rules:
            if _pattern(pattern).match(target):
                best = max(best or (-1, True), (len(pattern), allow))
        return best is None or best[1]


ALLOW_ALL = RobotsRules()
DISALLOW_ALL = RobotsRules(((False, "/"),))


@lru_cache(maxsize=4096)
def _pattern(pattern: str) -> re.Pattern[str]:
    anchored = pattern.endswith("$")
    body = pattern[:-1] if anchored else pattern
    regex = ".*".join(re.escape(part) for part in body.split("*"))
    return re.compile(regex + ("$" if anchored else ""), re.DOTALL)


def agent_token(user_agent: str) -> str:
    """The product token robots.txt groups name us by: ``newswatch`` for ``newswatch/0.1 (...)``."""
    return user_agent.split("/", 1)[0].split()[0].lower() if user_agent.strip() else "*"


def parse_robots(text: str, token: str) -> RobotsRules:
    """The rules of ``text`` that apply to the product token ``token``."""
    groups: list[_Group] = []
    in_agents = False
    for line in text.splitlines():
        key, _, value = line.split("#", 1)[0].partition(":")
        key, value = key.strip().lower(), value.strip()
        if key == "user-agent":
            if not in_agents:
                groups.append(_Group())
                in_agents = True
            groups[-1].agents.add(value.split("/", 1)[0].strip().lower())
        elif key in {"allow", "disallow", "crawl-delay"} and groups:
            in_agents = False
            groups[-1].add(key, value)
        elif key:
            in_agents = False
    for wanted in (token.lower(), "*"):
        chosen = [group for group in groups if wanted in group.agents]
        if chosen:
            delay = max(group.delay_s for group in chosen)
            rules = tuple(rule for group in chosen for rule in group.rules)
            return RobotsRules(rules, min(delay, MAX_CRAWL_DELAY_S))
    return ALLOW_ALL


@dataclass
class _Group:
    """One group of robots.txt: the agents it names, its rules and its crawl delay."""

    agents: set[str] = field(default_factory=set)
    rules: list[tuple[bool, str]] = field(default_factory=list)
    delay_s: float = 0.0

    def add(self, key: str, value: str) -> None:
        if key == "crawl-delay":
            with contextlib.suppress(ValueError):  # an unreadable delay is no delay
                self.delay_s = max(self.delay_s, float(value))
        elif value:  # an empty Disallow allows everything: no rule
            self.rules.append((key == "allow", value))


class RobotsCache:
    """robots.txt rules per origin, fetched once per TTL (one fetch even for concurrent asks)."""

    def __init__(
        self,
        fetch: Fetch,
        token: str,
        ttl_s: float = ROBOTS_TTL_S,
        error_ttl_s: float = ROBOTS_ERROR_TTL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self.token = token
        self.ttl_s = ttl_s
        self.error_ttl_s = error_ttl_s
        self._clock = clock
        self._cache: OrderedDict[str, tuple[float, RobotsRules]] = OrderedDict()
        self._pending: dict[str, asyncio.Future[RobotsRules]] = {}

    async def allowed(self, url: str, trusted_url: str) -> bool:
        """True when robots.txt of ``url``'s origin lets us fetch it."""
        return (await self.rules(url, trusted_url)).allowed(url)

    async def rules(self, url: str, trusted_url: str) -> RobotsRules:
        """The rules for ``url``'s origin, from the cache or fetched."""
        parts = urlsplit(url)
        origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        cached = self._cache.get(origin)
        if cached is not None and cached[0] > self._clock():
            self._cache.move_to_end(origin)
            return cached[1]
        pending = self._pending.get(origin)
        if pending is None:
            pending = asyncio.ensure_future(self._load(origin, trusted_url))
            self._pending[origin] = pending
            pending.add_done_callback(lambda _: self._pending.pop(origin, None))
        return await asyncio.shield(pending)

    async def _load(self, origin: str, trusted_url: str) -> RobotsRules:
        try:
            body = await self._fetch(f"{origin}/robots.txt", trusted_url)
        except BlockedURL:
            return ALLOW_ALL  # not cached: the page fetch itself applies the same refusal
        except HTTPStatusError as exc:
            if 400 <= exc.status < 500:
                return self._store(origin, ALLOW_ALL, self.ttl_s)
            return self._store(origin, DISALLOW_ALL, self.error_ttl_s)
        except BodyTooLarge:
            return self._store(origin, ALLOW_ALL, self.ttl_s)
        except FetchError:
            return self._store(origin, DISALLOW_ALL, self.error_ttl_s)
        rules = parse_robots(body.decode("utf-8", "replace"), self.token)
        return self._store(origin, rules, self.ttl_s)

    def _store(self, origin: str, rules: RobotsRules, ttl_s: float) -> RobotsRules:
        self._cache[origin] = (self._clock() + ttl_s, rules)
        self._cache.move_to_end(origin)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return rules
