"""The HTTP/1.1 transport against real servers on loopback: reuse, stale connections, framing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from newswatch.errors import FetchError, FetchTimeout
from newswatch.fetch import Fetcher, FetchLimits, Validators


class KeepAlive:
    """An HTTP/1.1 server that keeps connections open, counts them, and can drop idle ones."""

    def __init__(self, stall: bool = False) -> None:
        self.answer = b'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nETag: "x"\r\n\r\nok'
        self.close_after = False
        """Close the connection after each answer (a body that ends with the connection)."""
        self.requests: list[bytes] = []
        self.connections = 0
        self.writers: list[asyncio.StreamWriter] = []
        self.stall = stall
        self.url = ""

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.writers.append(writer)
        try:
            while head := await reader.readuntil(b"\r\n\r\n"):
                self.requests.append(head)
                if self.stall:
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
                    await asyncio.sleep(5)
                writer.write(self.answer)
                await writer.drain()
                if self.close_after:
                    break
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


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    client = Fetcher(FetchLimits(host_delay_s=0.0, timeout_s=2.0))
    yield client
    await client.aclose()


async def test_connections_are_reused_and_stale_ones_replaced(
    keep_alive: KeepAlive, fetcher: Fetcher
) -> None:
    for _ in range(3):
        assert (await fetcher.get(keep_alive.url + "/f")).content == b"ok"
    assert keep_alive.connections == 1
    keep_alive.drop_all()  # the server closes the idle connection
    await asyncio.sleep(0.05)
    assert (await fetcher.get(keep_alive.url + "/f")).content == b"ok"
    assert keep_alive.connections == 2


async def test_a_body_that_stops_arriving_times_out(keep_alive: KeepAlive) -> None:
    keep_alive.stall = True
    fetcher = Fetcher(FetchLimits(host_delay_s=0.0, timeout_s=0.3))
    try:
        with pytest.raises(FetchTimeout):
            await fetcher.get(keep_alive.url + "/f")
    finally:
        await fetcher.aclose()


async def test_not_modified_answers_keep_their_connection(
    keep_alive: KeepAlive, fetcher: Fetcher
) -> None:
    keep_alive.answer = b'HTTP/1.1 304 Not Modified\r\nETag: "x"\r\n\r\n'
    for _ in range(3):
        response = await fetcher.get(keep_alive.url + "/f", validators=Validators('"x"'))
        assert response.not_modified and response.content == b""
        assert response.validators.etag == '"x"'
    assert keep_alive.connections == 1


@pytest.mark.parametrize(
    ("answer", "close_after", "body"),
    [
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n3\r\n!!!\r\n0\r\n\r\n",
         False, b"ok!!!"),
        (b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end", True,
         b"until the end"),
        (b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
         b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\nX-Final: yes\r\n\r\nbody", False, b"body"),
    ],
    ids=["chunked", "until-close", "early-hints"],
)  # fmt: skip
async def test_bodies_are_framed_by_length_chunks_or_the_end_of_the_connection(
    keep_alive: KeepAlive, fetcher: Fetcher, answer: bytes, close_after: bool, body: bytes
) -> None:
    keep_alive.answer, keep_alive.close_after = answer, close_after
    response = await fetcher.get(keep_alive.url + "/f")
    assert (response.status, response.content) == (200, body)
    assert "link" not in response.headers  # the informational answer's headers are not kept


async def test_a_connection_the_server_closes_is_not_reused(
    keep_alive: KeepAlive, fetcher: Fetcher
) -> None:
    keep_alive.answer = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
    for _ in range(2):
        assert (await fetcher.get(keep_alive.url + "/f")).content == b"ok"
    assert keep_alive.connections == 2


@pytest.mark.parametrize(
    ("answer", "close_after", "error"),
    [
        (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", True, "before the end of the body"),
        (b"", True, "without sending a response"),
        (b"HTTP/1.1 200 OK\r\n" + b"X-Big: " + b"a" * 70_000 + b"\r\n\r\n", False, "head over"),
        (b"HTTP/1.1 200 OK\r\nX-Endless: " + b"a" * 70_000, False, "head over"),
        (b"NOT HTTP AT ALL\r\n\r\n", False, "malformed response"),
        (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n\r\n",
         False, "switched protocols"),
    ],
    ids=["truncated-body", "no-answer", "huge-head", "endless-head", "garbage", "upgrade"],
)  # fmt: skip
async def test_broken_answers_are_fetch_errors(
    keep_alive: KeepAlive, fetcher: Fetcher, answer: bytes, close_after: bool, error: str
) -> None:
    keep_alive.answer, keep_alive.close_after = answer, close_after
    with pytest.raises(FetchError, match=error):
        await fetcher.get(keep_alive.url + "/f")


async def test_a_validator_cannot_inject_headers(keep_alive: KeepAlive, fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match="invalid request header"):
        await fetcher.get(keep_alive.url + "/f", validators=Validators('"x"\r\nX-Injected: 1'))
    assert keep_alive.requests == []


async def test_user_info_in_a_url_is_sent_as_basic_credentials(
    keep_alive: KeepAlive, fetcher: Fetcher
) -> None:
    url = keep_alive.url.replace("http://", "http://reader:s3cret@") + "/f"
    assert (await fetcher.get(url)).content == b"ok"
    (head,) = keep_alive.requests
    assert b"\r\nAuthorization: Basic cmVhZGVyOnMzY3JldA==\r\n" in head


async def test_a_proxy_named_by_the_environment_is_used(
    keep_alive: KeepAlive, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", keep_alive.url)
    fetcher = Fetcher(FetchLimits(host_delay_s=0.0, timeout_s=2.0))
    try:
        assert (await fetcher.get("http://feeds.example/f")).content == b"ok"
    finally:
        await fetcher.aclose()
    (head,) = keep_alive.requests
    assert head.startswith(b"GET http://feeds.example/f HTTP/1.1\r\n")
