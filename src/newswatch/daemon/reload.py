"""Hot reload: watch the config file (and SIGHUP); apply valid edits, report invalid ones.

The file is polled by its (inode, size, mtime) signature rather than watched with inotify, so
that atomic replacements and Kubernetes ConfigMap symlink swaps are seen too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Awaitable, Callable
from pathlib import Path

from newswatch.config import Settings, load_config
from newswatch.errors import ConfigError, NewswatchError
from newswatch.observe.outage import log_failure
from newswatch.words import count

log = logging.getLogger(__name__)

Signature = tuple[int, int, int] | None
Apply = Callable[[Settings], Awaitable[None]]
RELOAD_POLL_S = 2.0


def signature(path: Path) -> Signature:
    """What changes when the file is edited or replaced; None when it is missing."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


async def reload_once(path: Path, apply: Apply) -> bool:
    """Load ``path`` and apply it; on errors log them all and keep the running config.

    False when the config is valid but could not be applied yet (Redis down, say): the caller
    tries again."""
    try:
        settings = await asyncio.to_thread(load_config, path)
    except ConfigError as exc:
        for problem in exc.problems:
            log.error("config reload rejected, previous config stays in force: %s", problem)
        return True
    try:
        await apply(settings)
    except NewswatchError as exc:
        log_failure(log, exc, "config reload not applied yet, will try again")
        return False
    feeds, watches = len(settings.feeds), len(settings.watchlist)
    log.info("config reloaded: %s, %s", count(feeds, "feed"), count(watches, "watch", "watches"))
    return True


async def watch_config(
    path: Path, apply: Apply, stop: asyncio.Event, poll_s: float = RELOAD_POLL_S
) -> None:
    """Reload on every change of the file and on SIGHUP, until ``stop`` is set."""
    hup = asyncio.Event()
    _on_sighup(hup.set)
    last, pending = signature(path), False
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(_first(stop, hup), poll_s)
        current = signature(path)
        unchanged = current == last and not hup.is_set() and not pending
        if stop.is_set() or unchanged or current is None:
            continue
        hup.clear()
        last = current
        pending = not await reload_once(path, apply)


async def _first(*events: asyncio.Event) -> None:
    waiters = [asyncio.create_task(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


def _on_sighup(callback: Callable[[], None]) -> None:
    if os.name != "posix":
        return
    # Not possible outside the main thread (tests): the file watch still works there.
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, callback)
