"""Scheduling arithmetic, pure: when a feed is next due after a success or a failure.

A feed's interval adapts to how often it publishes. Its usual publishing gap is estimated from
the dates of its entries on the first poll and then from the new entries each poll finds (an
exponentially weighted average); the feed is polled about twice per gap, within
``[min_interval, max_interval]``, moving at most a factor of two per poll. Server hints (RSS
``<ttl>``, ``Cache-Control: max-age``, ``Expires``) only ever lengthen the delay; errors back
off exponentially up to a day and never stop a feed for good. Every due time is jittered so
feeds polled together drift apart.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

MAX_BACKOFF_S = 24 * 3600.0
JITTER_FRACTION = 0.1
POLLS_PER_GAP = 2.0
"""How many polls per usual publishing gap: 2 finds an entry about half a gap after it appears."""
MAX_STEP = 2.0
"""The interval changes by at most this factor per poll, so one odd poll cannot swing it."""
GAP_WEIGHT = 0.3
"""Weight of the newest observation in the publishing-gap average."""
GAP_SAMPLE = 50
"""At most this many of the newest entry dates estimate the gap on a first poll."""
SILENT_FACTOR = 10.0
SILENT_MIN_S = 12 * 3600.0
"""A feed is silent when nothing new came for SILENT_FACTOR usual gaps, and at least this long."""


def clamp(value: float, low: float, high: float) -> float:
    """``value`` limited to ``[low, high]``."""
    return max(low, min(high, value))


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
    """Next due time after a failed poll: backoff, never sooner than the server's Retry-After.

    Retry-After is capped like the backoff, so a server cannot park a feed for good.
    """
    wait = min(retry_after_s or 0.0, MAX_BACKOFF_S)
    delay = max(backoff_s(failures, interval_s), wait)
    return now_s + jittered(delay, rng)


def gap_from_dates(stamps: Iterable[float], now_s: float) -> tuple[float, float]:
    """(usual gap, newest date) estimated from entry dates (unix seconds); zeros when unknown.

    Dates in the future are ignored; the oldest fifth of the sample is dropped, so a pinned
    old entry does not stretch the estimate.
    """
    past = sorted({s for s in stamps if 0 < s <= now_s}, reverse=True)[:GAP_SAMPLE]
    if not past:
        return 0.0, 0.0
    kept = past[: max(2, -(-len(past) * 4 // 5))]
    if len(kept) < 2 or kept[0] == kept[-1]:
        return 0.0, past[0]
    return (kept[0] - kept[-1]) / (len(kept) - 1), past[0]


def observe_gap(avg_gap_s: float, last_new_s: float, now_s: float, new: int) -> float:
    """The publishing-gap average after a poll that found ``new`` new entries."""
    if new <= 0 or last_new_s <= 0 or now_s <= last_new_s:
        return avg_gap_s
    observed = (now_s - last_new_s) / new
    if avg_gap_s <= 0:
        return observed
    return avg_gap_s + GAP_WEIGHT * (observed - avg_gap_s)


def target_interval(
    current_s: float, avg_gap_s: float, quiet_s: float, found_new: bool, base_s: float
) -> float:
    """The interval the feed's rhythm asks for, before bounds.

    A quiet spell longer than the usual gap counts as the gap; a poll that found nothing new
    never shortens the interval.
    """
    gap = max(avg_gap_s, quiet_s) if avg_gap_s > 0 else quiet_s
    wanted = gap / POLLS_PER_GAP if gap > 0 else base_s
    if avg_gap_s <= 0:
        wanted = max(base_s, wanted)
    return wanted if found_new else max(current_s, wanted)


def next_interval(current_s: float, target_s: float, min_s: float, max_s: float) -> float:
    """Move from ``current_s`` toward ``target_s`` by at most MAX_STEP, within the bounds."""
    if current_s <= 0:
        return clamp(target_s, min_s, max_s)
    step = clamp(target_s, current_s / MAX_STEP, current_s * MAX_STEP)
    return clamp(step, min_s, max_s)


def hinted_delay(interval_s: float, hint_s: float, max_s: float) -> float:
    """The delay to the next poll: server hints lengthen the interval (up to ``max_s``), never
    shorten it."""
    if hint_s <= interval_s:
        return interval_s
    return max(interval_s, min(hint_s, max_s))


def is_silent(avg_gap_s: float, last_new_s: float, now_s: float) -> bool:
    """True when a feed with a known rhythm has published nothing for much longer than usual."""
    if avg_gap_s <= 0 or last_new_s <= 0:
        return False
    return now_s - last_new_s > max(SILENT_FACTOR * avg_gap_s, SILENT_MIN_S)
