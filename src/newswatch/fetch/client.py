"""HTTP fetching with httpx: conditional GET, limits, redirects checked hop by hop.

Every httpx error is translated here into the FetchError branch of newswatch.errors.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

from newswatch import __version__
from newswatch.constants import MAX_REDIRECTS, USER_AGENT
from newswatch.errors import BlockedURL, BodyTooLarge, FetchError, FetchTimeout, HTTPStatusError
from newswatch.fetch.guard import check_public, check_scheme
from newswatch.fetch.urls import host_of

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
    """A completed fetch. ``url`` is the final URL after redirects."""

    url: str
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    content: bytes = b""
    permanent_redirect: str | None = None

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


class Fetcher:
    """Fetches URLs under ``FetchLimits``; one instance per process, closed with ``aclose``."""

    def __init__(self, limits: FetchLimits, transport: httpx.AsyncBaseTransport | None = None):
        self.limits = limits
        timeout = httpx.Timeout(limits.timeout_s, connect=min(limits.timeout_s, 10.0))
        agent = limits.user_agent or USER_AGENT.format(version=__version__)
        self._client = httpx.AsyncClient(
            timeout=timeout,
            follow_redirects=False,
            headers={"User-Agent": agent, "Accept-Encoding": "gzip, deflate"},
            limits=httpx.Limits(max_connections=limits.max_concurrency),
            transport=transport,
        )
        self._hosts: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(limits.per_host)
        )

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()

    async def get(
        self, url: str, *, validators: Validators | None = None, trusted: bool = True
    ) -> Response:
        """GET ``url``; untrusted URLs (links from feeds) must resolve to public addresses."""
        try:
            async with asyncio.timeout(self.limits.timeout_s):
                return await self._follow(url, validators or Validators(), trusted)
        except TimeoutError as exc:
            raise FetchTimeout(
                url, f"no complete answer within {self.limits.timeout_s:g}s"
            ) from exc

    async def _follow(self, url: str, validators: Validators, trusted: bool) -> Response:
        seen: set[str] = set()
        permanent: str | None = None  # where the URL now lives, if every hop was permanent
        all_permanent = True
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            if current in seen:
                raise BlockedURL(url, f"redirect loop at {current}")
            seen.add(current)
            check_scheme(current)
            if not trusted and not self.limits.allow_private_networks:
                await check_public(current)
            response = await self._once(current, validators)
            if response.status not in _REDIRECTS:
                return _finish(url, response, permanent)
            location = response.headers.get("location")
            if not location:
                raise FetchError(current, f"HTTP {response.status} without a Location header")
            target = str(httpx.URL(current).join(location))
            all_permanent = all_permanent and response.status in {301, 308}
            permanent = target if all_permanent else None
            current = target
        raise BlockedURL(url, f"more than {MAX_REDIRECTS} redirects")

    async def _once(self, url: str, validators: Validators) -> Response:
        async with self._hosts[host_of(url)]:
            try:
                request = self._client.build_request("GET", url, headers=validators.headers())
                reply = await self._client.send(request, stream=True)
                try:
                    body = await self._read(url, reply)
                finally:
                    await reply.aclose()
            except httpx.TimeoutException as exc:
                raise FetchTimeout(url, f"timed out ({type(exc).__name__})") from exc
            except httpx.HTTPError as exc:
                raise FetchError(url, f"{type(exc).__name__}: {exc}") from exc
        headers = {k.lower(): v for k, v in reply.headers.items()}
        return Response(str(reply.url), reply.status_code, headers, body)

    async def _read(self, url: str, reply: httpx.Response) -> bytes:
        if reply.status_code in _REDIRECTS or reply.status_code == 304:
            return b""
        limit = self.limits.max_body_bytes
        declared = reply.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise BodyTooLarge(url, f"Content-Length {declared} exceeds {limit} bytes")
        chunks: list[bytes] = []
        size = 0
        async for chunk in reply.aiter_bytes():  # decompressed: the limit counts real bytes
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge(url, f"body exceeds {limit} bytes")
            chunks.append(chunk)
        return b"".join(chunks)


def _finish(url: str, response: Response, permanent: str | None) -> Response:
    if response.status == 304 or 200 <= response.status < 300:
        if permanent is None:
            return response
        return Response(
            response.url, response.status, response.headers, response.content, permanent
        )
    raise HTTPStatusError(url, response.status, retry_after(response.headers.get("retry-after")))


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))
