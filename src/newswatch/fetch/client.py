"""HTTP fetching with httpx: conditional GET, limits, redirects checked hop by hop, politeness.

Every hop of a fetch keeps to the trust rule (``guard.py``): a hop on the configured URL's own
host is fetched like it, any other only at the public addresses checked for it, which the
transport connects to (``transport.CONNECT_TO``).

Every request runs under a total time limit (plus httpx's connect limit), keeps to the
per-host concurrency limit and start delay, and reads its body as raw bytes decompressed under
the size limit (``fetch/decode.py``). Article pages also go through the trust rule and
robots.txt (``get_article``). Every httpx error is translated here into the FetchError branch of
newswatch.errors.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import httpx

from newswatch import __version__
from newswatch.constants import MAX_REDIRECTS, ROBOTS_TTL_S, USER_AGENT
from newswatch.errors import BlockedURL, FetchError, FetchTimeout, HTTPStatusError
from newswatch.fetch.decode import discard, read_body
from newswatch.fetch.guard import Classify, check_scheme, is_public, public_addresses, trusted_link
from newswatch.fetch.hints import retry_after
from newswatch.fetch.politeness import HostGate
from newswatch.fetch.robots import ROBOTS_MAX_BYTES, RobotsCache, agent_token
from newswatch.fetch.sending import sender
from newswatch.fetch.transport import CONNECT_TO
from newswatch.fetch.urls import URL_CACHE_SIZE, host_of

__all__ = ["FetchLimits", "Fetcher", "Response", "Validators", "retry_after"]

_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class Validators:
    """What a server said about a response, for the next conditional GET."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        """The If-None-Match / If-Modified-Since request headers."""
        out = {}
        if self.etag:
            out["If-None-Match"] = self.etag
        if self.last_modified:
            out["If-Modified-Since"] = self.last_modified
        return out


@dataclass(frozen=True)
class Response:
    """A completed fetch. ``url`` is the final URL after redirects; header names are lower-case."""

    url: str
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    content: bytes = b""
    permanent_redirect: str | None = None
    """Where the requested URL now lives, when every redirect on the way was permanent."""

    @property
    def not_modified(self) -> bool:
        """True for a 304 answer to a conditional GET."""
        return self.status == 304

    @property
    def validators(self) -> Validators:
        """ETag and Last-Modified of this response."""
        return Validators(self.headers.get("etag"), self.headers.get("last-modified"))


@dataclass(frozen=True)
class FetchLimits:
    """Time, size and politeness limits for every request."""

    timeout_s: float = 20.0
    max_body_bytes: int = 10 * 1024 * 1024
    per_host: int = 2
    max_concurrency: int = 50
    allow_private_networks: bool = False
    user_agent: str | None = None
    host_delay_s: float = 0.0
    """Minimum time between the starts of two requests to one host."""
    robots: bool = True
    """Honour robots.txt for article pages."""
    robots_ttl_s: float = ROBOTS_TTL_S

    @property
    def agent(self) -> str:
        """The User-Agent header sent with every request."""
        return self.user_agent or USER_AGENT.format(version=__version__)


class Fetcher:
    """Fetches URLs under ``FetchLimits``; one instance per process, closed with ``aclose``."""

    def __init__(
        self,
        limits: FetchLimits,
        transport: httpx.AsyncBaseTransport | None = None,
        public: Classify = is_public,
    ):
        self.limits = limits
        self._public = public
        self._headers = httpx.Headers(
            {
                "Accept": "*/*",
                "Accept-Encoding": "gzip, deflate",
                "Connection": "keep-alive",
                "User-Agent": limits.agent,
            }
        )
        # Reads are bounded by the total limit alone: a read limit as long as it could never
        # fire first, and its timer would be set and cancelled at every read.
        timeout = httpx.Timeout(limits.timeout_s, connect=min(limits.timeout_s, 10.0), read=None)
        self._extensions = {"timeout": timeout.as_dict()}  # what a client would add to each
        self._send, self._close = sender(transport, timeout, limits.per_host)
        self._gate = HostGate(limits.per_host, limits.host_delay_s)
        self._request = lru_cache(maxsize=URL_CACHE_SIZE)(self._build_request)
        self.robots = RobotsCache(self._robots_body, agent_token(limits.agent), limits.robots_ttl_s)

    async def aclose(self) -> None:
        """Close the connections."""
        await self._close()

    async def get(
        self,
        url: str,
        *,
        validators: Validators | None = None,
        trusted_url: str | None = None,
        max_bytes: int | None = None,
    ) -> Response:
        """GET ``url``, following redirects under the trust rule.

        ``trusted_url`` is the URL from the config that ``url`` stems from (``url`` itself when
        None): a hop on its host is fetched wherever that host points, a hop on any other host
        only at public addresses (unless private networks are allowed).

        The total time limit covers every hop; time spent waiting for a turn at a busy host
        (politeness) is not charged to it. Raises HTTPStatusError for any final status but 2xx
        and 304.
        """
        limit = min(max_bytes or self.limits.max_body_bytes, self.limits.max_body_bytes)
        trusted = trusted_url or url
        try:
            async with asyncio.timeout(self.limits.timeout_s) as deadline:
                return await self._follow(url, validators or Validators(), trusted, limit, deadline)
        except TimeoutError as exc:
            raise FetchTimeout(
                url, f"no complete answer within {self.limits.timeout_s:g}s"
            ) from exc

    async def get_article(self, url: str, feed_url: str) -> Response:
        """GET an article page linked from the feed at ``feed_url``.

        The trust rule applies to the link and to every redirect from it, as to the feed's own
        redirects (``get``), and so does the host's robots.txt when enabled, its Crawl-delay
        included (it spaces every request to the host, feeds too).
        """
        check_scheme(url)
        if self.limits.robots:
            rules = await self.robots.rules(url, feed_url)
            if not rules.allowed(url):
                raise BlockedURL(url, "disallowed by the site's robots.txt")
            if rules.crawl_delay_s:
                self._gate.slow_down(host_of(url), rules.crawl_delay_s)
        return await self.get(url, trusted_url=feed_url)

    async def _robots_body(self, url: str, trusted_url: str) -> bytes:
        return (await self.get(url, trusted_url=trusted_url, max_bytes=ROBOTS_MAX_BYTES)).content

    async def _addresses(self, url: str, trusted_url: str) -> tuple[str, ...]:
        """Where a hop may connect: anywhere (empty) on the trusted host or when private
        networks are allowed, else only the public addresses its host resolves to now."""
        if self.limits.allow_private_networks or trusted_link(url, trusted_url):
            return ()
        return await public_addresses(url, self._public)

    async def _follow(
        self, url: str, validators: Validators, trusted: str, limit: int, deadline: asyncio.Timeout
    ) -> Response:
        seen: set[str] = set()
        permanent: str | None = None  # where the URL now lives, if every hop was permanent
        all_permanent = True
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            if current in seen:
                raise BlockedURL(url, f"redirect loop at {current}")
            seen.add(current)
            check_scheme(current)
            addresses = await self._addresses(current, trusted)
            response = await self._once(current, validators, addresses, limit, deadline)
            if response.status not in _REDIRECTS:
                return _finish(url, response, permanent)
            location = response.headers.get("location")
            if not location:
                raise FetchError(current, f"HTTP {response.status} without a Location header")
            try:
                target = str(httpx.URL(current).join(location.strip()))
            except httpx.InvalidURL as exc:
                raise FetchError(current, f"bad redirect Location {location!r}: {exc}") from exc
            all_permanent = all_permanent and response.status in {301, 308}
            permanent = target if all_permanent else None
            current = target
        raise BlockedURL(url, f"more than {MAX_REDIRECTS} redirects")

    async def _once(
        self,
        url: str,
        validators: Validators,
        addresses: tuple[str, ...],
        limit: int,
        deadline: asyncio.Timeout,
    ) -> Response:
        host = host_of(url)
        if self._gate.ready(host):  # no wait for a turn: the deadline runs on
            async with self._gate.slot(host):
                return await self._exchange(url, validators, addresses, limit)
        loop = asyncio.get_running_loop()
        queued, when = loop.time(), deadline.when()
        deadline.reschedule(None)  # the wait for a turn at this host is not the server's time
        async with self._gate.slot(host):
            if when is not None:
                deadline.reschedule(when + loop.time() - queued)
            return await self._exchange(url, validators, addresses, limit)

    async def _exchange(
        self, url: str, validators: Validators, addresses: tuple[str, ...], limit: int
    ) -> Response:
        try:
            request = self._request(url, validators, addresses)
            reply = await self._send(request)
            try:
                body = await _read(url, reply, limit)
            finally:
                await reply.aclose()
        except httpx.TimeoutException as exc:
            raise FetchTimeout(url, f"timed out ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise FetchError(url, f"{type(exc).__name__}: {exc}") from exc
        except httpx.InvalidURL as exc:
            raise BlockedURL(url, f"invalid URL: {exc}") from exc
        return Response(str(request.url), reply.status_code, dict(reply.headers.items()), body)

    def _build_request(
        self, url: str, validators: Validators, addresses: tuple[str, ...]
    ) -> httpx.Request:
        """A GET of ``url`` (to be sent to ``addresses`` when there are any). A feed's comes
        back unchanged at every poll, so it is built once and sent again: sending leaves a
        request as it was."""
        parsed = _parsed(url)
        headers = self._headers
        if validators.etag or validators.last_modified:
            headers = headers.copy()
            headers.update(validators.headers())
        extensions = {**self._extensions, CONNECT_TO: addresses} if addresses else self._extensions
        request = httpx.Request("GET", parsed, headers=headers, extensions=extensions)
        if parsed.userinfo:  # user:password@host: credentials, as httpx's client would send
            next(httpx.BasicAuth(parsed.username, parsed.password).sync_auth_flow(request))
        return request


@lru_cache(maxsize=URL_CACHE_SIZE)
def _parsed(url: str) -> httpx.URL:
    """``url`` parsed once: a feed's URL comes back at every poll (httpx.URL is immutable)."""
    return httpx.URL(url)


async def _read(url: str, reply: httpx.Response, limit: int) -> bytes:
    if reply.status_code in _REDIRECTS or reply.status_code == 304 or reply.status_code >= 400:
        await discard(reply)  # no body needed: redirects are followed, errors raised
        return b""
    return await read_body(url, reply, limit)


def _finish(url: str, response: Response, permanent: str | None) -> Response:
    if response.status == 304 or 200 <= response.status < 300:
        if permanent is None:
            return response
        return Response(
            response.url, response.status, response.headers, response.content, permanent
        )
    raise HTTPStatusError(url, response.status, retry_after(response.headers.get("retry-after")))
