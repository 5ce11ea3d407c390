from pathlib import Path

import pytest

from newswatch.errors import FeedParseError
from newswatch.feeds.parse import parse_feed

CORPUS = Path(__file__).parents[3] / "shared" / "corpora" / "feeds"

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Pantau</title>
<item><title>Ukraina &amp; Rusia</title><link>/news/a</link><guid>1</guid>
<description>&lt;p&gt;Pertemuan &lt;b&gt;tingkat&lt;/b&gt; tinggi&lt;/p&gt;</description>
<pubDate>Thu, 01 Jan 2026 03:00:00 +0700</pubDate></item>
<item><title>Second</title><link>http://example.id/b</link><guid>1</guid></item>
</channel></rss>"""


def test_parses_items_with_relative_links_text_summary_and_utc_dates() -> None:
    feed = parse_feed(RSS, {"content-type": "application/rss+xml"}, "http://example.id/rss")
    first, second = feed.items
    assert feed.title == "Pantau"
    assert first.title == "Ukraina & Rusia"
    assert first.link == "http://example.id/news/a"
    assert first.summary == "Pertemuan tingkat tinggi"
    assert first.published == "2025-12-31T20:00:00Z"
    assert second.published is None


def test_a_reused_guid_does_not_hide_a_different_article() -> None:
    first, second = parse_feed(RSS, {}, "http://example.id/rss").items
    assert first.guid == second.guid
    assert first.fingerprint != second.fingerprint


@pytest.mark.parametrize("body", [b"<html><body>Not a feed</body></html>", b"", b"\x00\x01garbage"])
def test_not_a_feed_is_an_error(body: bytes) -> None:
    with pytest.raises(FeedParseError, match="not a feed"):
        parse_feed(body, {}, "http://example.id/rss")


def test_declared_charset_is_honoured() -> None:
    body = RSS.replace(b'encoding="utf-8"', b"").replace(b"Pantau", "Ñandú".encode("latin-1"))
    feed = parse_feed(body, {"content-type": "text/xml; charset=iso-8859-1"}, "http://e/rss")
    assert feed.title == "Ñandú"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared feed corpus not present")
def test_tempo_feeds_from_the_corpus_keep_every_article() -> None:
    feed = parse_feed((CORPUS / "tempo-rss" / "free-ekonomi.xml").read_bytes(), {}, "https://x/")
    links = {item.link for item in feed.items}
    assert len(links) == len(feed.items) > 1
