"""The analyst's pages on the real app on a real port: a real archive (SQLite, and PostgreSQL when
configured) filled through its write path, feed states and dead letters in a real Redis, the
config's watches compiled from a real config file; fetched with a real HTTP client and read
with an HTML parser."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlencode

import httpx
import lxml.html
import pytest
import redis.asyncio as aioredis
import yaml

from newswatch.alerts import Alert, ArticleInfo
from newswatch.archive.database import Archive
from newswatch.archive.records import article_record
from newswatch.archive.write import write_records
from newswatch.config.load import load_config
from newswatch.constants import ALERTS_STREAM, DEAD_LETTER_STREAM, FEED_STATE_PREFIX
from newswatch.delivery.deadletters import dead_entry
from newswatch.feeds.state import FeedState, encode_state
from newswatch.match.model import Hit
from newswatch.queue.streams import encode
from newswatch.web import WebState
from newswatch.web.session import COOKIE
from tests.support.web import served

TOKEN = "pages-test-token-0123456789abcdef"
BEARER = {"Authorization": f"Bearer {TOKEN}"}

CONFIG = """
redis: {{url: "{redis}"}}
data_dir: {data}
feeds:
  - {{url: "https://news.example/feed.xml", name: Pantau}}
  - {{url: "https://broken.example/rss", name: "<b>Broken</b> feed"}}
  - {{url: "https://quiet.example/rss", name: Quiet}}
entities:
  zelenskyy: {{names: [Volodymyr Zelenskyy]}}
watches:
  - {{id: ukraina, query: 'Ukraina'}}
  - {{id: zelenskyy, query: 'entity:zelenskyy'}}
  - {{id: bulk, query: 'Lama'}}
"""

HOSTILE_TITLE = '<script>alert("t")</script><img src=x onerror=alert(2)>"><b>bold</b> Ukraina'
HOSTILE_SNIPPET = "Ukraina <img src=x onerror=alert(1)> </p><script>x()</script>"
QUOTED_URL = 'https://news.example/q"><script>alert(3)</script>'
STORY = "https://news.example/talks"
STORY_TEXT = "Ukraina siapkan pertemuan damai.\n\nVolodymyr Zelenskyy hadir di Jakarta."


def alert(n: int, watch: str, url: str, snippet: str = "Ukraina siapkan pertemuan",
          update_of: str | None = None) -> Alert:  # fmt: skip
    """Alert number ``n`` (raised ``n`` minutes after 08:00), its hit on "Ukraina" marked."""
    start = max(snippet.find("Ukraina"), 0)
    info = ArticleInfo(url, "", "", None, None, None, snippet, "")
    detected = f"2026-12-01T{8 + n // 60:02d}:{n % 60:02d}:00Z"
    hits = (Hit("body", "ukraina", 0, 7),)
    return Alert(id=f"{n:032x}", watch=watch, detected_at=detected, article=info, hits=hits,
                 marks=((start, start + 7),), update_of=update_of)  # fmt: skip


def record(url: str, title: str, text: str, alerts: tuple[Alert, ...] = (), *,
           site: str = "news.example", feed: str = "Pantau", language: str = "id",
           seen_at: float = 1_000_000.0, story: str | None = None
           ) -> dict[str, object]:  # fmt: skip
    """The archive record of an article and its alerts (in ``story``), as the worker writes it."""
    info = ArticleInfo(url, title, feed, "2026-12-01T07:00:00Z", language, None, "", text)
    return article_record(info, url, site, True, (url + text)[-32:], alerts, seen_at, story)


def fill(archive: Archive) -> None:
    """A story told by three outlets (an update of its first, two watches), a hostile article,
    a quoted link, an English one, and 60 older alerts of the ``bulk`` watch."""
    urls = [f"https://bulk.example/{n}" for n in range(60)]
    bulk = [record(url, f"Lama {n}", "Lama", (alert(n, "bulk", url, "Lama"),),
                   site="bulk.example", seen_at=900_000.0 + n)
            for n, url in enumerate(urls)]  # fmt: skip
    write_records(archive, bulk)
    write_records(archive, [
        record(STORY, "Ukraina siapkan pertemuan", "Ukraina siapkan pertemuan.",
               (alert(100, "ukraina", STORY), alert(101, "zelenskyy", STORY)), story="s-talks"),
        record("https://wire.example/talks", "Pertemuan Ukraina", STORY_TEXT, site="wire.example",
               feed="Wire", seen_at=1_000_001.0, story="s-talks"),
        record("https://other.example/talks", "Ukraina: talks", STORY_TEXT, site="other.example",
               feed="Other", seen_at=1_000_002.0, story="s-talks"),
        record("javascript:alert(1)", HOSTILE_TITLE, "Ukraina",
               (alert(102, "ukraina", "javascript:alert(1)", HOSTILE_SNIPPET),),
               site="<b>site</b>", feed='"><i>feed</i>'),
        record(QUOTED_URL, "Quoted link", "Ukraina", (alert(103, "ukraina", QUOTED_URL),)),
        record("https://en.example/peace", "Ukraina in English", "Ukraina talks",
               (alert(104, "ukraina", "https://en.example/peace"),), language="en"),
    ])  # fmt: skip
    write_records(archive, [
        record(STORY, "Ukraina siapkan pertemuan damai", STORY_TEXT,
               (alert(105, "ukraina", STORY, update_of=f"{100:032x}"),), seen_at=1_000_010.0,
               story="s-talks"),
    ])  # fmt: skip


@dataclass
class Site:
    """The app's base URL and the Redis it reads."""

    url: str
    redis: aioredis.Redis


def state_for(archive: Archive | None, tmp_path: Path, redis_url: str) -> WebState:
    """A web state following a real config, as the daemon's."""
    path = tmp_path / "newswatch.yaml"
    path.write_text(CONFIG.format(redis=redis_url, data=tmp_path / "data"))
    state = WebState(archive)
    state.apply(load_config(path))
    return state


@pytest.fixture
async def site(
    archive: Archive, redis_url_clean: str, redis_client: aioredis.Redis, tmp_path: Path
) -> AsyncIterator[Site]:
    """The app with a token over the filled archive; its base URL."""
    fill(archive)
    async with served(redis_url_clean, state_for(archive, tmp_path, redis_url_clean), TOKEN) as url:
        yield Site(url, redis_client)


async def get(url: str, headers: dict[str, str] | None = None, **kw: object) -> httpx.Response:
    async with httpx.AsyncClient(timeout=10) as http:
        return await http.get(url, headers=BEARER if headers is None else headers, **kw)  # type: ignore[arg-type]


def html(answer: httpx.Response) -> lxml.html.HtmlElement:
    assert answer.headers["Content-Type"].startswith("text/html"), answer.headers
    return lxml.html.fromstring(answer.text)


def texts(doc: lxml.html.HtmlElement, xpath: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in doc.xpath(xpath)]


def assert_inert(doc: lxml.html.HtmlElement) -> None:
    """Nothing from a feed became markup: no script, image, event handler or script link."""
    assert doc.xpath("//script") == [] and doc.xpath("//img") == [] and doc.xpath("//i") == []
    assert doc.xpath("//@*[starts-with(name(), 'on')]") == []
    hrefs = doc.xpath("//@href")
    assert hrefs and all(h.startswith(("/", "https://", "?")) for h in hrefs), hrefs
    assert not any("script" in h for h in hrefs if not h.startswith("https://news.example/q"))


async def test_alerts_newest_first_with_outlets_updates_and_hits(site: Site) -> None:
    answer = await get(site.url + "/")
    assert answer.status_code == 200
    doc = html(answer)
    titles = texts(doc, "//article/h2")
    assert titles[:4] == ["Update Ukraina siapkan pertemuan damai", "Ukraina in English",
                          "Quoted link", HOSTILE_TITLE]  # fmt: skip
    assert len(titles) == 50
    update = doc.xpath("//article")[0]
    assert "also reported by 2" in update.text_content()
    assert update.xpath(".//a[@class='also']/@href") == ["/stories/s-talks"]
    assert update.xpath(".//h2/a/@href") == [STORY]
    assert "Updates the alert of 2026-12-01 09:40 UTC" in " ".join(update.text_content().split())
    assert [m.text for m in update.xpath(".//p[@class='snippet']/mark")] == ["Ukraina"]
    first = doc.xpath("//article")[4]  # alert 101, on the same story, by the other watch
    assert texts(first, ".//span[@class='watch']") == ["zelenskyy"]
    assert "news.example (Pantau)" in first.text_content()
    atom = doc.xpath("//section[@class='atom']//a/@href")
    assert atom == ["/feed.atom", "/watches/bulk/feed.atom", "/watches/ukraina/feed.atom",
                    "/watches/zelenskyy/feed.atom"]  # fmt: skip


async def test_hostile_titles_snippets_outlets_and_links_are_text(site: Site) -> None:
    doc = html(await get(site.url + "/"))
    assert_inert(doc)
    hostile = doc.xpath("//article")[3]
    assert " ".join(hostile.xpath("./h2")[0].text_content().split()) == HOSTILE_TITLE
    assert hostile.xpath(".//h2/a") == []  # javascript: is never a link
    assert "javascript:alert(1)" in texts(hostile, ".//p[@class='url']")
    assert '<b>site</b> ("><i>feed</i>)' in hostile.text_content()
    snippet = hostile.xpath(".//p[@class='snippet']")[0]
    assert "<img src=x onerror=alert(1)>" in snippet.text_content()
    quoted = doc.xpath("//article")[2]
    assert quoted.xpath(".//h2/a/@href") == [QUOTED_URL]  # the quote stayed inside the attribute


async def test_pages_of_alerts_and_filters(site: Site) -> None:
    doc = html(await get(site.url + "/"))
    [older] = doc.xpath("//a[@rel='next']/@href")
    rest = html(await get(site.url + older))
    assert texts(rest, "//article/h2") == [f"Lama {n}" for n in range(15, -1, -1)]
    assert rest.xpath("//a[@rel='next']") == []
    bulk = html(await get(site.url + "/", params={"watch": "bulk"}))
    assert texts(bulk, "//article/h2")[:2] == ["Lama 59", "Lama 58"]
    assert bulk.xpath("//select[@name='watch']/option[@selected]/@value") == ["bulk"]
    english = html(await get(site.url + "/", params={"lang": "en"}))
    assert texts(english, "//article/h2") == ["Ukraina in English"]
    assert english.xpath("//select[@name='lang']/option/@value") == ["", "en", "id"]
    assert (await get(site.url + "/", params={"before": "soon"})).status_code == 400


async def test_a_story_shows_its_outlets_alerts_and_full_text_with_hits(site: Site) -> None:
    answer = await get(site.url + "/stories/s-talks")
    assert answer.status_code == 200
    doc = html(answer)
    assert texts(doc, "//table[@class='outlets']/tbody/tr/td[1]") == [
        "news.example (Pantau)", "wire.example (Wire)", "other.example (Other)"
    ]  # fmt: skip
    assert texts(doc, "//table[@class='outlets']/tbody/tr/td[5]")[0].startswith("2 (latest")
    assert texts(doc, "//ul[@class='history']/li") == [
        "2026-12-01 09:40 UTC · ukraina · first alert on news.example (Pantau)",
        "2026-12-01 09:41 UTC · zelenskyy · first alert on news.example (Pantau)",
        "2026-12-01 09:45 UTC · ukraina · update: the article changed on news.example (Pantau)",
    ]  # fmt: skip
    lead = doc.xpath("//section[@class='fulltext']/div[@class='text']")[0]
    assert [m.text for m in lead.xpath("mark")] == ["Ukraina", "Volodymyr Zelenskyy"]
    assert lead.text_content() == STORY_TEXT
    assert len(doc.xpath("//details[@class='fulltext']")) == 2
    missing = await get(site.url + "/stories/nothing-like-it")
    assert missing.status_code == 404 and "no such story" in missing.text


async def test_an_article_without_a_story_is_its_own(site: Site) -> None:
    doc = html(await get(site.url + "/"))
    hostile = doc.xpath("//article")[3]
    [href] = hostile.xpath(".//p[@class='more']/a/@href")
    assert href.startswith("/articles/")
    page = html(await get(site.url + href))
    assert_inert(page)
    assert " ".join(page.xpath("//h1")[0].text_content().split()) == HOSTILE_TITLE
    assert (await get(site.url + "/articles/999999")).status_code == 404
    assert (await get(site.url + "/articles/x1")).status_code == 404


async def test_search_with_the_query_language(site: Site) -> None:
    doc = html(await get(site.url + "/search", params={"q": 'Ukraina AND "siapkan pertemuan"'}))
    assert texts(doc, "//article/h2") == [
        "Ukraina siapkan pertemuan damai", "Ukraina: talks", "Pertemuan Ukraina"
    ]  # fmt: skip
    assert [m.text for m in doc.xpath("//article[1]//p[@class='snippet']/mark")] == [
        "Ukraina", "siapkan pertemuan"
    ]  # fmt: skip
    assert "alerted: ukraina, zelenskyy" in doc.xpath("//article")[0].text_content()
    snippet = yaml.safe_load(doc.xpath("//pre[@class='yaml']")[0].text_content())
    assert snippet["watches"][0]["query"] == 'Ukraina AND "siapkan pertemuan"'
    hostile = html(await get(site.url + "/search", params={"q": "bold"}))
    assert_inert(hostile)
    assert texts(hostile, "//article/h2") == [HOSTILE_TITLE]


async def test_search_results_come_a_page_at_a_time(site: Site) -> None:
    """The 60 ``Lama`` articles: three pages of 20, newest first, each page's "older" link
    going on after its last article; nothing shown twice or left out."""
    shown, href = [], "/search?" + urlencode({"q": "Lama"})
    while href:
        doc = html(await get(site.url + href))
        shown.append(texts(doc, "//article/h2"))
        href = (doc.xpath("//a[@rel='next']/@href") or [""])[0]
    assert shown == [[f"Lama {n}" for n in range(top, top - 20, -1)] for top in (59, 39, 19)]
    for position in ("1:x", "1:²", "x:1"):
        bad = await get(site.url + "/search", params={"q": "Lama", "before": position})
        assert bad.status_code == 400, position


async def test_a_bad_query_shows_its_error_under_its_column(site: Site) -> None:
    answer = await get(site.url + "/search", params={"q": 'Ukraina AND (damai OR "<b>x'})
    assert answer.status_code == 400
    doc = html(answer)
    [error] = doc.xpath("//div[@class='error']")
    message = error.xpath("p")[0].text_content()
    assert message.startswith("Column ")
    column = int(message.split()[1].rstrip(":"))
    query_line, caret_line = error.xpath("pre")[0].text_content().split("\n")
    assert query_line == 'Ukraina AND (damai OR "<b>x' and caret_line == " " * (column - 1) + "^"
    assert doc.xpath("//b") == [] and doc.xpath("//input[@name='q']/@value") == [query_line]
    assert doc.xpath("//pre[@class='yaml']") == []


async def test_feeds_health_table(site: Site) -> None:
    settings_feeds = {"https://broken.example/rss": FeedState(
        last_attempt=1.0, failures=3, last_error="HTTP 503 <script>x()</script>",
        next_poll=4_000_000_000.0, interval=600.0)}  # fmt: skip
    from newswatch.config.load import feed_id

    for url, state in settings_feeds.items():
        await site.redis.hset(FEED_STATE_PREFIX + feed_id(url), mapping=encode_state(state))  # type: ignore[misc]
    doc = html(await get(site.url + "/feeds"))
    rows = doc.xpath("//table[@class='feeds']/tbody/tr")
    assert [r.get("class") for r in rows] == ["failing", "new", "new"]
    assert texts(rows[0], "./td")[:4] == ["failing", "<b>Broken</b> feed", "never", "3"]
    assert texts(rows[0], "./td[7]") == ["HTTP 503 <script>x()</script>"]
    assert rows[0].xpath(".//a/@href") == ["https://broken.example/rss"]
    assert doc.xpath("//script") == [] and doc.xpath("//td//b") == []
    assert "3 feeds: 1 failing, 2 new" in " ".join(doc.text_content().split())


async def dead_letter(redis: aioredis.Redis, n: int) -> str:
    """A dead letter as the sender writes it; its stream id."""
    message = {"v": 1, "kind": "alert", "alert": {"id": f"a{n}"}, "notify": ["hook", "mail"]}
    entry = dead_entry(alert(n, "ukraina", STORY), "hook", message, 3, "HTTP 502 <b>bad</b>",
                       "2026-12-01T10:00:00Z")  # fmt: skip
    return str(await redis.xadd(DEAD_LETTER_STREAM, encode(entry)))  # type: ignore[arg-type]


async def test_a_dead_letter_names_its_article_as_text(site: Site) -> None:
    hostile = alert(1, "ukraina", "javascript:alert(1)")
    hostile = replace(hostile, article=replace(hostile.article, title=HOSTILE_TITLE))
    entry = dead_entry(hostile, "hook", {"v": 1}, 3, "HTTP 410", "2026-12-01T10:00:00Z")
    await site.redis.xadd(DEAD_LETTER_STREAM, encode(entry))  # type: ignore[arg-type]
    doc = html(await get(site.url + "/dead-letters"))
    assert_inert(doc)
    assert [" ".join(h.text_content().split()) for h in doc.xpath("//article/h2")] == [
        HOSTILE_TITLE
    ]
    assert doc.xpath("//article/h2//a") == []  # a javascript: URL is never linked


async def test_dead_letters_replay_and_drop_are_posts_with_the_csrf_token(site: Site) -> None:
    first, second = await dead_letter(site.redis, 1), await dead_letter(site.redis, 2)
    async with httpx.AsyncClient(base_url=site.url, timeout=10) as http:
        doc = html(await http.get("/dead-letters", params={"token": TOKEN}))  # sets the cookie
        assert http.cookies.get(COOKIE)
        assert texts(doc, "//article/p[@class='problem']") == ["HTTP 502 <b>bad</b>"] * 2
        assert texts(doc, "//article/h2/a") == [STORY] * 2  # untitled: the URL stands for it
        assert doc.xpath("//article/h2/a/@href") == [STORY] * 2
        forms = doc.xpath("//form[@action='/dead-letters/replay']")
        csrf = forms[0].xpath("input[@name='csrf']/@value")[0]
        assert forms[0].xpath("input[@name='id']/@value") == [first]

        for form in ({"id": first}, {"id": first, "csrf": "0" * 64}, {"id": first, "csrf": ""}):
            refused = await http.post("/dead-letters/replay", data=form)
            assert refused.status_code == 403, form
        assert await site.redis.xlen(DEAD_LETTER_STREAM) == 2  # nothing changed

        replayed = await http.post("/dead-letters/replay", data={"id": first, "csrf": csrf})
        assert replayed.status_code == 303
        assert replayed.headers["Location"] == "/dead-letters?done=replayed"
        [(_, fields)] = await site.redis.xrange(ALERTS_STREAM)
        sent = json.loads(fields["data"])
        assert (sent["notify"], sent["replay"]) == (["hook"], True)
        dropped = await http.post("/dead-letters/drop", data={"id": second, "csrf": csrf})
        assert dropped.headers["Location"] == "/dead-letters?done=dropped"
        assert await site.redis.xlen(DEAD_LETTER_STREAM) == 0
        again = await http.post("/dead-letters/drop", data={"id": second, "csrf": csrf})
        assert again.headers["Location"] == "/dead-letters?done=gone"
        bad = await http.post("/dead-letters/drop", data={"id": "0-0 OR 1", "csrf": csrf})
        assert bad.status_code == 400
        done = html(await http.get("/dead-letters?done=dropped"))
        assert texts(done, "//p[@class='done']") == ["Dropped for good."]
        assert texts(done, "//p[@class='empty']")[0].startswith("No dead letters")


async def test_a_csrf_token_of_another_session_or_a_get_changes_nothing(site: Site) -> None:
    letter = await dead_letter(site.redis, 1)
    async with httpx.AsyncClient(base_url=site.url, timeout=10) as one, \
            httpx.AsyncClient(base_url=site.url, timeout=10) as two:  # fmt: skip
        doc = html(await one.get("/dead-letters", params={"token": TOKEN}))
        csrf = doc.xpath("//input[@name='csrf']/@value")[0]
        await two.get("/dead-letters", params={"token": TOKEN})
        stolen = await two.post("/dead-letters/drop", data={"id": letter, "csrf": csrf})
        assert stolen.status_code == 403
        async with httpx.AsyncClient(base_url=site.url, timeout=10, headers=BEARER) as api:
            bearer = await api.post("/dead-letters/drop", data={"id": letter, "csrf": csrf})
        assert bearer.status_code == 403  # no session: the token alone makes no change
        for path in ("/dead-letters/drop", "/dead-letters/replay"):
            assert (await one.get(path, params={"id": letter, "csrf": csrf})).status_code == 405
    assert await site.redis.xlen(DEAD_LETTER_STREAM) == 1


async def test_an_address_sending_wrong_tokens_waits_and_a_session_does_not(site: Site) -> None:
    async with httpx.AsyncClient(base_url=site.url, timeout=10) as browser:
        await browser.post("/login", data={"token": TOKEN})  # a session, before the guessing
        assert browser.cookies.get(COOKIE)
        for n in range(9):
            guess = await get(site.url + "/", headers={}, params={"token": f"guess-{n}"})
            assert guess.status_code == 401
        wrong = await browser.post("/login", data={"token": "guess-9"})
        assert wrong.status_code == 401
        held = await get(site.url + "/")  # the right token, from the same address
        assert held.status_code == 429 and 0 < int(held.headers["Retry-After"]) <= 60
        async with httpx.AsyncClient(base_url=site.url, timeout=10) as newcomer:
            assert (await newcomer.post("/login", data={"token": TOKEN})).status_code == 429
        assert (await get(site.url + "/healthz", headers={})).status_code == 200  # open pages
        assert (await browser.get("/")).status_code == 200  # a session is never held up


async def test_login_sets_a_session_cookie_that_opens_every_page(site: Site) -> None:
    async with httpx.AsyncClient(base_url=site.url, timeout=10) as http:
        for path in ("/", "/search?q=x", "/stories/s-talks", "/feeds", "/dead-letters"):
            answer = await http.get(path, headers={"Accept": "text/html"})
            assert answer.status_code == 401, path
            assert html(answer).xpath("//form[@action='/login']//input[@name='token']")
        wrong = await http.post("/login", data={"token": TOKEN[:-1]})
        assert wrong.status_code == 401 and COOKIE not in wrong.headers.get("Set-Cookie", "")
        assert "not this newswatch's token" in html(wrong).text_content()
        assert (await http.get("/style.css")).status_code == 401
        assert (await http.get("/static/style.css")).status_code == 200  # the login page's

        answer = await http.post("/login", data={"token": TOKEN})
        assert (answer.status_code, answer.headers["Location"]) == (303, "/")
        cookie = answer.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
        assert TOKEN not in cookie
        for path in ("/", "/feeds", "/feed.atom"):
            assert (await http.get(path)).status_code == 200, path
        doc = html(await http.get("/"))
        csrf = doc.xpath("//form[@action='/logout']/input[@name='csrf']/@value")[0]
        out = await http.post("/logout", data={"csrf": csrf})
        assert out.status_code == 303 and (await http.get("/")).status_code == 401

    forged = {"Cookie": f"{COOKIE}=abc.{'0' * 64}"}
    assert (await get(site.url + "/", forged)).status_code == 401


async def test_pages_have_a_strict_policy_and_no_inline_code(site: Site) -> None:
    for path in ("/", "/stories/s-talks", "/search?q=Ukraina", "/feeds", "/dead-letters"):
        answer = await get(site.url + path)
        assert answer.status_code == 200, path
        policy = answer.headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "style-src 'self'" in policy
        assert "unsafe" not in policy and "script-src" not in policy
        doc = html(answer)
        assert doc.xpath("//script") == [] and doc.xpath("//style") == []
        assert doc.xpath("//@style") == []
        assert doc.xpath("//meta[@name='viewport']/@content") == [
            "width=device-width, initial-scale=1"
        ]
        assert doc.xpath("//link[@rel='stylesheet']/@href") == ["/static/style.css"]


async def test_without_a_token_pages_are_open_and_posts_still_need_csrf(
    archive: Archive, redis_url_clean: str, redis_client: aioredis.Redis, tmp_path: Path
) -> None:
    letter = await dead_letter(redis_client, 1)
    state = state_for(archive, tmp_path, redis_url_clean)
    async with served(redis_url_clean, state, None) as url, \
            httpx.AsyncClient(base_url=url, timeout=10) as http:  # fmt: skip
        assert (await http.post("/dead-letters/drop", data={"id": letter})).status_code == 403
        doc = html(await http.get("/dead-letters"))
        assert http.cookies.get(COOKIE) and doc.xpath("//form[@action='/logout']") == []
        csrf = doc.xpath("//input[@name='csrf']/@value")[0]
        dropped = await http.post("/dead-letters/drop", data={"id": letter, "csrf": csrf})
        assert dropped.status_code == 303
        login = await http.get("/login")  # nothing to log in to
        assert (login.status_code, login.headers["Location"]) == (303, "/")
    assert await redis_client.xlen(DEAD_LETTER_STREAM) == 0
