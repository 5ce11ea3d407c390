from urllib.parse import urljoin

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newswatch.errors import FeedParseError
from newswatch.feeds import parse
from newswatch.feeds.parse import parse_feed
from tests.support.paths import feed_corpus

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


HIDDEN_AND_BLOCKS = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title type="html">Pantau&lt;style&gt;b {}&lt;/style&gt;</title>
<entry><id>urn:a</id><title type="html">Damai&lt;script&gt;alert(1)&lt;/script&gt;</title>
<content type="html">&lt;p&gt;perundingan&lt;/p&gt;&lt;p&gt;damai&lt;br&gt;Ukraina&lt;/p&gt;
&lt;iframe src="http://x.example/"&gt;frame&lt;/iframe&gt;&lt;applet&gt;app&lt;/applet&gt;akhir</content>
</entry></feed>"""


def test_markup_is_reduced_to_the_text_a_reader_sees() -> None:
    """Scripts, styles, frames and applets are not text; blocks and breaks separate words (and
    feedparser's own sanitizer is not needed for either)."""
    feed = parse_feed(HIDDEN_AND_BLOCKS, {}, "http://example.id/atom")
    (entry,) = feed.items
    assert feed.title == "Pantau"
    assert entry.title == "Damai"
    assert entry.summary == "perundingan damai Ukraina akhir"


@pytest.mark.parametrize("body", [b"<html><body>Not a feed</body></html>", b"", b"\x00\x01garbage"])
def test_not_a_feed_is_an_error(body: bytes) -> None:
    with pytest.raises(FeedParseError, match="not a feed"):
        parse_feed(body, {}, "http://example.id/rss")


def test_declared_charset_is_honoured() -> None:
    body = RSS.replace(b'encoding="utf-8"', b"").replace(b"Pantau", "Ñandú".encode("latin-1"))
    feed = parse_feed(body, {"content-type": "text/xml; charset=iso-8859-1"}, "http://e/rss")
    assert feed.title == "Ñandú"


def test_tempo_feeds_from_the_corpus_keep_every_article() -> None:
    feed = parse_feed((feed_corpus() / "tempo-rss/free-ekonomi.xml").read_bytes(), {}, "https://x/")
    links = {item.link for item in feed.items}
    assert len(links) == len(feed.items) > 1


def _rss_item(title: str, description: str = "d", extra: str = "") -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        f"<item><title>{title}</title><link>http://e/a</link><guid>g</guid>"
        f"<description>{description}</description>{extra}</item></channel></rss>"
    ).encode()


def test_an_entry_whose_text_changes_gets_a_new_fingerprint() -> None:
    (first,) = parse_feed(_rss_item("Draft"), {}, "http://e/rss").items
    (same,) = parse_feed(_rss_item("Draft"), {}, "http://e/rss").items
    (edited,) = parse_feed(_rss_item("Final"), {}, "http://e/rss").items
    assert first.fingerprint == same.fingerprint
    assert first.fingerprint != edited.fingerprint
    assert first.guid == edited.guid and first.link == edited.link


def test_an_updated_date_is_the_version_when_present() -> None:
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
    <entry><id>urn:1</id><title>{T}</title><link href="http://e/a"/>
    <updated>{U}</updated></entry></feed>"""

    def item(title: bytes, updated: bytes):  # type: ignore[no-untyped-def]
        body = atom.replace(b"{T}", title).replace(b"{U}", updated)
        return parse_feed(body, {}, "http://e/atom").items[0]

    first = item(b"One", b"2026-01-01T00:00:00Z")
    assert first.updated == "2026-01-01T00:00:00Z"
    assert first.version == "2026-01-01T00:00:00Z"
    assert item(b"Two", b"2026-01-01T00:00:00Z").fingerprint == first.fingerprint
    assert item(b"One", b"2026-01-02T00:00:00Z").fingerprint != first.fingerprint


def test_rss_pubdate_alone_is_not_taken_for_an_update() -> None:
    body = _rss_item("x", extra="<pubDate>Thu, 01 Jan 2026 03:00:00 +0000</pubDate>")
    (item,) = parse_feed(body, {}, "http://e/rss").items
    assert item.published == "2026-01-01T03:00:00Z" and item.updated is None


def test_feed_hints_from_ttl_and_the_syndication_module() -> None:
    rss = (
        b'<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel>'
        b"<title>t</title>{X}<item><title>a</title><guid>1</guid></item></channel></rss>"
    )
    hint = lambda x: parse_feed(rss.replace(b"{X}", x), {}, "http://e/").hint_s  # noqa: E731
    assert hint(b"") == 0.0
    assert hint(b"<ttl>60</ttl>") == 3600.0
    assert hint(b"<ttl>soon</ttl>") == 0.0
    assert hint(b"<sy:updatePeriod>daily</sy:updatePeriod>") == 86400.0
    period = b"<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency>"
    assert hint(period) == 1800.0
    assert hint(b"<ttl>99999999</ttl>") == 7 * 86400.0  # capped


def test_entry_dates_are_collected_for_the_schedule() -> None:
    body = _rss_item("x", extra="<pubDate>Thu, 01 Jan 2026 03:00:00 +0000</pubDate>")
    assert parse_feed(body, {}, "http://e/rss").stamps == (1767236400.0,)


def test_json_is_recognised_by_content_type_or_first_character() -> None:
    feed = b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", "title": "A"}]}'
    assert parse_feed(feed, {}, "http://e/feed.json").items[0].title == "A"
    assert parse_feed(b"\n  " + feed, {"Content-Type": "text/plain"}, "http://e/f").items
    with pytest.raises(FeedParseError, match="invalid JSON"):
        parse_feed(b"[1, 2", {"content-type": "application/feed+json"}, "http://e/f")


def test_a_parser_crash_is_a_feed_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import feedparser

    def boom(*_args: object, **_kw: object) -> None:
        raise RuntimeError("parser bug")

    monkeypatch.setattr(feedparser, "parse", boom)
    with pytest.raises(FeedParseError, match="parser failed"):
        parse_feed(RSS, {}, "http://e/rss")


BASES = st.sampled_from(
    ["http://example.id/rss", "https://example.id/a/b/feed.xml?x=1", "http://h:8080/", "ftp://x/y"]
)


@settings(max_examples=2000, deadline=None)
@given(base=BASES, value=st.from_regex(parse._PLAIN_ABSOLUTE, fullmatch=True))
def test_the_fast_absolute_link_check_agrees_with_urljoin(base: str, value: str) -> None:
    """A link the pattern takes for plain and absolute is one urljoin leaves as it is, so the
    feed needs no second parse with its base."""
    assert urljoin(base, value) == value
    assert parse.unchanged_by_join(base, value)


@pytest.mark.parametrize(
    "value", ["/news/a", "news/a", "HTTP://example.id/a", "http://example.id/a;p", "http://x/a?",
              "http://example.id/./a", " http://example.id/a"],
)  # fmt: skip
def test_links_that_a_base_would_change_are_found(value: str) -> None:
    base = "http://example.id/rss"
    assert parse.unchanged_by_join(base, value) == (urljoin(base, value) == value)


LITERAL_TITLES = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title type="text">Tags &lt;script&gt; &amp; &lt;b&gt;</title>
<entry><id>urn:text</id><title type="text">Why &lt;script&gt; tags matter</title>
<summary type="text">A &lt;style&gt; element holds CSS</summary></entry>
<entry><id>urn:default</id><title>Using &lt;iframe&gt; safely</title></entry>
<entry><id>urn:html</id>
<title type="html">Why &amp;lt;script&amp;gt; &lt;b&gt;tags&lt;/b&gt; matter</title>
<content type="text">&lt;p&gt; is a paragraph</content></entry>
</feed>"""

RSS_LITERAL_TITLE = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Pantau</title>
<item><title>Why &lt;script&gt; tags matter</title><link>http://example.id/a</link></item>
<item><title>Ukraina &lt;b&gt;damai&lt;/b&gt;</title><link>http://example.id/b</link></item>
</channel></rss>"""


def test_text_declared_plain_keeps_what_looks_like_tags() -> None:
    """Atom's type="text" (the default) is text: "<script>" in it is two words of the headline,
    not an element to drop. type="html" is still read as HTML."""
    feed = parse_feed(LITERAL_TITLES, {}, "http://example.id/atom")
    plain, default, markup = feed.items
    assert feed.title == "Tags <script> & <b>"
    assert plain.title == "Why <script> tags matter"
    assert plain.summary == "A <style> element holds CSS"
    assert default.title == "Using <iframe> safely"
    assert markup.title == "Why <script> tags matter"
    assert markup.summary == "<p> is a paragraph"


def test_rss_titles_are_read_as_html_only_when_they_hold_markup() -> None:
    """feedparser tells an RSS title with HTML elements (text/html) from plain text with a
    "<" in it (text/plain); only the former loses its tags."""
    literal, markup = parse_feed(RSS_LITERAL_TITLE, {}, "http://example.id/rss").items
    assert literal.title == "Why <script> tags matter"
    assert markup.title == "Ukraina damai"
