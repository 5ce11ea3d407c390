"""The Atom feeds on the real app on a real port, over a real archive (SQLite, and PostgreSQL
when configured) filled through its write path, fetched with a real HTTP client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from xml.etree import ElementTree as ET

import feedparser
import httpx
import lxml.html
import pytest

from newswatch.alerts import Alert, ArticleInfo
from newswatch.archive.database import Archive, create
from newswatch.archive.records import article_record
from newswatch.archive.write import write_records
from newswatch.web import WebState
from tests.support.web import fetch, served

TOKEN = "feeds-test-token-0123456789abcdef"
BEARER = {"Authorization": f"Bearer {TOKEN}"}
ATOM = {"a": "http://www.w3.org/2005/Atom"}

# Control characters XML cannot carry (not NUL: PostgreSQL text refuses it; tests/unit has it).
HOSTILE_TITLE = 'Breaking <script>alert("t")</script> & "quotes" ]]> \x01\x0b\x1fend'
HOSTILE_SNIPPET = "before <img src=x onerror=alert(1)> Ukraina ]]> \x02 </p><script>x()</script>"
QUOTED_URL = 'https://news.example/a"><script>alert(2)</script>'


def alert(n: int, watch: str, url: str, snippet: str = "Ukraina siapkan pertemuan",
          update_of: str | None = None) -> Alert:  # fmt: skip
    """Alert number ``n`` (raised ``n`` seconds after 10:00), its hit on "Ukraina" marked."""
    start = snippet.index("Ukraina")
    info = ArticleInfo(url, "", "", None, None, None, snippet, "")
    detected = f"2026-12-01T10:{n // 60:02d}:{n % 60:02d}Z"
    return Alert(id=f"{n:032x}", watch=watch, detected_at=detected, article=info, hits=(),
                 marks=((start, start + 7),), update_of=update_of)  # fmt: skip


def record(
    url: str,
    title: str,
    alerts: tuple[Alert, ...],
    site: str = "news.example",
    feed: str = "Pantau",
    published: str | None = "2026-12-01T09:00:00+07:00",
) -> dict[str, object]:
    """The archive record of an article and its alerts, as the worker writes it."""
    info = ArticleInfo(url, title, feed, published, "id", None, "", f"{title} Ukraina")
    return article_record(info, url, site, True, url[-32:], alerts, 1_000_000.0)


def fill(archive: Archive) -> None:
    """Two watches on a story, an update, a hostile article, a quoted link, and 50 older alerts."""
    story = "https://news.example/ukraina"
    older = [record(f"https://news.example/old/{n}", f"Old {n}", (alert(n, "bulk", f"https://news.example/old/{n}"),))
             for n in range(50)]  # fmt: skip
    write_records(archive, [
        *older,
        record(story, "Ukraina siapkan pertemuan", (alert(100, "ukraina", story),
                                                     alert(101, "zelenskyy", story))),
        record("javascript:alert(1)", HOSTILE_TITLE,
               (alert(102, "ukraina", "javascript:alert(1)", HOSTILE_SNIPPET),),
               site="<b>site</b>", feed='"feed" & co', published="not a date"),
        record(QUOTED_URL, "Quoted link", (alert(103, "ukraina", QUOTED_URL),)),
        record(story + "/update", "Ukraina: pertemuan digelar",
               (alert(104, "ukraina", story, update_of=f"{100:032x}"),)),
    ])  # fmt: skip


@pytest.fixture
async def base(archive: Archive, redis_url: str) -> AsyncIterator[str]:
    """The app over the filled archive, with a token; its base URL."""
    fill(archive)
    watches = {"ukraina": "Ukraina", "zelenskyy": "entity:zelenskyy", "bulk": "Old"}
    async with served(redis_url, WebState(archive, watches), TOKEN) as url:
        yield url


async def get(url: str, headers: dict[str, str] | None = None, **kw: object) -> httpx.Response:
    return await fetch(url, BEARER if headers is None else headers, **kw)


def entries(document: bytes) -> dict[str, ET.Element]:
    """Entries by id, read by an XML parser (the document must be well-formed)."""
    root = ET.fromstring(document)
    return {
        e.findtext("a:id", default="", namespaces=ATOM): e for e in root.findall("a:entry", ATOM)
    }


def content(entry: ET.Element) -> lxml.html.HtmlElement:
    """An entry's content as the HTML a reader renders."""
    return lxml.html.fragment_fromstring(entry.findtext("a:content", namespaces=ATOM),
                                         create_parent="div")  # fmt: skip


def aid(n: int) -> str:
    return f"urn:newswatch:alert:{n:032x}"


async def test_the_feed_of_every_watch_holds_the_latest_50_alerts_as_valid_atom(base: str) -> None:
    answer = await get(base + "/feed.atom")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    parsed = feedparser.parse(answer.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.feed.id == "urn:newswatch:alerts"
    assert parsed.feed.updated == "2026-12-01T10:01:44Z"
    assert [(link.rel, link.href) for link in parsed.feed.links] == [("self", base + "/feed.atom")]
    assert [e.id for e in parsed.entries] == [
        aid(n) for n in (104, 103, 102, 101, 100, *range(49, 4, -1))
    ]
    story = parsed.entries[4]
    assert (story.title, story.link) == (
        "Ukraina siapkan pertemuan",
        "https://news.example/ukraina",
    )
    assert (story.author, story.published, story.updated) == (
        "news.example (Pantau)", "2026-12-01T02:00:00Z", "2026-12-01T10:01:40Z"
    )  # fmt: skip
    assert [tag.term for tag in story.tags] == ["ukraina"]
    assert parsed.entries[0].title == "Update: Ukraina: pertemuan digelar"
    html = content(entries(answer.content)[aid(100)])
    assert [m.text for m in html.findall(".//mark")] == ["Ukraina"]
    assert (
        "news.example (Pantau) · published 2026-12-01 02:00 UTC · watch: ukraina"
        in html.text_content()
    )


async def test_a_watch_feed_holds_only_that_watch_and_is_404_for_an_unknown_one(base: str) -> None:
    ukraina = feedparser.parse((await get(base + "/watches/ukraina/feed.atom")).content)
    zelenskyy = feedparser.parse((await get(base + "/watches/zelenskyy/feed.atom")).content)
    assert ukraina.bozo == 0 and zelenskyy.bozo == 0
    assert (ukraina.feed.id, ukraina.feed.subtitle) == ("urn:newswatch:watch:ukraina", "Ukraina")
    assert [e.id for e in ukraina.entries] == [aid(n) for n in (104, 103, 102, 100)]
    assert [e.id for e in zelenskyy.entries] == [aid(101)]
    assert zelenskyy.feed.updated == "2026-12-01T10:01:41Z"
    for path in ("/watches/nope/feed.atom", "/watches/ukraina/feed.atom/x", "/watches//feed.atom"):
        assert (await get(base + path)).status_code == 404, path


async def test_hostile_titles_snippets_outlets_and_links_stay_text(base: str) -> None:
    document = (await get(base + "/feed.atom")).content
    parsed = {e.id: e for e in feedparser.parse(document).entries}
    found = entries(document)  # an XML parser: well-formed despite control characters and ]]>

    hostile = parsed[aid(102)]
    assert hostile.title == 'Breaking <script>alert("t")</script> & "quotes" ]]> end'
    assert hostile.author == '<b>site</b> ("feed" & co)'
    assert "published" not in hostile  # "not a date" is left out, not guessed
    assert found[aid(102)].findall("a:link", ATOM) == []  # javascript: never becomes a link
    html = content(found[aid(102)])
    assert html.findall(".//script") == [] and html.findall(".//img") == []
    assert html.xpath(".//@href") == [] and html.xpath(".//@onerror") == []
    assert [m.text for m in html.findall(".//mark")] == ["Ukraina"]
    text = html.text_content()
    assert "<img src=x onerror=alert(1)>" in text and "<script>x()</script>" in text
    assert "javascript:alert(1)" in text and "<b>site</b>" in text  # shown, not run or linked

    assert parsed[aid(103)].link == QUOTED_URL
    html = content(found[aid(103)])
    assert html.xpath(".//@href") == [QUOTED_URL] and html.findall(".//script") == []


async def test_readers_poll_with_the_etag_and_get_304_until_a_new_alert(
    base: str, archive: Archive
) -> None:
    first = await get(base + "/feed.atom")
    etag = first.headers["ETag"]
    assert etag.startswith('"') and first.headers["Cache-Control"] == "private, no-cache"
    # The same document whichever way the token came: the self link never carries it.
    by_param = await get(base + "/feed.atom", headers={}, params={"token": TOKEN})
    assert by_param.headers["ETag"] == etag and TOKEN.encode() not in by_param.content
    again = await get(base + "/feed.atom", {**BEARER, "If-None-Match": etag})
    assert (again.status_code, again.content, again.headers["ETag"]) == (304, b"", etag)
    stale = await get(base + "/feed.atom", {**BEARER, "If-None-Match": '"stale", W/"old"'})
    assert stale.status_code == 200 and stale.content == first.content
    assert (await get(base + "/watches/ukraina/feed.atom")).headers["ETag"] != etag

    url = "https://news.example/new"
    write_records(archive, [record(url, "Baru", (alert(200, "zelenskyy", url),))])
    changed = await get(base + "/feed.atom", {**BEARER, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert feedparser.parse(changed.content).entries[0].id == aid(200)


async def test_feeds_without_an_archive(redis_url: str) -> None:
    """Archive off: 404 (nothing to serve); archive down: 503 (try again later)."""
    unreachable = Archive(create("postgresql://postgres@127.0.0.1:1/nw_atom_nowhere"))
    for archive, status in [(None, 404), (unreachable, 503)]:
        async with served(redis_url, WebState(archive, {"w": "q"}), None) as url:
            for path in ("/feed.atom", "/watches/w/feed.atom"):
                answer = await get(url + path, {})
                assert answer.status_code == status, (archive, path)
                assert "archive" in answer.text
    unreachable.close()
