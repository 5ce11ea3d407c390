"""Wrong tokens, counted per client address: after ``TOKEN_FAILURES_MAX`` within a window of
``TOKEN_FAILURES_WINDOW_S``, that address gets 429 until the window is over, whatever token it
sends (so a token cannot be guessed at network speed). A browser with a session is never held
up; behind a reverse proxy every client shares the proxy's address."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web

from newswatch.constants import TOKEN_FAILURES_MAX, TOKEN_FAILURES_WINDOW_S

ADDRESSES_MAX = 10_000  # then the addresses whose window is over are forgotten


@dataclass
class Throttle:
    """Failed attempts per address in the current window: (window start, failures)."""

    limit: int = TOKEN_FAILURES_MAX
    window_s: float = TOKEN_FAILURES_WINDOW_S
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, tuple[float, int]] = field(default_factory=dict)

    def wait_s(self, address: str) -> float:
        """How long ``address`` must wait before it may try again (0: it may now)."""
        start, count = self._failures.get(address, (0.0, 0))
        left = start + self.window_s - self.clock()
        return left if count >= self.limit and left > 0 else 0.0

    def failed(self, address: str) -> None:
        """Count a wrong token from ``address``."""
        now = self.clock()
        start, count = self._failures.get(address, (now, 0))
        if now - start >= self.window_s:
            start, count = now, 0
        self._failures[address] = (start, count + 1)
        if len(self._failures) > ADDRESSES_MAX:
            self._failures = {a: v for a, v in self._failures.items() if now - v[0] < self.window_s}


def too_many(wait_s: float) -> web.HTTPTooManyRequests:
    """429, saying when to try again."""
    seconds = math.ceil(wait_s)
    return web.HTTPTooManyRequests(
        text=f"429: too many wrong tokens from this address; try again in {seconds} s\n",
        headers={"Retry-After": str(seconds)},
    )


THROTTLE: web.AppKey[Throttle] = web.AppKey("throttle", Throttle)
