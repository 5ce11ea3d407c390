"""How the fetcher's requests reach the network: straight to an httpx transport, or through
httpx's client when a proxy applies."""

from __future__ import annotations

import ssl
import urllib.request
from collections.abc import Awaitable, Callable
from functools import partial

import httpx

from newswatch.fetch.transport import HTTP11Transport


class _NoCookies(httpx.Cookies):
    """A jar that keeps nothing: feeds and pages are fetched without sessions, and httpx's
    cookie handling (urllib compatibility objects per response) was a tenth of a poll's CPU."""

    def extract_cookies(self, response: httpx.Response) -> None:
        """Keep nothing."""

    def set_cookie_header(self, request: httpx.Request) -> None:
        """Send nothing."""


class _Client(httpx.AsyncClient):
    """An httpx client without a cookie jar."""

    @property
    def cookies(self) -> httpx.Cookies:
        return _NO_COOKIES

    @cookies.setter
    def cookies(self, cookies: object) -> None:
        """Cookies are not kept."""


_NO_COOKIES = _NoCookies()
Send = Callable[[httpx.Request], Awaitable[httpx.Response]]
Close = Callable[[], Awaitable[None]]


def sender(
    transport: httpx.AsyncBaseTransport | None, timeout: httpx.Timeout, per_host: int
) -> tuple[Send, Close]:
    """How a request is sent, and how the connections are closed at the end.

    Requests go straight to ``transport``, else to our own (``transport.py``): the fetcher
    handles redirects, cookies and authentication itself, so httpx's client layers would only
    add CPU (a tenth of a 304 poll). When the environment names a proxy and no transport is
    given, httpx's client sends them, choosing the proxy per URL."""
    if transport is None and not urllib.request.getproxies():
        transport = HTTP11Transport(ssl.create_default_context())
    if transport is not None:
        return transport.handle_async_request, transport.aclose
    client = _Client(
        timeout=timeout,
        follow_redirects=False,
        limits=httpx.Limits(max_connections=None, max_keepalive_connections=per_host),
    )
    return partial(client.send, stream=True), client.aclose
