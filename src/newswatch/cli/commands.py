"""The core commands: run, check, test."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import click

from newswatch.cli.base import config_option, load_settings, main
from newswatch.daemon.roles import fetch_limits
from newswatch.daemon.runner import ROLES, run_forever, run_once
from newswatch.errors import NewswatchError
from newswatch.explain import Explained, as_json, as_text, explain, load_document
from newswatch.fetch import Fetcher
from newswatch.words import count


@main.command()
@config_option
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLES),
              help="Run only these roles (repeatable); default: all.")  # fmt: skip
@click.option("--once", is_flag=True, help="Poll every feed once, drain the queues, deliver, exit.")
def run(config_path: Path, roles: tuple[str, ...], once: bool) -> None:
    """Run the daemon (all roles unless --role is given)."""
    settings = load_settings(config_path)
    selected = roles or ROLES
    try:
        if once:
            stats = asyncio.run(run_once(settings, selected))
            click.echo(stats.summary())
        else:
            asyncio.run(run_forever(settings, selected))
    except NewswatchError as exc:
        click.echo(f"newswatch: {exc}", err=True)
        raise SystemExit(1) from exc


@main.command()
@config_option
def check(config_path: Path) -> None:
    """Validate a config; print FILE:LINE:COL: message for every problem (and warning)."""
    settings = load_settings(config_path)
    for problem in settings.warnings:
        click.echo(str(problem), err=True)
    feeds = count(len(settings.feeds), "feed")
    watches = count(len(settings.watchlist), "watch", "watches")
    notifiers = count(len(settings.config.notifiers), "notifier")
    click.echo(f"{settings.path}: OK ({feeds}, {watches}, {notifiers})")


@main.command("test")
@config_option
@click.argument("source")
@click.option("--json", "as_json_flag", is_flag=True, help="Print the result as JSON.")
def test_article(config_path: Path, source: str, as_json_flag: bool) -> None:
    """Extract one article (URL or HTML FILE) and show which watches match and why."""
    settings = load_settings(config_path)

    async def go() -> tuple[dict[str, Any], list[Explained]]:
        fetcher = Fetcher(fetch_limits(settings))
        try:
            article, document = await load_document(source, fetcher)
        finally:
            await fetcher.aclose()
        return article, explain(settings, document)

    try:
        article, matches = asyncio.run(go())
    except (NewswatchError, OSError) as exc:
        click.echo(f"newswatch: {exc}", err=True)
        raise SystemExit(1) from exc
    if as_json_flag:
        click.echo(json.dumps(as_json(article, matches), ensure_ascii=False, indent=2))
    else:
        click.echo(as_text(article, matches, sys.stdout.isatty()))
