"""``newswatch dlq list|replay|drop``: the dead letters, i.e. alerts a notifier gave up on."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import click
from redis.asyncio import Redis

from newswatch.cli.base import config_option, load_settings, main
from newswatch.config import Settings
from newswatch.delivery.deadletters import DeadLetter, dead_letters, drop, replay
from newswatch.errors import NewswatchError
from newswatch.queue.connect import open_redis
from newswatch.words import count

T = TypeVar("T")


def with_redis(settings: Settings, work: Callable[[Redis], Awaitable[T]]) -> T:
    """Run ``work`` against the configured Redis; exit 1 with a message on a newswatch error."""

    async def go() -> T:
        async with open_redis(
            settings.config.redis.url, settings.data_dir, cluster=settings.config.redis.cluster
        ) as redis:
            return await work(redis)

    try:
        return asyncio.run(go())
    except NewswatchError as exc:
        click.echo(f"newswatch: {exc}", err=True)
        raise SystemExit(1) from exc


def render(letters: list[DeadLetter]) -> str:
    """One block per dead letter, for a terminal."""
    if not letters:
        return "no dead letters"
    blocks = [
        f"{d.id}  {d.failed_at}  {d.notifier} <- [{d.watch}] alert {d.alert_id}\n"
        f"  {count(d.attempts, 'attempt')}: {d.error}"
        for d in letters
    ]
    return "\n".join(blocks)


def _selection(ids: tuple[str, ...], all_: bool) -> list[str] | None:
    if all_ == bool(ids):
        raise click.UsageError("give dead-letter ids (from `newswatch dlq list`) or --all")
    return None if all_ else list(ids)


@main.group()
def dlq() -> None:
    """Dead letters: alerts a notifier could not deliver within its retry budget."""


@dlq.command("list")
@config_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
def list_(config_path: Path, as_json: bool) -> None:
    """List the dead letters, oldest first."""
    letters = with_redis(load_settings(config_path), dead_letters)
    if as_json:
        click.echo(json.dumps([d.summary() for d in letters], ensure_ascii=False, indent=2))
    else:
        click.echo(render(letters))


@dlq.command("replay")
@config_option
@click.argument("ids", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Replay every dead letter.")
def replay_(config_path: Path, ids: tuple[str, ...], all_: bool) -> None:
    """Send dead letters again (to their notifier only) on the next delivery run."""
    wanted = _selection(ids, all_)

    async def work(redis: Redis) -> int:
        return await replay(redis, await dead_letters(redis, wanted))

    replayed = with_redis(load_settings(config_path), work)
    click.echo(replayed_message(replayed))
    _missing(wanted, replayed)


def replayed_message(replayed: int) -> str:
    """What ``replay`` did: the letters are queued, and something else sends them."""
    queued = f"re-queued {count(replayed, 'dead letter')}"
    if not replayed:
        return queued
    its, them = ("its", "it") if replayed == 1 else ("their", "them")
    return (
        f"{queued} for {its} notifier; a running daemon (`newswatch run`) delivers {them}, "
        "or `newswatch run --once --role notifier` now"
    )


@dlq.command("drop")
@config_option
@click.argument("ids", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Drop every dead letter.")
def drop_(config_path: Path, ids: tuple[str, ...], all_: bool) -> None:
    """Delete dead letters for good."""
    wanted = _selection(ids, all_)

    async def work(redis: Redis) -> int:
        chosen = wanted if wanted is not None else [d.id for d in await dead_letters(redis)]
        return await drop(redis, chosen)

    dropped = with_redis(load_settings(config_path), work)
    click.echo(f"dropped {count(dropped, 'dead letter')}")
    _missing(wanted, dropped)


def _missing(wanted: list[str] | None, found: int) -> None:
    if wanted is not None and found < len(wanted):
        missing = len(wanted) - found
        verb = "was" if missing == 1 else "were"
        click.echo(f"{missing} of the given ids {verb} not found", err=True)
        raise SystemExit(1)
