"""The h11 transport against a real keep-alive server on loopback: reuse, stale connections."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from newswatch.errors import FetchTimeout
from newswatch.fetch import Fetcher, FetchLimits, Validators


class KeepAlive:
    """An HTTP/1.1 server that keeps connections open, counts them, and can drop idle ones."""

    def __init__(self, stall: bool = False) -> None:
        self.answer = b'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nETag: "x"\r\n\r\nok'
        self.connections = 0
        self.writers: list[asyncio.StreamWriter] = []
        self.stall = stall
        self.url = ""

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.writers.append(writer)
        try:
            while await reader.readuntil(b"\r\n\r\n"):
                if self.stall:
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
                    await asyncio.sleep(5)
                writer.write(self.answer)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    def drop_all(self) -> None:
        for writer in self.writers:
            writer.close()


@pytest.fixture
async def keep_alive() -> AsyncIterator[KeepAlive]:
    server = KeepAlive()
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    server.url = f"http://127.0.0.1:{listener.sockets[0].getsockname()[1]}"
    yield server
    listener.close()
    server.drop_all()


async def test_connections_are_reused_and_stale_ones_replaced(keep_alive: KeepAlive) -> None:
    fetcher = Fetcher(FetchLimits(host_delay_s=0.0, timeout_s=2.0))
    try:
        for _ in range(3):
            assert (await fetcher.get(keep_alive.url + "/f")).content == b"ok"
        assert keep_alive.connections == 1
        keep_alive.drop_all()  # the server closes the idle connection
        await asyncio.sleep(0.05)
        assert (await fetcher.get(keep_alive.url + "/f")).content == b"ok"
        assert keep_alive.connections == 2
    finally:
        await fetcher.aclose()


async def test_a_body_that_stops_arriving_times_out(keep_alive: KeepAlive) -> None:
    keep_alive.stall = True
    fetcher = Fetcher(FetchLimits(host_delay_s=0.0, timeout_s=0.3))
    try:
        with pytest.raises(FetchTimeout):
            await fetcher.get(keep_alive.url + "/f")
    finally:
        await fetcher.aclose()


async def test_not_modified_answers_keep_their_connection(keep_alive: KeepAlive) -> None:
    keep_alive.answer = b'HTTP/1.1 304 Not Modified\r\nETag: "x"\r\n\r\n'
    fetcher = Fetcher(FetchLimits(host_delay_s=0.0, timeout_s=2.0))
    try:
        for _ in range(3):
            response = await fetcher.get(keep_alive.url + "/f", validators=Validators('"x"'))
            assert response.not_modified and response.content == b""
            assert response.validators.etag == '"x"'
        assert keep_alive.connections == 1
    finally:
        await fetcher.aclose()
