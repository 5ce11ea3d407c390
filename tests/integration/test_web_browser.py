"""The pages in a real browser: headless Chromium (selenium) against a real daemon process whose
pipeline alerts on a site and on a hostile JSON Feed served on 127.0.0.1, through Redis and the
archive; its webhook receiver refuses (410), so the alerts become dead letters to replay and drop.

Skipped, saying why, where Chromium is absent; it must be there in CI.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import feedparser
import httpx
import pytest
import redis
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver import Chrome
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from newswatch.constants import DEAD_LETTER_STREAM
from newswatch.web.session import COOKIE
from tests.support import browser
from tests.support.copies import TEMPLATES, Copy, page
from tests.support.daemon import start_daemon, stop
from tests.support.http import Route, Server
from tests.support.site import SEED_TITLE, rss, seed_paragraphs, serve_site
from tests.support.smtp import free_port

if (absent := browser.missing()) and not os.environ.get("CI"):
    pytest.skip(absent, allow_module_level=True)


pytestmark = pytest.mark.timeout(360)
DEADLINE_S = 240.0
TOKEN = "browser-test-token-0123456789abcdef"

CONFIG = """
redis: {{url: "{redis}"}}
data_dir: {data}
polling: {{interval: 1h, host_delay: 0s}}
http: {{listen: "{listen}", token: "${{NW_BROWSER_TOKEN}}"}}
feeds:
  - {{url: "{feed}", name: Pantau}}
  - {{url: "{hostile}", name: {hostile_name}}}
  - {{url: "{copies}", name: Kabar}}
entities:
  zelenskyy: {{names: [Volodymyr Zelenskyy]}}
watches:
  - {{id: ukraina, query: 'Ukraina', notify: [hook]}}
  - {{id: zelenskyy, query: 'entity:zelenskyy', notify: [hook]}}
notifiers:
  hook: {{type: webhook, url: "{hook}"}}
"""

# What a hostile feed tries: a script, an image with a handler, breaking out of an attribute,
# a javascript: link. Feed titles are HTML, so the literal text is written escaped.
TITLE = "<script>alert('t')</script><img src=x onerror=alert('i')>\"><b>bold</b> Ukraina"
TEXT = "Ukraina <img src=x onerror=alert(1)> </p><script>alert(2)</script> damai"
FEED_NAME = 'Hostile <b>&</b> "Feed"><img src=x onerror=alert(4)>'
QUOTED_PATH = '/news/a"><script>alert(3)</script>'


def hostile_feed(base: str) -> bytes:
    escaped = TITLE.replace("<", "&lt;").replace(">", "&gt;")
    items = [
        {"id": "h1", "url": "javascript:alert(1)", "title": escaped, "content_text": TEXT,
         "date_published": "2026-01-01T05:00:00Z"},
        {"id": "h2", "url": base + QUOTED_PATH, "title": "Ukraina quoted link",
         "content_text": "Ukraina and a link that breaks out of its attribute"},
    ]  # fmt: skip
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "Hostile", "items": items}
    return json.dumps(feed).encode()


COPY_TITLE = "Pertemuan tingkat tinggi disiapkan Ukraina untuk akhiri perang"


def serve_copy(site: Server) -> str:
    """Another outlet's copy of the seed story (its own page template and headline), and the
    outlet's feed; the feed's URL."""
    copy = Copy(COPY_TITLE, tuple(seed_paragraphs()[1:]), TEMPLATES[1])
    site.route("/kabar/ukraina", body=page(copy), headers={"Content-Type": "text/html"})
    item = {"title": COPY_TITLE, "link": site.url + "/kabar/ukraina", "guid": "kabar-1"}
    site.route("/kabar.xml", body=rss([item], title="Kabar"),
               headers={"Content-Type": "application/rss+xml"})  # fmt: skip
    return site.url + "/kabar.xml"


def page_text(base: str, path: str) -> str:
    try:
        answer = httpx.get(base + path, params={"token": TOKEN}, timeout=5)
    except httpx.HTTPError:
        return ""
    return answer.text if answer.status_code == 200 else ""


@dataclass
class Daemon:
    base: str
    site: str
    receiver: Server
    redis: redis.Redis


def wait_until(check: object, what: str, log: Path) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} never happened; log:\n{log.read_text(errors='replace')[-3000:]}")


def feed_entries(base: str) -> int:
    try:
        answer = httpx.get(base + "/feed.atom", params={"token": TOKEN}, timeout=5)
    except httpx.HTTPError:
        return -1
    return len(feedparser.parse(answer.content).entries) if answer.status_code == 200 else -1


@pytest.fixture(scope="module")
def daemon(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> Iterator[Daemon]:
    """The daemon after it alerted 4 times (the seed story x 2 watches, 2 hostile items), each a
    dead letter (the receiver answers 410), and archived another outlet's copy of the seed story
    (which alerts no watch again: whichever copy came first alerted)."""
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    client.flushdb()
    tmp = tmp_path_factory.mktemp("browser")
    with Server() as site, Server() as receiver, pytest.MonkeyPatch.context() as env:
        urls = serve_site(site)
        site.route("/hostile.json", body=hostile_feed(site.url),
                   headers={"Content-Type": "application/feed+json"})  # fmt: skip
        receiver.route("/hook", Route(status=410, body=b"gone"))
        listen = f"127.0.0.1:{free_port()}"
        config = tmp / "newswatch.yaml"
        config.write_text(CONFIG.format(
            redis=redis_url, data=tmp / "data", listen=listen, feed=urls["feed"],
            hostile=site.url + "/hostile.json", hostile_name=json.dumps(FEED_NAME),
            copies=serve_copy(site), hook=receiver.url + "/hook"))  # fmt: skip
        env.setenv("NW_BROWSER_TOKEN", TOKEN)
        log = tmp / "daemon.log"
        with log.open("wb") as output:
            process = start_daemon(config, output=output)
            try:
                base = f"http://{listen}"
                wait_until(lambda: feed_entries(base) >= 4, "4 archived alerts", log)
                wait_until(lambda: client.xlen(DEAD_LETTER_STREAM) >= 4, "4 dead letters", log)
                wait_until(lambda: "also reported by 1" in page_text(base, "/"),
                           "the copy archived in the seed's story", log)  # fmt: skip
                yield Daemon(base, site.url, receiver, client)
            finally:
                stop(process)
                client.close()


@pytest.fixture(scope="module")
def chrome() -> Iterator[Chrome]:
    """One headless Chromium for the module."""
    if absent:
        pytest.fail(absent)  # in CI: the browser must be there
    with browser.chromium() as driver:
        yield driver


def follow(chrome: Chrome, element: WebElement) -> None:
    """Click a link or a form's button, and wait until the next page replaced this one."""
    page = chrome.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(chrome, 30).until(expected_conditions.staleness_of(page))


def log_in(chrome: Chrome, base: str) -> None:
    """Through the login form, unless the browser has its session already."""
    chrome.get(base + "/")
    if chrome.find_element(By.TAG_NAME, "h1").text != "Log in":
        return
    chrome.find_element(By.NAME, "token").send_keys(TOKEN)
    follow(chrome, chrome.find_element(By.CSS_SELECTOR, "form.login button"))


def assert_inert(chrome: Chrome) -> None:
    """No dialog opened, nothing from a feed became an element, no script link."""
    with pytest.raises(NoAlertPresentException):
        _ = chrome.switch_to.alert.text
    main = chrome.find_element(By.TAG_NAME, "main")
    for selector in ("script", "img", "b", "i", "[onerror]", "a[href^='javascript']"):
        assert chrome.find_elements(By.CSS_SELECTOR, selector) == [], selector
        assert main.find_elements(By.CSS_SELECTOR, selector) == [], selector
    hrefs = [a.get_attribute("href") or "" for a in chrome.find_elements(By.TAG_NAME, "a")]
    assert all(h.startswith("http") for h in hrefs), hrefs


def test_the_login_form_sets_a_strict_http_only_cookie(daemon: Daemon, chrome: Chrome) -> None:
    chrome.delete_all_cookies()
    chrome.get(daemon.base + "/")
    assert chrome.find_element(By.TAG_NAME, "h1").text == "Log in"
    chrome.find_element(By.NAME, "token").send_keys("not-the-token-at-all")
    follow(chrome, chrome.find_element(By.CSS_SELECTOR, "form.login button"))
    assert chrome.find_element(By.CSS_SELECTOR, "p.error").text.startswith("That is not")
    assert chrome.get_cookie(COOKIE) is None
    log_in(chrome, daemon.base)
    assert chrome.find_element(By.TAG_NAME, "h1").text == "Alerts"
    assert chrome.current_url == daemon.base + "/"
    cookie = chrome.get_cookie(COOKIE)
    assert cookie and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert TOKEN not in cookie["value"]


def test_hostile_alerts_are_shown_as_text_and_never_run(daemon: Daemon, chrome: Chrome) -> None:
    log_in(chrome, daemon.base)
    assert_inert(chrome)
    titles = [h.text for h in chrome.find_elements(By.CSS_SELECTOR, "article h2")]
    story = [t for t in titles if t in (SEED_TITLE, COPY_TITLE)]
    assert sorted(t for t in titles if t not in story) == sorted([TITLE, "Ukraina quoted link"])
    assert len(story) == 2 and story[0] == story[1]  # once per watch, on the first copy seen
    [hostile] = [a for a in chrome.find_elements(By.CSS_SELECTOR, "article")
                 if a.find_element(By.TAG_NAME, "h2").text == TITLE]  # fmt: skip
    assert hostile.find_elements(By.CSS_SELECTOR, "h2 a") == []  # javascript: is no link
    assert hostile.find_element(By.CSS_SELECTOR, "p.url").text == "javascript:alert(1)"
    assert "<img src=x onerror=alert(1)>" in hostile.find_element(By.CSS_SELECTOR, ".snippet").text
    assert FEED_NAME in hostile.find_element(By.CSS_SELECTOR, ".outlet").text
    quoted = chrome.find_element(By.LINK_TEXT, "Ukraina quoted link")
    assert (
        quoted.get_attribute("href")
        == daemon.site + "/news/a%22%3E%3Cscript%3Ealert(3)%3C/script%3E"
    )

    follow(chrome, hostile.find_element(By.LINK_TEXT, "Story and full text"))
    assert chrome.find_element(By.TAG_NAME, "h1").text == TITLE
    assert_inert(chrome)
    assert "<script>alert(2)</script>" in chrome.find_element(By.CSS_SELECTOR, ".fulltext").text

    for path in ("/search?q=Ukraina", "/feeds", "/dead-letters"):
        chrome.get(daemon.base + path)
        assert_inert(chrome)
    chrome.get(daemon.base + "/feeds")
    names = [td.text for td in chrome.find_elements(By.CSS_SELECTOR, "td[data-label='Feed']")]
    assert sorted(names) == sorted([FEED_NAME, "Kabar", "Pantau"])


def test_a_story_shows_every_outlet_that_told_it(daemon: Daemon, chrome: Chrome) -> None:
    log_in(chrome, daemon.base)
    follow(chrome, chrome.find_elements(By.CSS_SELECTOR, "a.also")[0])
    assert chrome.current_url.startswith(daemon.base + "/stories/")
    outlets = chrome.find_elements(By.CSS_SELECTOR, "table.outlets tbody tr")
    headlines = sorted(row.find_element(By.CSS_SELECTOR, "td a").text for row in outlets)
    assert headlines == sorted([SEED_TITLE, COPY_TITLE])
    history = [li.text for li in chrome.find_elements(By.CSS_SELECTOR, "ul.history li")]
    assert sorted(h.split(" · ")[1] for h in history) == ["ukraina", "zelenskyy"]
    marks = [m.text for m in chrome.find_elements(By.CSS_SELECTOR, "section.fulltext mark")]
    assert "Ukraina" in marks
    assert_inert(chrome)


def test_replay_and_drop_through_the_forms(daemon: Daemon, chrome: Chrome) -> None:
    log_in(chrome, daemon.base)
    daemon.receiver.route("/hook", Route(body=b"ok"))  # the receiver is fixed
    sent_before = len(daemon.receiver.requests("/hook"))
    chrome.get(daemon.base + "/dead-letters")
    letters = chrome.find_elements(By.CSS_SELECTOR, "article.letter")
    assert len(letters) == 4
    replayed_id = letters[0].find_element(By.CSS_SELECTOR, "code").text
    follow(chrome, letters[0].find_element(By.NAME, "replay"))
    assert chrome.find_element(By.CSS_SELECTOR, "p.done").text.startswith("Re-queued")
    daemon.receiver.wait_for(sent_before + 1, "/hook", timeout=DEADLINE_S)
    codes = [c.text for c in chrome.find_elements(By.CSS_SELECTOR, "article.letter code")]
    assert len(codes) == 3 and replayed_id not in codes

    first = chrome.find_elements(By.CSS_SELECTOR, "article.letter")[0]
    follow(chrome, first.find_element(By.NAME, "drop"))
    assert chrome.find_element(By.CSS_SELECTOR, "p.done").text == "Dropped for good."
    assert len(chrome.find_elements(By.CSS_SELECTOR, "article.letter")) == 2
    assert daemon.redis.xlen(DEAD_LETTER_STREAM) == 2
