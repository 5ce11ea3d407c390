"""A TCP (or TLS) connection as an asyncio protocol: writes, and reads under a timeout.

Lighter than asyncio streams for the transport's needs: received bytes wait in a list until
read, reading pauses when too much waits unread, and each wait for bytes has its own timer.
"""

from __future__ import annotations

import asyncio
import ssl

import httpx

HIGH_WATER = 1024 * 1024
"""Stop reading from the socket while this many received bytes wait to be read."""


class Wire(asyncio.Protocol):
    """One connection's bytes; ``read`` returns b"" at the end of the stream."""

    def __init__(self) -> None:
        self._transport: asyncio.Transport | None = None
        self._chunks: list[bytes] = []
        self._size = 0
        self._eof = False
        self._error: Exception | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._paused = False
        self.received = False
        """Whether any byte arrived since the transport last cleared it (at each request): a
        reused connection that closes before is stale."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        self._chunks.append(data)
        self._size += len(data)
        self.received = True
        if self._size > HIGH_WATER and self._transport is not None and not self._paused:
            self._paused = True
            self._transport.pause_reading()
        self._wake()

    def eof_received(self) -> bool:
        self._eof = True
        self._wake()
        return False  # close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        self._eof = True
        self._error = exc
        self._wake()

    def reusable(self) -> bool:
        """Open, and silent since the last response (an idle connection must be)."""
        closing = self._transport is None or self._transport.is_closing()
        return not (self._eof or self._chunks or closing)

    def write(self, data: bytes) -> None:
        """Queue ``data`` for sending (request heads are small: no back-pressure to wait on)."""
        if self._transport is None or self._transport.is_closing():
            raise httpx.WriteError("connection closed")
        self._transport.write(data)

    async def read(self, wait_s: float | None) -> bytes:
        """The bytes received so far, waiting at most ``wait_s`` s for some; b"" at the end."""
        if not self._chunks and not self._eof:
            await self._wait(wait_s)
        if self._error is not None and not self._chunks:
            raise httpx.ReadError(f"connection lost: {self._error}")
        data = b"".join(self._chunks) if len(self._chunks) > 1 else self._take_one()
        self._chunks.clear()
        self._size = 0
        if self._paused and self._transport is not None:
            self._paused = False
            self._transport.resume_reading()
        return data

    def close(self) -> None:
        """Close the connection (idempotent)."""
        if self._transport is not None:
            self._transport.close()

    def _take_one(self) -> bytes:
        return self._chunks[0] if self._chunks else b""

    async def _wait(self, wait_s: float | None) -> None:
        loop = asyncio.get_running_loop()
        waiter = self._waiter = loop.create_future()
        timer = None if wait_s is None else loop.call_later(wait_s, _expire, waiter, wait_s)
        try:
            await waiter
        finally:
            self._waiter = None
            if timer is not None:
                timer.cancel()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)


def _expire(waiter: asyncio.Future[None], wait_s: float) -> None:
    if not waiter.done():
        waiter.set_exception(httpx.ReadTimeout(f"no data for {wait_s:g}s"))


async def open_wire(
    host: str,
    port: int,
    tls: ssl.SSLContext | None,
    wait_s: float | None,
    addresses: tuple[str, ...] = (),
) -> Wire:
    """Connect to ``host:port`` (TLS with ``tls`` verifying ``host``, when given).

    With ``addresses``, connect to the first of them that answers instead of resolving ``host``
    again: the caller checked those (the trust rule), and a second lookup could give others.
    """
    error: OSError | None = None
    for address in addresses or (host,):
        try:
            return await _connect(address, host, port, tls, wait_s)
        except OSError as exc:
            error = exc
    assert error is not None
    raise error


async def _connect(
    address: str, host: str, port: int, tls: ssl.SSLContext | None, wait_s: float | None
) -> Wire:
    _transport, wire = await asyncio.get_running_loop().create_connection(
        Wire,
        address,
        port,
        ssl=tls,
        server_hostname=host if tls is not None else None,
        ssl_handshake_timeout=wait_s if tls is not None else None,
    )
    return wire
