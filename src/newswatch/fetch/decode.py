"""Response bodies decompressed incrementally under a size limit, so a gzip bomb costs nothing.

httpx decompresses each network chunk in one go, so a small chunk of a highly compressed body
can expand to gigabytes before a size check sees it. Here raw bytes go through
``zlib.decompressobj`` with ``max_length``: no call produces more than the bytes still allowed
(and at most ``STEP`` bytes), so memory stays bounded by the limit whatever the ratio.
``read_body`` reads a response's raw stream into one, ``discard`` reads and drops an unwanted
body.
"""

from __future__ import annotations

import zlib

import httpx

from newswatch.errors import BodyTooLarge, FetchError

STEP = 64 * 1024
DISCARD_MAX_BYTES = 64 * 1024
_GZIP = frozenset({"gzip", "x-gzip"})
_SUPPORTED = _GZIP | {"deflate"}


class BodyDecoder:
    """Collects a body from raw chunks, undoing its Content-Encoding, at most ``limit`` bytes."""

    def __init__(self, url: str, content_encoding: str | None, limit: int) -> None:
        self.url = url
        self.limit = limit
        codings = [
            c.strip().lower()
            for c in (content_encoding or "").split(",")
            if c.strip() and c.strip().lower() != "identity"
        ]
        if len(codings) > 1 or (codings and codings[0] not in _SUPPORTED):
            raise FetchError(url, f"unsupported Content-Encoding {content_encoding!r}")
        self.coding = codings[0] if codings else None
        self._wbits = 16 + zlib.MAX_WBITS if self.coding in _GZIP else zlib.MAX_WBITS
        self._inflater = zlib.decompressobj(self._wbits) if self.coding else None
        self._chunks: list[bytes] = []
        self._size = 0
        self._junk = False

    def feed(self, raw: bytes) -> None:
        """Take the next raw chunk; raises BodyTooLarge as soon as the limit is passed."""
        if not raw or self._junk:
            return
        if self._inflater is None:
            self._keep(raw)
            return
        self._inflate(raw)

    def finish(self) -> bytes:
        """The whole decoded body."""
        if self._inflater is not None and not self._inflater.eof and not self._junk:
            self._keep(self._inflater.flush())
        return b"".join(self._chunks)

    def _inflate(self, data: bytes) -> None:
        while data:
            inflater = self._inflater
            assert inflater is not None
            if inflater.eof:  # a gzip file may hold several members, one after the other
                self._inflater = inflater = zlib.decompressobj(self._wbits)
            try:
                out = inflater.decompress(data, min(STEP, self.limit - self._size + 1))
            except zlib.error as exc:
                data = self._recover(data, exc)
                continue
            self._keep(out)
            data = inflater.unconsumed_tail
            if inflater.eof and inflater.unused_data:
                data = inflater.unused_data + data

    def _recover(self, data: bytes, exc: zlib.error) -> bytes:
        """Raw deflate sent as ``deflate``, or trailing junk after a complete body."""
        if self.coding == "deflate" and self._size == 0 and self._wbits > 0:
            self._wbits = -zlib.MAX_WBITS
            self._inflater = zlib.decompressobj(self._wbits)
            return data
        if self._size > 0:
            self._junk = True  # what was decoded stands; the rest is junk, as browsers treat it
            return b""
        raise FetchError(self.url, f"cannot decode {self.coding} body: {exc}") from exc

    def _keep(self, data: bytes) -> None:
        if not data:
            return
        self._size += len(data)
        if self._size > self.limit:
            raise BodyTooLarge(self.url, f"body exceeds {self.limit} bytes (after decompression)")
        self._chunks.append(data)


async def read_body(url: str, reply: httpx.Response, limit: int) -> bytes:
    """The body, decompressed incrementally and never more than ``limit`` bytes."""
    declared = reply.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(url, f"Content-Length {declared} exceeds {limit} bytes")
    decoder = BodyDecoder(url, reply.headers.get("content-encoding"), limit)
    async for chunk in _raw(reply):
        decoder.feed(chunk)
    return decoder.finish()


async def discard(reply: httpx.Response) -> None:
    """Read a small unwanted body to its end, so the connection can be kept for the next
    request; a large one is left unread and its connection closed."""
    read = 0
    async for chunk in _raw(reply):
        read += len(chunk)
        if read > DISCARD_MAX_BYTES:
            return


def _raw(reply: httpx.Response) -> httpx.AsyncByteStream:
    """The body as the transport streams it. ``Response.aiter_raw`` adds httpx's byte counting
    and re-chunking, which cost a 304 poll a twentieth of its CPU; the caller closes the
    response (``aclose``) either way."""
    stream = reply.stream
    if not isinstance(stream, httpx.AsyncByteStream):
        raise TypeError("an async transport gave a synchronous body")
    return stream
