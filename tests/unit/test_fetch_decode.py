import gzip
import resource
import zlib

import pytest

from newswatch.errors import BodyTooLarge, FetchError
from newswatch.fetch.decode import BodyDecoder

TEXT = b"<rss>" + b"news " * 20_000 + b"</rss>"


def decode(raw: bytes, encoding: str | None, limit: int = 10**6, chunk: int = 1000) -> bytes:
    decoder = BodyDecoder("http://e/", encoding, limit)
    for i in range(0, len(raw), chunk):
        decoder.feed(raw[i : i + chunk])
    return decoder.finish()


@pytest.mark.parametrize(
    ("encoding", "raw"),
    [
        (None, TEXT),
        ("identity", TEXT),
        ("gzip", gzip.compress(TEXT)),
        ("x-gzip", gzip.compress(TEXT)),
        ("deflate", zlib.compress(TEXT)),
        ("deflate", zlib.compress(TEXT)[2:-4]),  # raw deflate, as some servers send it
        ("GZIP ", gzip.compress(TEXT[:50_000]) + gzip.compress(TEXT[50_000:])),  # two members
    ],
)
def test_bodies_are_decoded_whatever_the_chunking(encoding: str | None, raw: bytes) -> None:
    assert decode(raw, encoding) == TEXT
    assert decode(raw, encoding, chunk=7) == TEXT


def test_a_gzip_bomb_is_stopped_at_the_limit_in_little_memory() -> None:
    bomb = gzip.compress(b"\0" * 200_000_000, compresslevel=9)  # ~200 KB on the wire
    assert len(bomb) < 300_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(BodyTooLarge, match="after decompression"):
        decode(bomb, "gzip", limit=1_000_000, chunk=len(bomb))  # the whole bomb in one chunk
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 50_000


def test_plain_bodies_are_limited_too() -> None:
    with pytest.raises(BodyTooLarge):
        decode(b"x" * 2001, None, limit=2000)
    assert decode(b"x" * 2000, None, limit=2000) == b"x" * 2000


def test_unsupported_or_stacked_encodings_are_errors() -> None:
    with pytest.raises(FetchError, match="unsupported Content-Encoding"):
        BodyDecoder("http://e/", "br", 100)
    with pytest.raises(FetchError, match="unsupported Content-Encoding"):
        BodyDecoder("http://e/", "gzip, gzip", 100)


def test_a_corrupt_gzip_body_is_an_error_but_trailing_junk_is_ignored() -> None:
    with pytest.raises(FetchError, match="cannot decode gzip"):
        decode(b"this is not gzip at all", "gzip")
    assert decode(gzip.compress(TEXT) + b"\0\0junk", "gzip") == TEXT


def test_a_truncated_gzip_body_keeps_what_arrived() -> None:
    body = decode(gzip.compress(TEXT)[:-100], "gzip")
    assert TEXT.startswith(body) and len(body) > 10_000
