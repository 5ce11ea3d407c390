"""The Atom feed of alerts from hostile feed data: valid XML and Atom, everything escaped."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree as ET

import feedparser
import lxml.html
import pytest

from newswatch.archive.read import ArchivedAlert, ArchivedArticle
from newswatch.web import alertfeed, atom

NS = {"a": atom.ATOM_NS}
DETECTED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)

HOSTILE_TITLE = (
    'Breaking <script>alert("t")</script> & "quotes" \'too\' ]]> \x00\x08\x0b\ufffe\ud800end'
)
HOSTILE_SNIPPET = "before <img src=x onerror=alert(1)> Ukraine ]]> talks </p><script>x()</script>"


def item(**changes: object) -> ArchivedAlert:
    """An archived alert; ``changes`` name fields of the alert or of its article."""
    article: dict[str, object] = {
        "id": 1, "canonical_url": "https://news.example/a", "url": "https://news.example/a?x=1&y=2",
        "title": "Ukraine talks", "text": "", "feed": "News", "site": "news.example",
        "language": "en", "author": None, "published": "2026-01-02T01:00:00Z", "from_page": True,
        "fingerprint": "f", "first_seen": 0.0, "seen_at": 0.0, "last_seen": 0.0, "versions": 1,
        "story_id": None,
    }  # fmt: skip
    alert: dict[str, object] = {
        "alert_id": "a" * 32, "watch": "ukraine", "update_of": None,
        "detected_at": DETECTED.timestamp(), "hits": [], "snippet": "Ukraine prepares talks",
        "marks": [[0, 7]], "entities": [],
    }  # fmt: skip
    for key, value in changes.items():
        (alert if key in alert else article)[key] = value
    return ArchivedAlert(**alert, article=ArchivedArticle(**article))  # type: ignore[arg-type]


def document(*items: ArchivedAlert, watch: str | None = None) -> bytes:
    return atom.render(alertfeed.feed(list(items), "http://127.0.0.1:9108/feed.atom", watch))


def content_html(doc: bytes, index: int = 0) -> lxml.html.HtmlElement:
    """An entry's content, as the HTML a reader would render."""
    entry = ET.fromstring(doc).findall("a:entry", NS)[index]
    text = entry.findtext("a:content", namespaces=NS)
    assert text is not None
    return lxml.html.fragment_fromstring(text, create_parent="div")


def test_a_feed_is_valid_atom_with_stable_ids_and_dates() -> None:
    doc = document(item(), item(alert_id="b" * 32, update_of="a" * 32), watch="ukraine")
    parsed = feedparser.parse(doc)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.id == "urn:newswatch:watch:ukraine"
    assert parsed.feed.updated == "2026-01-02T03:04:05Z"
    assert [link.rel for link in parsed.feed.links] == ["self"]
    first, update = parsed.entries
    assert first.id == "urn:newswatch:alert:" + "a" * 32
    assert first.link == "https://news.example/a?x=1&y=2"
    assert first.author == "news.example (News)"
    assert first.published == "2026-01-02T01:00:00Z"
    assert first.updated == "2026-01-02T03:04:05Z"
    assert [tag.term for tag in first.tags] == ["ukraine"]
    assert first.content[0].language == "en"
    assert "published 2026-01-02 01:00 UTC · watch: ukraine" in content_html(doc).text_content()
    assert update.title == "Update: Ukraine talks"
    marks = content_html(doc).findall(".//mark")
    assert [m.text for m in marks] == ["Ukraine"]


def test_an_empty_feed_is_valid_and_keeps_a_fixed_updated_time() -> None:
    doc = document()
    parsed = feedparser.parse(doc)
    assert parsed.bozo == 0 and parsed.entries == []
    assert parsed.feed.updated == "2026-01-01T00:00:00Z"
    assert document() == doc


def test_hostile_titles_and_snippets_are_text_never_markup() -> None:
    marks = [[HOSTILE_SNIPPET.index("Ukraine"), HOSTILE_SNIPPET.index("Ukraine") + 7]]
    doc = document(item(title=HOSTILE_TITLE, snippet=HOSTILE_SNIPPET, marks=marks,
                        site="<b>site</b>", feed='"feed" & co'))  # fmt: skip
    ET.fromstring(doc)  # well-formed despite the control characters and ]]>
    parsed = feedparser.parse(doc)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    entry = parsed.entries[0]
    assert entry.title == 'Breaking <script>alert("t")</script> & "quotes" \'too\' ]]> end'
    assert entry.author == '<b>site</b> ("feed" & co)'
    html = content_html(doc)
    assert html.findall(".//script") == [] and html.findall(".//img") == []
    assert [m.text for m in html.findall(".//mark")] == ["Ukraine"]
    text = html.text_content()
    assert "<img src=x onerror=alert(1)>" in text and "<script>x()</script>" in text
    assert "<b>site</b>" in text


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<script>x</script>", ""],
)
def test_links_that_are_not_http_never_become_hrefs(url: str) -> None:
    doc = document(item(url=url))
    entry = ET.fromstring(doc).find("a:entry", NS)
    assert entry is not None
    assert entry.findall("a:link", NS) == []
    html = content_html(doc)
    assert html.xpath(".//@href") == []
    assert url.strip() in html.text_content()
    assert feedparser.parse(doc).bozo == 0


def test_a_link_with_quotes_and_brackets_stays_inside_its_attribute() -> None:
    url = 'https://news.example/a"><script>alert(1)</script>'
    doc = document(item(url=url))
    assert feedparser.parse(doc).entries[0].link == url
    html = content_html(doc)
    assert html.xpath(".//@href") == [url] and html.findall(".//script") == []


@pytest.mark.parametrize(
    ("published", "expected"),
    [("2026-01-02T08:00:00+07:00", "2026-01-02T01:00:00Z"), ("2026-01-02", "2026-01-02T00:00:00Z"),
     ("yesterday", None), (None, None)],
)  # fmt: skip
def test_published_times_are_read_as_feeds_give_them(
    published: str | None, expected: str | None
) -> None:
    entry = feedparser.parse(document(item(published=published))).entries[0]
    assert entry.get("published") == expected


def test_xml_safe_keeps_every_character_xml_allows() -> None:
    allowed = "\t\n\r é中\U0001f600\ud7ff\ue000\ufffd"
    assert atom.xml_safe(allowed + "\x00\x1f\ud800\udfff\ufffe\uffff") == allowed


def test_an_entry_names_the_other_outlets_of_its_story_escaped() -> None:
    alert = item(story_id="s1")
    others = [
        alert.article,
        item(id=2, url="https://wire.example/b", site="wire.example", feed="Wire").article,
        item(id=3, url="javascript:alert(1)", site=HOSTILE_TITLE, feed="").article,
    ]
    feed = alertfeed.feed([alert], "http://127.0.0.1:9108/feed.atom", stories={"s1": others})
    doc = atom.render(feed)
    assert feedparser.parse(doc).bozo == 0
    content = content_html(doc)
    line = next(p for p in content.iter("p") if "Also reported by" in p.text_content())
    assert [a.get("href") for a in line.iter("a")] == ["https://wire.example/b"]
    assert "wire.example (Wire)" in line.text_content()
    assert "<script>" in line.text_content() and not content.findall(".//script")
    assert "news.example" not in line.text_content()
    lone = content_html(document(item(story_id="s1")))
    assert "Also reported by" not in lone.text_content()
