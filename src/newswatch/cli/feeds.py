"""``newswatch feeds``: every feed's health, as a table for a terminal or as JSON."""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from newswatch.cli.base import config_option, load_settings, main
from newswatch.config import Settings
from newswatch.config.durations import format_duration
from newswatch.errors import NewswatchError
from newswatch.feeds.health import ORDER, ago, feed_health
from newswatch.queue.connect import open_redis
from newswatch.words import count

_COLORS = {"failing": "red", "silent": "yellow", "new": "cyan", "ok": "green"}


async def gather(settings: Settings, now: float | None = None) -> list[dict[str, Any]]:
    """One record per configured feed, worst status first."""
    async with open_redis(
        settings.config.redis.url, settings.data_dir, cluster=settings.config.redis.cluster
    ) as redis:
        return await feed_health(redis, settings.feeds, now)


def render(rows: Sequence[dict[str, Any]], now: float, width: int, color: bool) -> str:
    """The health table, errors cut to fit ``width`` columns."""
    header = ("STATUS", "FEED", "LAST SUCCESS", "FAILS", "INTERVAL", "NEXT POLL", "LAST ERROR")
    cells = [
        (
            r["status"],
            r["name"],
            ago(r["last_success"], now),
            str(r["failures"]),
            format_duration(r["interval_s"]) if r["interval_s"] else "-",
            ago(r["next_poll"], now) if r["next_poll"] else "now",
            r["last_error"] or "",
        )
        for r in rows
    ]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(header[:-1])]
    widths[1] = min(widths[1], 40)
    fixed = sum(widths) + 2 * len(widths)
    room = max(width - fixed, 20)
    lines = [_line(header, widths, room, color=False)]
    lines += [_line(c, widths, room, color) for c in cells]
    counts = {s: sum(r["status"] == s for r in rows) for s in ORDER}
    lines.append("")
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    lines.append(f"{count(len(rows), 'feed')}: {summary}")
    return "\n".join(lines)


def _line(cells: Sequence[str], widths: Sequence[int], room: int, color: bool) -> str:
    parts = [_cut(cell, w).ljust(w) for cell, w in zip(cells, widths, strict=False)]
    if color:
        parts[0] = click.style(parts[0], fg=_COLORS.get(cells[0].strip()))
    return "  ".join([*parts, _cut(cells[-1], room)]).rstrip()


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


@main.command()
@config_option
@click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON object per feed, as an array."
)
def feeds(config_path: Path, as_json: bool) -> None:
    """Show every feed's health: ok, failing, silent (quieter than usual) or new."""
    settings = load_settings(config_path)
    now = time.time()
    try:
        rows = asyncio.run(gather(settings, now))
    except NewswatchError as exc:
        click.echo(f"newswatch: {exc}", err=True)
        raise SystemExit(1) from exc
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    width = shutil.get_terminal_size((120, 24)).columns
    click.echo(render(rows, now, width, color=sys.stdout.isatty()))
