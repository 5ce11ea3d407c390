"""Scheduling arithmetic, pure: when a feed is next due after a success or a failure."""

from __future__ import annotations

import random

MAX_BACKOFF_S = 24 * 3600.0
JITTER_FRACTION = 0.1


def jittered(seconds: float, rng: random.Random | None = None) -> float:
    """``seconds`` spread by ±10 % so feeds polled together drift apart."""
    spread = seconds * JITTER_FRACTION
    return seconds + (rng or random).uniform(-spread, spread)


def after_success(now_s: float, interval_s: float, rng: random.Random | None = None) -> float:
    """Next due time after a successful poll."""
    return now_s + jittered(interval_s, rng)


def backoff_s(failures: int, interval_s: float, cap_s: float = MAX_BACKOFF_S) -> float:
    """Delay after ``failures`` consecutive failures: the interval doubled per failure, capped."""
    exponent = min(max(failures - 1, 0), 32)
    return float(min(cap_s, interval_s * 2**exponent))


def after_failure(
    now_s: float,
    failures: int,
    interval_s: float,
    retry_after_s: float | None = None,
    rng: random.Random | None = None,
) -> float:
    """Next due time after a failed poll: backoff, never sooner than the server's Retry-After."""
    delay = max(backoff_s(failures, interval_s), retry_after_s or 0.0)
    return now_s + jittered(delay, rng)
