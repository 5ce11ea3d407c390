"""Stories in the worker and the notifier: two outlets' copies of one story alert a watch once,
the alerts carry the story and its outlets as known when they are sent, and the archive keeps
each article's story."""

from __future__ import annotations

import json
from pathlib import Path

import redis.asyncio as aioredis

from newswatch.alerts import alert_id
from newswatch.archive import read
from newswatch.archive.database import open_archive
from newswatch.config import Settings, load_config
from newswatch.constants import ENTRIES_STREAM
from newswatch.daemon.runner import run_once
from newswatch.extract.article import extract_article
from newswatch.stories import story_id
from tests.integration.test_worker_concurrency import alerted, entry, publish
from tests.support.copies import TEMPLATES, Copy, add_paragraph, page, rewrite_headline
from tests.support.http import Route, Server
from tests.support.site import page as fixture_page

CONFIG = """
redis: {{url: "{redis}"}}
data_dir: {data}
polling: {{timeout: 30s, host_delay: 0s, allow_private_networks: true}}
watches:
  - {{id: derby, query: 'Persebaya AND Arema', notify: [hook]}}
  - {{id: agent, query: 'Ronaldinho', notify: [hook]}}
notifiers:
  hook: {{type: webhook, url: "{hook}"}}
stories: {{enabled: {enabled}}}
"""
ADDED = ("Former Brazil star Ronaldinho, watching from the stands as a guest of the club, "
         "called it the best derby he had seen in Asia.")  # fmt: skip


def story() -> Copy:
    """The derby report of the fixture site, as extracted, in the first outlet's template."""
    html = fixture_page("unrelated-1.html")
    extracted = extract_article(html, "https://pantau.example/sport/derby")
    paragraphs = tuple(p for p in extracted.text.split("\n") if p.strip())
    return Copy(extracted.title or "", paragraphs, TEMPLATES[0])


def serve_copies(server: Server) -> list[str]:
    """The first outlet's page and a second outlet's rewrite naming Ronaldinho."""
    first = story()
    second = add_paragraph(rewrite_headline(first), ADDED)
    second = Copy(second.title, second.paragraphs, TEMPLATES[2])
    urls = []
    for path, copy in (("/wire/derby", first), ("/daily/sport/derby-report", second)):
        server.route(path, Route(body=page(copy), headers={"Content-Type": "text/html"}))
        urls.append(server.url + path)
    return urls


def settings(tmp_path: Path, redis_url: str, hook: Server, enabled: bool = True) -> Settings:
    hook.route("/hook", Route(body=b"ok"))
    path = tmp_path / "newswatch.yaml"
    path.write_text(CONFIG.format(redis=redis_url, data=tmp_path / "data", hook=hook.url + "/hook",
                                  enabled=str(enabled).lower()))  # fmt: skip
    return load_config(path)


def posted(hook: Server) -> list[dict[str, object]]:
    return [json.loads(r.body) for r in hook.requests("/hook") if r.method == "POST"]


async def test_two_outlets_copies_alert_a_watch_once_with_both_outlets_when_sent(
    tmp_path: Path,
    http_server: Server,
    make_http_server: object,
    redis_client: aioredis.Redis,
    redis_url_clean: str,
) -> None:
    hook = make_http_server()  # type: ignore[operator]
    config = settings(tmp_path, redis_url_clean, hook)
    first, second = serve_copies(http_server)
    await publish(redis_client, [entry(first)])
    await run_once(config, roles=["worker"])
    await publish_more(redis_client, entry(second))
    await run_once(config, roles=["worker"])
    # derby alerted on the first copy only; agent (only the second copy names Ronaldinho) on it
    alerts = [a["payload"] for a in await alerted(redis_client)]
    story = story_id(first)
    assert [(a["watch"], a["article"]["url"]) for a in alerts] == [
        ("derby", first), ("agent", second)
    ]  # fmt: skip
    assert {a["id"] for a in alerts} == {alert_id("derby", story), alert_id("agent", story)}
    assert all(a["story"]["id"] == story for a in alerts)
    # sent after both copies were seen: each payload lists both outlets, the first first
    await run_once(config, roles=["notifier"])
    payloads = posted(hook)
    assert len(payloads) == 2
    for payload in payloads:
        outlets = payload["story"]["outlets"]  # type: ignore[index]
        assert [o["url"] for o in outlets] == [first, second]
        assert outlets[1]["title"].startswith("Update:")
    # the archive knows both articles as one story
    with_archive = open_archive(f"sqlite:///{tmp_path / 'data' / 'archive.sqlite3'}")
    try:
        for url in (first, second):
            article = read.article(with_archive, url=url)
            assert article is not None and article.story_id == story
    finally:
        with_archive.close()


async def test_a_change_of_a_later_copy_updates_only_the_watches_that_alerted_on_it(
    tmp_path: Path,
    http_server: Server,
    make_http_server: object,
    redis_client: aioredis.Redis,
    redis_url_clean: str,
) -> None:
    hook = make_http_server()  # type: ignore[operator]
    config = settings(tmp_path, redis_url_clean, hook)
    first, second = serve_copies(http_server)
    await publish(redis_client, [entry(first)])
    await run_once(config, roles=["worker"])
    await publish_more(redis_client, entry(second))
    await run_once(config, roles=["worker"])
    # the later copy gains two paragraphs (a material change) naming both watches' terms again
    copy = add_paragraph(
        add_paragraph(rewrite_headline(story()), ADDED),
        " ".join(
            f"Persebaya and Arema fans gathered at gate {n} after the match." for n in range(8)
        ),
    )
    body = page(Copy(copy.title, copy.paragraphs, TEMPLATES[2]))
    http_server.route(
        "/daily/sport/derby-report", Route(body=body, headers={"Content-Type": "text/html"})
    )
    await publish_more(redis_client, entry(second, summary="edited"))
    await run_once(config, roles=["worker"])
    alerts = [a["payload"] for a in await alerted(redis_client)]
    assert [(a["watch"], a["update_of"] is not None) for a in alerts] == [
        ("derby", False), ("agent", False), ("agent", True)
    ]  # fmt: skip


async def test_with_stories_off_each_copy_alerts_and_carries_no_story(
    tmp_path: Path,
    http_server: Server,
    make_http_server: object,
    redis_client: aioredis.Redis,
    redis_url_clean: str,
) -> None:
    hook = make_http_server()  # type: ignore[operator]
    config = settings(tmp_path, redis_url_clean, hook, enabled=False)
    first, second = serve_copies(http_server)
    await publish(redis_client, [entry(first), entry(second)])
    await run_once(config, roles=["worker"])
    alerts = [a["payload"] for a in await alerted(redis_client)]
    assert sorted((a["watch"], a["article"]["url"]) for a in alerts) == sorted(
        [("derby", first), ("derby", second), ("agent", second)]
    )
    assert {a["story"] for a in alerts} == {None}
    assert alerts[0]["id"] == alert_id(alerts[0]["watch"], alerts[0]["article"]["url"])


async def publish_more(redis: aioredis.Redis, item: dict[str, object]) -> None:
    await redis.xadd(ENTRIES_STREAM, {"data": json.dumps(item)})
