"""An httpx transport on h11 and asyncio: HTTP/1.1 over connections kept alive per origin.

httpx stays the client (timeouts, the Request/Response model, proxies from the environment);
this replaces only httpcore beneath it, which spent most of a conditional poll's CPU on anyio
wrappers, locks and pool bookkeeping (benchmarks/poll). A request takes the most recently used
idle connection of its origin, or opens one, writes its head and reads the response with h11.

Safety is kept: the connect timeout (TLS handshake included) and the read timeout of the
request's ``timeout`` extension bound every wait; https uses one ``ssl`` default context
(certificates and host names checked); redirects are left to the caller; bodies are streamed
raw, so the caller decompresses them under its own size limit (``fetch/decode.py``).
Concurrency per host is the caller's to limit (``politeness.HostGate``).

A conditional poll is kept cheap: a request head is checked by h11 once and its event reused
(the same feed sends the same head every time), and a 204 or 304 answer, which ends with its
head, frees its connection at once and comes with an empty body.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from functools import lru_cache

import h11
import httpx

from newswatch.fetch.urls import URL_CACHE_SIZE
from newswatch.fetch.wire import Wire, open_wire

Origin = tuple[bytes, bytes, int]
KEEPALIVE_S = 5.0
"""An idle connection older than this is closed rather than reused (httpx's default)."""
MAX_IDLE = 1024
"""Idle connections kept over all origins; the least recently used origin gives one up first."""
_PORTS = {b"http": 80, b"https": 443}
_BODILESS = frozenset({204, 304})
_NO_BODY = httpx.ByteStream(b"")
_END = h11.EndOfMessage()


class H11Transport(httpx.AsyncBaseTransport):
    """HTTP/1.1 for httpx: idle connections kept per origin, at most ``max_idle`` overall."""

    def __init__(
        self,
        tls: ssl.SSLContext | None = None,
        keepalive_s: float = KEEPALIVE_S,
        max_idle: int = MAX_IDLE,
    ) -> None:
        self._tls = tls or ssl.create_default_context()
        self._tls.set_alpn_protocols(["http/1.1"])
        self._keepalive_s = keepalive_s
        self._max_idle = max_idle
        self._idle: OrderedDict[Origin, list[_Connection]] = OrderedDict()
        self._idle_count = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` on an idle connection of its origin (or a new one)."""
        url = request.url
        if url.raw_scheme not in _PORTS:
            raise httpx.UnsupportedProtocol(f"unsupported URL scheme {url.scheme!r}")
        origin = (url.raw_scheme, url.raw_host, url.port or _PORTS[url.raw_scheme])
        timeouts = request.extensions.get("timeout", {})
        connection = self._take(origin)
        if connection is not None:
            try:
                return await connection.exchange(request, timeouts.get("read"), stale_ok=True)
            except _Stale:  # the server closed it while idle: not an error, open another
                connection.close()
        connection = _Connection(self, origin, await self._open(origin, timeouts.get("connect")))
        return await connection.exchange(request, timeouts.get("read"), stale_ok=False)

    async def aclose(self) -> None:
        """Close every idle connection (those in use close when their response is closed)."""
        idle, self._idle, self._idle_count = self._idle, OrderedDict(), 0
        for connections in idle.values():
            for connection in connections:
                connection.close()

    def give_back(self, connection: _Connection) -> None:
        """Keep a connection whose exchange finished cleanly for the next request."""
        connections = self._idle.setdefault(connection.origin, [])
        self._idle.move_to_end(connection.origin)
        connections.append(connection)
        self._idle_count += 1
        if self._idle_count > self._max_idle:
            oldest = next(iter(self._idle))
            self._drop(oldest, 0).close()

    def _take(self, origin: Origin) -> _Connection | None:
        connections = self._idle.get(origin)
        deadline = time.monotonic() - self._keepalive_s
        while connections:
            connection = self._drop(origin, -1)
            if connection.idle_since > deadline and connection.wire.reusable():
                return connection
            connection.close()
            connections = self._idle.get(origin)
        return None

    def _drop(self, origin: Origin, index: int) -> _Connection:
        connections = self._idle[origin]
        connection = connections.pop(index)
        self._idle_count -= 1
        if not connections:
            del self._idle[origin]
        return connection

    async def _open(self, origin: Origin, wait_s: float | None) -> Wire:
        scheme, host, port = origin
        name = host.decode("ascii")
        tls = self._tls if scheme == b"https" else None
        try:
            async with asyncio.timeout(wait_s):
                return await open_wire(name, port, tls, wait_s)
        except TimeoutError as exc:
            raise httpx.ConnectTimeout(f"no connection to {name}:{port} in {wait_s}s") from exc
        except OSError as exc:  # ssl.SSLError included: a bad certificate is a connect error
            raise httpx.ConnectError(f"{name}:{port}: {exc}") from exc


@lru_cache(maxsize=URL_CACHE_SIZE)
def _head_event(
    method: str, target: bytes, headers: tuple[tuple[bytes, bytes], ...]
) -> h11.Request:
    """The h11 event of a request head, checked once: a feed's poll sends the same head every
    time, and h11's events are immutable."""
    return h11.Request(method=method, target=target, headers=list(headers))


class _Stale(Exception):
    """A reused connection turned out closed before any byte of the answer arrived."""


class _Connection:
    """One HTTP/1.1 connection: a wire and h11's view of it."""

    def __init__(self, pool: H11Transport, origin: Origin, wire: Wire) -> None:
        self.pool = pool
        self.origin = origin
        self.wire = wire
        self.h11 = h11.Connection(h11.CLIENT)
        self.idle_since = 0.0

    async def exchange(
        self, request: httpx.Request, wait_s: float | None, stale_ok: bool
    ) -> httpx.Response:
        """Write ``request`` and read the head of its response; the body streams after."""
        try:
            self._send(request)
            event = await self._head(wait_s, stale_ok)
            stream = self._bodiless() if event.status_code in _BODILESS else _Body(self, wait_s)
        except BaseException:
            self.close()
            raise
        return httpx.Response(
            event.status_code,
            headers=event.headers.raw_items(),
            stream=stream,
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": event.reason},
        )

    def _bodiless(self) -> httpx.AsyncByteStream:
        """A 204 or 304 ends with its head: the connection is free again at once."""
        event = self.h11.next_event()
        if type(event) is not h11.EndOfMessage:
            raise httpx.RemoteProtocolError(f"unexpected {type(event).__name__} after the head")
        self.finished()
        return _NO_BODY

    def _send(self, request: httpx.Request) -> None:
        if self.h11.our_state is h11.DONE:
            self.h11.start_next_cycle()
        head = _head_event(request.method, request.url.raw_path, tuple(request.headers.raw))
        body = request.content
        data = self.h11.send(head) or b""
        if body:
            data += self.h11.send(h11.Data(data=body)) or b""
        self.wire.write(data + (self.h11.send(_END) or b""))

    async def _head(self, wait_s: float | None, stale_ok: bool) -> h11.Response:
        while True:
            event = await self.next_event(wait_s, stale_ok)
            if isinstance(event, h11.Response):
                return event
            if not isinstance(event, h11.InformationalResponse):
                raise httpx.RemoteProtocolError(f"unexpected {type(event).__name__} from server")

    async def next_event(self, wait_s: float | None, stale_ok: bool = False) -> h11.Event:
        """h11's next event, reading from the wire as needed."""
        while True:
            try:
                event = self.h11.next_event()
            except h11.RemoteProtocolError as exc:
                raise httpx.RemoteProtocolError(str(exc)) from exc
            if event is not h11.NEED_DATA:
                return event  # type: ignore[return-value]
            data = await self.wire.read(wait_s)
            if not data and stale_ok and not self.wire.received:
                raise _Stale
            if not data and self.h11.their_state is h11.SEND_RESPONSE:
                raise httpx.RemoteProtocolError("server disconnected without sending a response")
            self.h11.receive_data(data)

    def finished(self) -> None:
        """The response was read to its end: keep the connection if both sides allow."""
        if self.h11.our_state is h11.DONE and self.h11.their_state is h11.DONE:
            self.idle_since = time.monotonic()
            self.pool.give_back(self)
        else:
            self.close()

    def close(self) -> None:
        self.wire.close()


class _Body(httpx.AsyncByteStream):
    """A response body as it arrives; closing it early closes its connection."""

    def __init__(self, connection: _Connection, wait_s: float | None) -> None:
        self._connection = connection
        self._timeout = wait_s
        self._done = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        connection = self._connection
        while not self._done:
            try:
                event = await connection.next_event(self._timeout)
            except BaseException:
                self._done = True
                connection.close()
                raise
            if isinstance(event, h11.Data):
                yield bytes(event.data)
            elif isinstance(event, h11.EndOfMessage | h11.ConnectionClosed):
                self._done = True
                connection.finished()
            else:
                self._done = True
                connection.close()
                raise httpx.RemoteProtocolError(f"unexpected {type(event).__name__} in body")

    async def aclose(self) -> None:
        if not self._done:
            self._done = True
            self._connection.close()
