"""An httpx transport on httptools and asyncio: HTTP/1.1 over connections kept alive per origin.

The fetcher hands it httpx Requests and gets httpx Responses back (httpx's transport API; httpx's
client and its httpcore transport serve instead when a proxy applies). httpcore spent most of a
conditional poll's CPU on anyio wrappers, locks and pool bookkeeping (benchmarks/poll).

A request takes the most recently used idle connection of its origin, or opens one, writes its
head and reads the response (``http1.py``: the message format, parsed by httptools).

A request whose ``CONNECT_TO`` extension names addresses (the trust rule's checked ones,
``guard.py``) connects to those and no others, its host name kept for the Host header, TLS SNI
and certificate checks; its connection is kept apart from those of other addresses.

Safety is kept: the connect timeout (TLS handshake included) and the read timeout of the
request's ``timeout`` extension bound every wait; https uses one ``ssl`` default context
(certificates and host names checked); oversized response heads are refused (``http1.py``);
redirects are left to the caller; bodies are streamed raw, so the caller decompresses them
under its own size limit (``fetch/decode.py``). Concurrency per host is the caller's to limit
(``politeness.HostGate``). A 204 or 304 answer, which ends with its head, frees its connection
at once.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections import OrderedDict
from collections.abc import AsyncIterator

import httpx

from newswatch.fetch.http1 import ResponseReader, request_head
from newswatch.fetch.wire import Wire, open_wire

Origin = tuple[bytes, bytes, int, tuple[str, ...]]
"""Scheme, host, port and the addresses to connect to (empty: resolve the host)."""
CONNECT_TO = "newswatch.connect_to"
"""Request extension: the addresses (a tuple of str) the connection must go to, in order."""
KEEPALIVE_S = 5.0
"""An idle connection older than this is closed rather than reused (httpx's default)."""
MAX_IDLE = 1024
"""Idle connections kept over all origins; the least recently used origin gives one up first."""
_PORTS = {b"http": 80, b"https": 443}
_NO_BODY = httpx.ByteStream(b"")


class HTTP11Transport(httpx.AsyncBaseTransport):
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
        port = url.port or _PORTS[url.raw_scheme]
        origin = (url.raw_scheme, url.raw_host, port, request.extensions.get(CONNECT_TO, ()))
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
        scheme, host, port, addresses = origin
        name = host.decode("ascii")
        tls = self._tls if scheme == b"https" else None
        try:
            async with asyncio.timeout(wait_s):
                return await open_wire(name, port, tls, wait_s, addresses)
        except TimeoutError as exc:
            raise httpx.ConnectTimeout(f"no connection to {name}:{port} in {wait_s}s") from exc
        except OSError as exc:  # ssl.SSLError included: a bad certificate is a connect error
            raise httpx.ConnectError(f"{name}:{port}: {exc}") from exc


class _Stale(Exception):
    """A reused connection turned out closed before any byte of the answer arrived."""


class _Connection:
    """One HTTP/1.1 connection: a wire, and the response being read on it."""

    def __init__(self, pool: HTTP11Transport, origin: Origin, wire: Wire) -> None:
        self.pool = pool
        self.origin = origin
        self.wire = wire
        self.response: ResponseReader | None = None
        self.idle_since = 0.0

    async def exchange(
        self, request: httpx.Request, wait_s: float | None, stale_ok: bool
    ) -> httpx.Response:
        """Write ``request`` and read the head of its response; the body streams after."""
        response = self.response = ResponseReader(request.method)
        self.wire.received = False
        try:
            head = request_head(request.method, request.url.raw_path, tuple(request.headers.raw))
            self.wire.write(head + request.content if request.content else head)
            while not response.head_done:
                await self.receive(wait_s, stale_ok)
            stream = _Body(self, wait_s) if response.chunks or not response.complete else None
            if stream is None:
                self.finished()
        except BaseException:
            self.close()
            raise
        return httpx.Response(
            response.status,
            headers=response.headers,
            stream=stream or _NO_BODY,
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": response.reason},
        )

    async def receive(self, wait_s: float | None, stale_ok: bool = False) -> None:
        """Read what arrives (waiting at most ``wait_s``) into the response."""
        response = self.response
        assert response is not None
        data = await self.wire.read(wait_s)
        if data:
            response.feed(data)
        elif stale_ok and not self.wire.received:
            raise _Stale
        elif not response.head_done:
            raise httpx.RemoteProtocolError("server disconnected without sending a response")
        elif response.until_eof():
            response.complete = True
        else:
            raise httpx.RemoteProtocolError("server disconnected before the end of the body")

    def finished(self) -> None:
        """The response was read to its end: keep the connection if both sides allow."""
        response, self.response = self.response, None
        if response is not None:
            response.release()
            if response.keep_alive and not response.trailing and self.wire.reusable():
                self.idle_since = time.monotonic()
                self.pool.give_back(self)
                return
        self.close()

    def close(self) -> None:
        response, self.response = self.response, None
        if response is not None:
            response.release()
        self.wire.close()


class _Body(httpx.AsyncByteStream):
    """A response body as it arrives; closing it early closes its connection."""

    def __init__(self, connection: _Connection, wait_s: float | None) -> None:
        self._connection = connection
        self._timeout = wait_s
        self._done = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        connection = self._connection
        response = connection.response
        assert response is not None
        while not self._done:
            if response.chunks:
                chunks, response.chunks = response.chunks, []
                for chunk in chunks:
                    yield chunk
                continue
            if response.complete:
                self._done = True
                connection.finished()
                break
            try:
                await connection.receive(self._timeout)
            except BaseException:
                self._done = True
                connection.close()
                raise

    async def aclose(self) -> None:
        if not self._done:
            self._done = True
            self._connection.close()
