"""HTTP/1.1 messages: request heads written out, responses read with httptools. No I/O.

httptools wraps llhttp, the C parser of Node.js (h11, pure Python, was a tenth of a 304 poll's
CPU). A request head is serialized once per distinct head and its bytes reused: a feed's poll
sends the same head every time. A response head larger than ``MAX_HEAD_BYTES`` is refused.
"""

from __future__ import annotations

import re
from functools import lru_cache

import httptools
import httpx

from newswatch.fetch.urls import URL_CACHE_SIZE

MAX_HEAD_BYTES = 64 * 1024
"""A response head (status line and headers) larger than this is refused."""
_UNSAFE = re.compile(rb"[\x00\r\n]")
_TOKEN = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


@lru_cache(maxsize=URL_CACHE_SIZE)
def request_head(method: str, target: bytes, headers: tuple[tuple[bytes, bytes], ...]) -> bytes:
    """A request head as sent, built once: a feed's poll sends the same head every time.
    A name that is not a token, or a CR, LF or NUL anywhere, is refused (no header injection)."""
    if _UNSAFE.search(target) or b" " in target or not target:
        raise httpx.LocalProtocolError(f"invalid request target {target!r}")
    lines = [b"%s %s HTTP/1.1" % (method.encode("ascii"), target)]
    for name, value in headers:
        if not _TOKEN.fullmatch(name) or _UNSAFE.search(value):
            raise httpx.LocalProtocolError(f"invalid request header {name!r}")
        lines.append(b"%s: %s" % (name, value))
    lines += [b"", b""]
    return b"\r\n".join(lines)


class ResponseReader:
    """httptools' callbacks for one response: its head, then its body as it arrives.

    Informational answers (1xx, such as 103 Early Hints) are skipped: the final one follows.
    """

    def __init__(self, method: str) -> None:
        self.parser: httptools.HttpResponseParser | None = httptools.HttpResponseParser(self)
        self.head_only = method == "HEAD"
        self.status = 0
        self.reason = b""
        self.headers: list[tuple[bytes, bytes]] = []
        self.head_size = 0
        """Bytes of the head's header lines (bytes fed while it is incomplete: ``unparsed``)."""
        self.unparsed = 0
        self.head_done = False
        self.complete = False
        self.chunks: list[bytes] = []
        self.trailing = False
        self.keep_alive = False
        self._informational = False

    def feed(self, data: bytes) -> None:
        """Parse received bytes (the callbacks below fill this object)."""
        assert self.parser is not None, "fed after release"
        if not self.head_done:
            self.unparsed += len(data)
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade as exc:
            raise httpx.RemoteProtocolError("the server switched protocols") from exc
        except httptools.HttpParserError as exc:
            raise httpx.RemoteProtocolError(f"malformed response: {exc}") from exc
        if self.head_size > MAX_HEAD_BYTES or (
            not self.head_done and self.unparsed > MAX_HEAD_BYTES
        ):
            raise httpx.RemoteProtocolError(f"response head over {MAX_HEAD_BYTES} bytes")

    def release(self) -> None:
        """Drop the parser, which refers back to this object: the pair is freed at once rather
        than left to the garbage collector."""
        self.parser = None

    def until_eof(self) -> bool:
        """Whether the body ends when the connection does (neither a length nor chunks)."""
        framing = {name.lower(): value for name, value in self.headers}
        coding = framing.get(b"transfer-encoding", b"").rsplit(b",", 1)[-1].strip().lower()
        return b"content-length" not in framing and coding != b"chunked"

    def on_message_begin(self) -> None:
        self.trailing = self.complete  # bytes after the answer: the connection is not reused
        self.headers = []

    def on_status(self, reason: bytes) -> None:
        self.reason = reason

    def on_header(self, name: bytes, value: bytes) -> None:
        self.head_size += len(name) + len(value) + 4
        self.headers.append((name, value))

    def on_headers_complete(self) -> None:
        assert self.parser is not None
        status = self.parser.get_status_code()
        if status < 200:
            self._informational = True
            return
        self.status = status
        self.head_done = True
        self.keep_alive = self.parser.should_keep_alive()  # not to be asked once it is over
        if self.head_only:  # the answer to HEAD has no body, whatever its headers say
            self.complete = True

    def on_body(self, body: bytes) -> None:
        self.chunks.append(body)

    def on_message_complete(self) -> None:
        if self._informational:
            self._informational = False
        else:
            self.complete = True
