"""The test fixtures themselves: real HTTP, SMTP and Redis, and the seed site's extraction."""

from __future__ import annotations

import re
import smtplib
import socket
from collections.abc import Callable
from email.message import EmailMessage

import httpx
import pytest
import redis.asyncio as aioredis
import trafilatura

from tests.support.http import Route, Server
from tests.support.site import (
    FOOTER_MARKERS,
    NAV_MARKERS,
    SIDEBAR_MARKERS,
    page,
    rss,
    seed_paragraphs,
    serve_site,
)
from tests.support.smtp import SmtpServer

MARKERS = NAV_MARKERS + SIDEBAR_MARKERS + FOOTER_MARKERS
SEED_TERMS = ["ukrain", "peace", "talks", "zelensk", "meeting", "perdamaian", "damai", "pertemuan"]


def test_http_routes_404_and_head(http_server: Server) -> None:
    http_server.route("/a", body=b"hello", headers={"Content-Type": "text/plain"})
    with httpx.Client(base_url=http_server.url) as client:
        assert client.get("/a?x=1").text == "hello"
        assert client.get("/missing").status_code == 404
        head = client.head("/a")
    assert head.status_code == 200 and head.headers["content-length"] == "5"
    assert [(r.method, r.path, r.status) for r in http_server.requests()] == [
        ("GET", "/a?x=1", 200),
        ("GET", "/missing", 404),
        ("HEAD", "/a", 200),
    ]
    assert len(http_server.requests("/a")) == 2


def test_http_conditional_get(http_server: Server) -> None:
    validators = {"ETag": '"v1"', "Last-Modified": "Thu, 01 Jan 2026 00:00:00 GMT"}
    http_server.route("/feed", Route(body=b"<rss/>", headers=validators))
    with httpx.Client(base_url=http_server.url) as client:
        assert client.get("/feed", headers={"If-None-Match": '"v1"'}).status_code == 304
        assert client.get("/feed", headers={"If-None-Match": '"v0"'}).status_code == 200
        since = {"If-Modified-Since": validators["Last-Modified"]}
        assert client.get("/feed", headers=since).status_code == 304
        http_server.route("/feed", body=b"<rss/>", headers=validators, conditional=False)
        assert client.get("/feed", headers={"If-None-Match": '"v1"'}).status_code == 200


def test_http_response_sequence_records_post_bodies(http_server: Server) -> None:
    http_server.route(
        "/hook", responses=[(503, b"", {"Retry-After": "1"}), (503, b"", {}), (200, b"ok", {})]
    )
    with httpx.Client(base_url=http_server.url) as client:
        statuses = [client.post("/hook", json={"n": n}).status_code for n in range(4)]
    assert statuses == [503, 503, 200, 200]
    received = http_server.wait_for(4, "/hook")
    assert [r.body for r in received] == [b'{"n":%d}' % n for n in range(4)]
    assert received[0].headers["content-type"] == "application/json"
    http_server.clear()
    assert http_server.requests() == []


def test_http_delay_provokes_client_timeout(make_http_server: Callable[[], Server]) -> None:
    slow, fast = make_http_server(), make_http_server()
    slow.route("/slow", delay_s=5.0)
    fast.route("/fast", body=b"x")
    with httpx.Client(timeout=0.2) as client, pytest.raises(httpx.ReadTimeout):
        client.get(f"{slow.url}/slow")
    assert httpx.get(f"{fast.url}/fast").text == "x"
    slow.close()  # wakes the delayed handler at once


def _mail(to: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "newswatch@example.test"
    message["To"] = to
    message["Subject"] = "Ukraina: pertemuan 3 Januari"
    message.set_content("Zelenskyy — perdamaian")
    return message


def test_smtp_receives_and_survives_restart(smtp_server: SmtpServer) -> None:
    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=5) as client:
        client.send_message(_mail("analyst@example.test"))
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "Ukraina: pertemuan 3 Januari"
    assert message.get_content().strip() == "Zelenskyy — perdamaian"
    assert smtp_server.envelopes[0].rcpt_tos == ["analyst@example.test"]

    smtp_server.stop()
    with pytest.raises(OSError), socket.create_connection((smtp_server.host, smtp_server.port), 1):
        pass
    smtp_server.start()
    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=5) as client:
        client.send_message(_mail("second@example.test"))
    assert len(smtp_server.wait_for(2)) == 2


async def test_redis_client_pings_on_an_empty_db(redis_client: aioredis.Redis) -> None:
    assert await redis_client.ping()
    assert await redis_client.dbsize() == 0
    await redis_client.set("nw:test", "ü")
    assert await redis_client.get("nw:test") == "ü"


@pytest.mark.parametrize("name", ["seed.html", "unrelated-1.html", "unrelated-2.html"])
def test_extraction_drops_site_chrome(name: str) -> None:
    html = page(name).decode()
    text = trafilatura.extract(html)
    assert text is not None and len(text) > 1000
    for marker in MARKERS:
        assert marker in html, marker
        assert marker.lower() not in text.lower(), marker


def test_seed_page_extracts_every_seed_paragraph() -> None:
    text = trafilatura.extract(page("seed.html"))
    assert text is not None
    assert all(paragraph in text for paragraph in seed_paragraphs())


@pytest.mark.parametrize("name", ["unrelated-1.html", "unrelated-2.html"])
def test_unrelated_pages_never_mention_the_seed_story(name: str) -> None:
    html = page(name).decode().lower()
    assert not [term for term in SEED_TERMS if re.search(rf"\b{term}", html)]


def test_site_feed_links_the_pages(http_server: Server) -> None:
    urls = serve_site(http_server)
    with httpx.Client() as client:
        feed = client.get(urls["feed"])
        assert feed.headers["content-type"].startswith("application/rss+xml")
        assert urls["seed"].encode() in feed.content
        again = client.get(urls["feed"], headers={"If-None-Match": feed.headers["etag"]})
        assert again.status_code == 304
        assert client.get(urls["seed"]).content == page("seed.html")


def test_rss_escapes_text() -> None:
    document = rss([{"title": "A & B <c>", "link": "http://x/?a=1&b=2", "guid": "g"}])
    assert b"A &amp; B &lt;c&gt;" in document and b"?a=1&amp;b=2" in document
    assert b'<guid isPermaLink="false">g</guid>' in document
