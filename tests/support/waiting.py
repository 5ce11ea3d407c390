"""Waiting, in tests, for something a running daemon does."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


async def eventually(check: Callable[[], object], within_s: float = 20.0) -> None:
    """Wait until ``check()`` is truthy."""
    for _ in range(int(within_s * 10)):
        if check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("condition not reached in time")
