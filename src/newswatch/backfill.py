"""``newswatch backfill``: what watches would have alerted on among archived articles, and,
with ``deliver``, those alerts raised through the normal ``alerts`` stream.

Alerts are raised by the worker's own ``Publisher``: one per (watch, story), so an article a
watch already alerted on (live or by an earlier backfill, itself or another copy of its story)
raises nothing again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from redis.asyncio import Redis

from newswatch.alerts import ArticleInfo, alert_id, build_alert
from newswatch.archive.database import Archive
from newswatch.archive.read import ArchivedArticle
from newswatch.archive.search import Compiled, decide, document
from newswatch.archive.write import write_alerts
from newswatch.constants import ALERT_SEEN_PREFIX
from newswatch.daemon.publish import Publisher
from newswatch.daemon.stats import Stats
from newswatch.daemon.worker import now_iso
from newswatch.match.model import Match
from newswatch.queue.streams import guard
from newswatch.stories import Outlet, Story


@dataclass(frozen=True)
class Backfilled:
    """A watch that matches an archived article, and whether it already alerted on it."""

    watch: str
    article: ArchivedArticle
    alert_id: str
    already_alerted: bool


def matching(archive: Archive, compiled: Compiled, since: float | None) -> list[Backfilled]:
    """Every (watch, archived article) that matches, newest article first (not yet looked up
    in Redis: ``already_alerted`` is False). Only which watches match is decided here; the
    evidence is gathered for the alerts to raise (``deliver``)."""
    return [
        Backfilled(watch, article, alert_id(watch, story_key(article)), False)
        for article, watches in decide(archive, compiled, since)
        for watch in watches
    ]


async def plan(redis: Redis, archive: Archive, compiled: Compiled,
               since: float | None) -> list[Backfilled]:  # fmt: skip
    """What each watch would alert on, with the alerts already raised marked."""
    found = await asyncio.to_thread(matching, archive, compiled, since)
    async with redis.pipeline(transaction=False) as pipe:
        for item in found:
            pipe.exists(ALERT_SEEN_PREFIX + item.alert_id)
        seen = await guard(pipe.execute()) if found else []
    return [replace(item, already_alerted=bool(s)) for item, s in zip(found, seen, strict=True)]


async def deliver(
    redis: Redis,
    archive: Archive,
    compiled: Compiled,
    planned: Sequence[Backfilled],
    routes: Mapping[str, tuple[str, ...]],
) -> int:
    """Raise the planned alerts not raised yet; returns how many were. The archive records
    them as it records the worker's."""
    publisher = Publisher(redis, Stats())
    raised = []
    for item, match in evidence(compiled, [i for i in planned if not i.already_alerted]):
        info = _info(item.article)
        alert = build_alert(match, info, item.article.canonical_url, now_iso(),
                            routes[item.watch], story=_story(item.article))  # fmt: skip
        if (await publisher.publish(alert))[1]:
            raised.append((item.article.canonical_url, alert))
    await asyncio.to_thread(write_alerts, archive, raised)
    return len(raised)


def evidence(compiled: Compiled, items: Sequence[Backfilled]) -> Iterator[tuple[Backfilled, Match]]:
    """Each item with its watch's match on its article, evidence included: an article is
    matched once for the items of its watches (``matching`` lists them together)."""
    article_id, matches = None, {}
    for item in items:
        if item.article.id != article_id:
            article_id = item.article.id
            matches = {m.watch: m for m in compiled.watchlist.match(document(item.article))}
        yield item, matches[item.watch]


def story_key(article: ArchivedArticle) -> str:
    """What an archived article's alert ids derive from: its story, else its canonical URL."""
    return article.story_id or article.canonical_url


def _story(article: ArchivedArticle) -> Story | None:
    if article.story_id is None:
        return None
    outlet = Outlet(article.site, article.url, article.title, article.published, article.seen_at)
    return Story(article.story_id, (outlet,))


def _info(article: ArchivedArticle) -> ArticleInfo:
    return ArticleInfo(article.url, article.title, article.feed, article.published,
                       article.language, article.author, "", article.text)  # fmt: skip
