import json

import pytest

from newswatch.errors import FeedParseError
from newswatch.feeds.jsonfeed import parse_json_feed


def feed(**top: object) -> bytes:
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", **top}).encode()


def test_items_become_feed_items() -> None:
    body = feed(
        title="Pantau",
        items=[
            {
                "id": "a1",
                "url": "/news/a",
                "title": "Ukraina &amp; Rusia",
                "content_html": "<p>Pertemuan <b>tingkat</b> tinggi</p>",
                "date_published": "2026-01-01T03:00:00+07:00",
                "date_modified": "2026-01-01T04:00:00Z",
                "authors": [{"name": "Gerry Eka"}],
            },
            {
                "id": 7,
                "external_url": "https://other.example/b",
                "content_text": " plain  text ",
                "title": "Why <script> tags matter",
            },  # plain text: no element to drop
        ],
    )
    parsed = parse_json_feed(body, "http://example.id/feed.json")
    first, second = parsed.items
    assert parsed.title == "Pantau"
    assert first.guid == "a1" and first.link == "http://example.id/news/a"
    assert first.title == "Ukraina & Rusia"
    assert first.summary == "Pertemuan tingkat tinggi"
    assert first.published == "2025-12-31T20:00:00Z"
    assert first.updated == "2026-01-01T04:00:00Z" == first.version
    assert first.author == "Gerry Eka"
    assert second.guid == "7" and second.link == "https://other.example/b"
    assert second.summary == "plain text" and second.published is None
    assert second.title == "Why <script> tags matter"
    assert parsed.stamps == (1767211200.0,)


def test_version_1_author_and_summary_fallbacks() -> None:
    body = json.dumps(
        {
            "version": "https://jsonfeed.org/version/1",
            "items": [{"url": "http://e/x", "summary": "s", "author": {"name": "A"}}, "junk", {}],
        }
    ).encode()
    (item,) = parse_json_feed(body, "http://e/").items
    assert item.guid == "http://e/x" and item.summary == "s" and item.author == "A"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"verion": "1.0"}', "version"),
        (b'{"version": "https://jsonfeed.org/version/1"}', "items"),
        (b'{"version": "2.0", "items": []}', "version"),
        (b"[]", "not a JSON Feed"),
        (b'{"version": "https://jsonfeed.org/version/1", "items": [', "invalid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "JSON"),
    ],
)
def test_invalid_json_feeds_are_feed_errors(body: bytes, message: str) -> None:
    with pytest.raises(FeedParseError, match=message):
        parse_json_feed(body, "http://e/feed.json")


def test_characters_nothing_downstream_takes_are_dropped() -> None:
    # JSON can carry NUL (PostgreSQL refuses it) and lone surrogates (no UTF-8 encoder takes
    # them, Redis's included); an entry keeps its words and loses only those.
    body = b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "x\\u0000",'
    body += b' "url": "/a", "title": "Damai\\u0000 di \\ud800Kyiv", "authors": [{"name":'
    body += b' "A\\u0007B"}], "content_text": "tab\\tkept \\udfff\\u001f"}]}'
    (item,) = parse_json_feed(body, "http://example.id/feed.json").items
    assert (item.guid, item.title, item.author) == ("x", "Damai di \ufffdKyiv", "AB")
    assert item.summary == "tab kept \ufffd"
    assert all(str(value).encode() for value in vars(item).values())
