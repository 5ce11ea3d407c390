"""Every feed's health, as ``newswatch feeds`` and the web page ``/feeds`` show it: one record
per configured feed from its state in Redis, worst status first."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from redis.asyncio import Redis

from newswatch.config.durations import format_duration
from newswatch.feeds.state import FeedState, load_states

if TYPE_CHECKING:
    from newswatch.config.load import Feed

ORDER = {"failing": 0, "silent": 1, "new": 2, "ok": 3}
"""Statuses, worst first."""


async def feed_health(
    redis: Redis, feeds: Sequence[Feed], now: float | None = None
) -> list[dict[str, Any]]:
    """One record per feed, worst status first (then by name)."""
    now = time.time() if now is None else now
    states = await load_states(redis, [feed.id for feed in feeds])
    rows = [record(feed.id, feed.name, feed.url, states[feed.id], now) for feed in feeds]
    return sorted(rows, key=lambda r: (ORDER[r["status"]], r["name"].lower()))


def record(fid: str, name: str, url: str, state: FeedState, now: float) -> dict[str, Any]:
    """The health record of one feed (the ``newswatch feeds --json`` object)."""
    return {
        "id": fid,
        "name": name,
        "url": url,
        "fetch_url": state.fetch_url or None,
        "status": state.status(now),
        "last_success": state.last_success or None,
        "last_attempt": state.last_attempt or None,
        "failures": state.failures,
        "last_error": state.last_error or None,
        "interval_s": state.interval or None,
        "next_poll": state.next_poll or None,
        "usual_gap_s": state.avg_gap or None,
        "entries_seen": state.entries_seen,
    }


def ago(stamp: float | None, now: float) -> str:
    """``5m ago`` / ``in 3m`` / ``never`` for a unix time."""
    if not stamp:
        return "never"
    delta = now - stamp
    text = _coarse(format_duration(float(int(abs(delta)))))
    return f"{text} ago" if delta >= 0 else f"in {text}"


def _coarse(duration: str) -> str:
    """The two largest units of ``1d2h3m4s``: ``1d2h``."""
    units, out, number = 0, "", ""
    for char in duration:
        number += char
        if not char.isdigit():
            out += number
            number = ""
            units += 1
            if units == 2:
                break
    return out or duration
