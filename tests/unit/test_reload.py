"""The config watch survives a reload that cannot be applied yet (Redis down) and tries again."""

from __future__ import annotations

import asyncio
from pathlib import Path

from newswatch.config import Settings
from newswatch.daemon.reload import watch_config
from newswatch.errors import QueueUnavailable

CONFIG = "redis: {{url: 'redis://127.0.0.1:1/0'}}\nfeeds: []\nwatches: {watches}\n"


async def test_a_reload_that_cannot_be_applied_is_tried_again(tmp_path: Path) -> None:
    path = tmp_path / "newswatch.yaml"
    path.write_text(CONFIG.format(watches="[]"))
    applied: list[Settings] = []
    attempts = 0
    done = asyncio.Event()

    async def apply(settings: Settings) -> None:
        nonlocal attempts
        attempts += 1
        if attempts == 1:  # as Roles.apply raises while Redis is down
            raise QueueUnavailable("Redis unreachable: connection refused")
        applied.append(settings)
        done.set()

    stop = asyncio.Event()
    watcher = asyncio.create_task(watch_config(path, apply, stop, poll_s=0.01))
    await asyncio.sleep(0)  # the watch has read the file's signature: the edit below is new
    path.write_text(CONFIG.format(watches="[{id: w, query: 'damai', notify: []}]"))
    await asyncio.wait_for(done.wait(), 30)  # a bound for a broken build, not a timing check
    stop.set()
    await watcher  # the watch ran on after the failure and ends cleanly
    assert attempts == 2 and [len(s.watchlist) for s in applied] == [1]
