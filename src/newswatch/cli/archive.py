"""``newswatch search`` and ``newswatch backfill``: the archive seen through watch queries."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import click

from newswatch.archive.candidates import watches_of
from newswatch.archive.database import Archive, database_url, open_archive
from newswatch.archive.read import ArchivedArticle
from newswatch.archive.search import Compiled, Found, compile_watches, find
from newswatch.archive.stories import articles_of
from newswatch.backfill import Backfilled, deliver, plan
from newswatch.cli.base import config_option, load_settings, main
from newswatch.config import Settings
from newswatch.config.durations import parse_duration
from newswatch.config.load import entity_specs
from newswatch.daemon.roles import routes
from newswatch.errors import NewswatchError, QueryError
from newswatch.explain import match_lines
from newswatch.match.model import WatchSpec
from newswatch.queue.connect import open_redis

ISO = "%Y-%m-%dT%H:%M:%SZ"


def iso(seconds: float) -> str:
    """Unix seconds as RFC 3339 UTC."""
    return datetime.fromtimestamp(seconds, UTC).strftime(ISO)


def since_option(value: str | None) -> float | None:
    """``--since 7d`` as the Unix time it starts at."""
    if value is None:
        return None
    try:
        return time.time() - parse_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since") from exc


@contextmanager
def opened(settings: Settings) -> Iterator[Archive]:
    """The config's archive; exit 1 with the reason when it is off or cannot be opened."""
    config = settings.config.archive
    if not config.enabled:
        click.echo("newswatch: the archive is disabled (archive.enabled: false)", err=True)
        raise SystemExit(1)
    try:
        archive = open_archive(database_url(config, settings.data_dir))
    except NewswatchError as exc:
        click.echo(f"newswatch: {exc}", err=True)
        raise SystemExit(1) from exc
    try:
        yield archive
    except NewswatchError as exc:
        click.echo(f"newswatch: {exc}", err=True)
        raise SystemExit(1) from exc
    finally:
        archive.close()


def compiled_query(settings: Settings, query: str) -> Compiled:
    """The query compiled with the config's entities; exit 2 with ``column N: …`` when bad."""
    try:
        return compile_watches([WatchSpec("query", query)], entity_specs(settings.config))
    except QueryError as exc:
        click.echo(f"newswatch: column {exc.column}: {exc.message}", err=True)
        raise SystemExit(2) from exc


def story_json(
    story_id: str | None, stories: Mapping[str, list[ArchivedArticle]]
) -> dict[str, Any] | None:
    """An article's story as ``search --json`` shows it: its id and archived outlets, as in
    the alert payload (None for an article without a story)."""
    if story_id is None:
        return None
    outlets = [{"site": a.site, "url": a.url, "title": a.title, "published": a.published}
               for a in stories.get(story_id, [])]  # fmt: skip
    return {"id": story_id, "outlets": outlets}


def search_json(
    query: str,
    found: list[Found],
    watches: dict[int, list[str]],
    stories: Mapping[str, list[ArchivedArticle]] | None = None,
) -> dict[str, Any]:
    """The ``--json`` document of a search (``stories``: story id -> its archived articles)."""
    stories = stories or {}
    return {"query": query, "count": len(found), "articles": [
        {"url": f.article.url, "title": f.article.title, "site": f.article.site,
         "feed": f.article.feed, "language": f.article.language,
         "published": f.article.published, "seen_at": iso(f.article.seen_at),
         "watches": watches.get(f.article.id, []),
         "hits": [asdict(h) for h in f.matches[0].hits], "snippet": f.matches[0].snippet.text,
         "story": story_json(f.article.story_id, stories)}
        for f in found
    ]}  # fmt: skip


def search_text(found: list[Found], watches: dict[int, list[str]], color: bool) -> str:
    """The readable search results: the hits and the snippet of each, as ``test`` shows them."""
    lines: list[str] = []
    for f in found:
        a = f.article
        lines += [f"{iso(a.seen_at)}  {a.title or '(no title)'}",
                  f"  {a.site} · {a.feed} · {a.language or '?'} · {a.url}"]  # fmt: skip
        if watches.get(a.id):
            lines.append(f"  alerted: {', '.join(watches[a.id])}")
        lines += match_lines(f.matches[0], color)
    lines.append(f"{len(found)} article{'' if len(found) == 1 else 's'}")
    return "\n".join(lines)


@main.command()
@config_option
@click.argument("query")
@click.option("--since", help="Only articles seen within this long, e.g. 7d or 12h.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1),
              help="At most this many articles.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def search(config_path: Path, query: str, since: str | None, limit: int, as_json: bool) -> None:
    """Search the archive with a watch QUERY (and the config's entities), newest first."""
    settings = load_settings(config_path)
    compiled = compiled_query(settings, query)
    start = since_option(since)
    with opened(settings) as archive:
        found = list(islice(find(archive, compiled, start), limit))
        watches = watches_of(archive, [f.article.id for f in found])
        stories = articles_of(archive, {f.article.story_id for f in found if f.article.story_id})
    if as_json:
        document = search_json(query, found, watches, stories)
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        click.echo(search_text(found, watches, sys.stdout.isatty()))


def backfill_watches(settings: Settings, ids: tuple[str, ...]) -> Compiled:
    """The watches named (all when none are), compiled; exit 2 naming an unknown one."""
    watches = settings.config.watches
    unknown = sorted(set(ids) - {w.id for w in watches})
    if unknown:
        known = ", ".join(w.id for w in watches) or "none configured"
        click.echo(f"newswatch: unknown watch {unknown[0]!r} (known: {known})", err=True)
        raise SystemExit(2)
    chosen = [WatchSpec(w.id, w.query) for w in watches if not ids or w.id in ids]
    return compile_watches(chosen, entity_specs(settings.config))


async def run_backfill(
    settings: Settings, archive: Archive, compiled: Compiled, since: float | None, send: bool
) -> tuple[list[Backfilled], int]:
    """Plan the backfill and, with ``send``, raise its new alerts."""
    redis_config = settings.config.redis
    async with open_redis(
        redis_config.url, settings.data_dir, cluster=redis_config.cluster
    ) as redis:
        planned = await plan(redis, archive, compiled, since)
        if not send:
            return planned, 0
        return planned, await deliver(redis, archive, compiled, planned, routes(settings.config))


def backfill_text(planned: list[Backfilled], sent: int, delivered: bool) -> str:
    """The readable backfill report."""
    lines = [
        f"[{b.watch}] {b.article.title or '(no title)'}\n    {b.article.url}"
        + (" (already alerted)" if b.already_alerted else "")
        for b in planned
    ]
    new = sum(not b.already_alerted for b in planned)
    lines.append(f"{len(planned)} matches, {len(planned) - new} already alerted")
    lines.append(f"delivered {sent} alerts" if delivered else f"--deliver would raise {new} alerts")
    return "\n".join(lines)


@main.command()
@config_option
@click.option("--watch", "watch_ids", multiple=True, help="Only this watch (repeatable).")
@click.option("--since", help="Only articles seen within this long, e.g. 7d.")
@click.option("--deliver", "send", is_flag=True, help="Raise the alerts (default: a dry run).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def backfill(config_path: Path, watch_ids: tuple[str, ...], since: str | None, send: bool,
             as_json: bool) -> None:  # fmt: skip
    """What the watches would have alerted on among archived articles; --deliver raises it."""
    settings = load_settings(config_path)
    compiled = backfill_watches(settings, watch_ids)
    start = since_option(since)
    with opened(settings) as archive:
        planned, sent = asyncio.run(run_backfill(settings, archive, compiled, start, send))
    if as_json:
        matches = [{"watch": b.watch, "url": b.article.url, "title": b.article.title,
                    "alert_id": b.alert_id, "already_alerted": b.already_alerted}
                   for b in planned]  # fmt: skip
        click.echo(json.dumps({"matches": matches, "delivered": sent}, ensure_ascii=False,
                              indent=2))  # fmt: skip
    else:
        click.echo(backfill_text(planned, sent, send))
