"""``newswatch status``: the streams, a feed health summary, the archive and the latest alerts."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from redis.asyncio import Redis

from newswatch.archive.database import database_url, open_archive
from newswatch.archive.read import summary
from newswatch.cli.base import config_option, load_settings, main
from newswatch.config import Settings
from newswatch.constants import ALERTS_STREAM
from newswatch.errors import ArchiveError, NewswatchError
from newswatch.feeds.state import load_state
from newswatch.queue.connect import open_redis
from newswatch.queue.info import stream_info
from newswatch.queue.streams import guard

LATEST = 10
ISO = "%Y-%m-%dT%H:%M:%SZ"


async def gather(settings: Settings, latest: int = LATEST) -> dict[str, Any]:
    """Everything ``status`` shows, as plain data."""
    async with open_redis(
        settings.config.redis.url, settings.data_dir, cluster=settings.config.redis.cluster
    ) as redis:
        streams = [info.__dict__ for info in await stream_info(redis)]
        now = time.time()
        states = [await load_state(redis, feed.id) for feed in settings.feeds]
        health = Counter(state.status(now) for state in states)
        alerts = await _latest_alerts(redis, latest)
    archive = await asyncio.to_thread(archive_status, settings)
    return {"streams": streams, "feeds": dict(health), "archive": archive, "latest_alerts": alerts}


def archive_status(settings: Settings) -> dict[str, Any]:
    """Articles, the oldest one's first sighting and the size on disk (or why not known)."""
    config = settings.config.archive
    if not config.enabled:
        return {"enabled": False}
    try:
        archive = open_archive(database_url(config, settings.data_dir))
        try:
            found = summary(archive)
        finally:
            archive.close()
    except ArchiveError as exc:
        return {"enabled": True, "error": str(exc)}
    oldest = found.oldest and datetime.fromtimestamp(found.oldest, UTC).strftime(ISO)
    return {"enabled": True, "articles": found.articles, "alerts": found.alerts,
            "oldest": oldest, "size_bytes": found.size_bytes}  # fmt: skip


async def _latest_alerts(redis: Redis, count: int) -> list[dict[str, Any]]:
    entries = await guard(redis.xrevrange(ALERTS_STREAM, count=count)) or []
    alerts = []
    for _id, fields in entries:
        message = json.loads(fields["data"]) if fields else {}
        if "payload" not in message:  # a digest, or an entry trimmed while pending
            continue
        payload = message["payload"]
        article = payload["article"]
        alerts.append(
            {"detected_at": payload["detected_at"], "watch": payload["watch"],
             "title": article["title"], "url": article["url"], "feed": article["feed"]}
        )  # fmt: skip
    return alerts


def render(status: dict[str, Any]) -> str:
    """The status as a few tables for a terminal."""
    lines = [f"{'stream':<10}{'length':>9}{'pending':>9}{'lag':>9}{'consumers':>11}"]
    for s in status["streams"]:
        lines.append(
            f"{s['name']:<10}{s['length']:>9}{s['pending']:>9}{s['lag']:>9}{s['consumers']:>11}"
        )
    feeds = status["feeds"]
    summary = ", ".join(f"{count} {name}" for name, count in sorted(feeds.items())) or "none"
    lines += ["", f"feeds: {sum(feeds.values())} ({summary})"]
    lines += ["", f"archive: {render_archive(status['archive'])}", "", "latest alerts:"]
    if not status["latest_alerts"]:
        lines.append("  (none)")
    for alert in status["latest_alerts"]:
        lines.append(f"  {alert['detected_at']}  [{alert['watch']}] {alert['title']}")
        lines.append(f"  {'':20}  {alert['feed']} · {alert['url']}")
    return "\n".join(lines)


def render_archive(archive: dict[str, Any]) -> str:
    """The archive's line of the status."""
    if not archive["enabled"]:
        return "disabled"
    if "error" in archive:
        return f"unavailable ({archive['error']})"
    size = archive["size_bytes"] / 1e6
    return (f"{archive['articles']} articles, {archive['alerts']} alerts, oldest "
            f"{archive['oldest'] or '-'}, {size:.1f} MB")  # fmt: skip


@main.command()
@config_option
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status(config_path: Path, as_json: bool) -> None:
    """Show the streams, feed health and the latest alerts."""
    settings = load_settings(config_path)
    try:
        data = asyncio.run(gather(settings))
    except NewswatchError as exc:
        click.echo(f"newswatch: {exc}", err=True)
        raise SystemExit(1) from exc
    data["generated_at"] = datetime.now(UTC).strftime(ISO)
    click.echo(json.dumps(data, ensure_ascii=False, indent=2) if as_json else render(data))
