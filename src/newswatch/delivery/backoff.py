"""Retry arithmetic: exponential backoff with jitter, Retry-After, the attempts/age budget.

Pure functions over plain numbers (seconds since the epoch); the caller supplies the clock and
the random draw, so every case can be tested exactly.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """A notifier's retry budget: ``max_attempts`` sends in all, none after ``max_age`` seconds."""

    max_attempts: int = 8
    max_age_s: float = 24 * 3600.0
    base_delay_s: float = 2.0
    max_delay_s: float = 3600.0


def backoff_delay(policy: RetryPolicy, failures: int, draw: float) -> float:
    """Seconds to wait after the ``failures``-th failure (1-based), with equal jitter.

    The cap doubles each time (``base * 2**(failures-1)``, at most ``max_delay``); the delay is
    drawn from its upper half, so retries of many alerts spread out but never come back early.
    ``draw`` is a uniform random number in [0, 1).
    """
    exponent = min(max(failures - 1, 0), 62)
    cap = min(policy.max_delay_s, policy.base_delay_s * 2.0**exponent)
    return cap / 2 + cap / 2 * draw


def next_attempt_at(
    policy: RetryPolicy,
    failures: int,
    first_failed_at: float,
    now: float,
    retry_after_s: float | None,
    draw: float,
) -> float | None:
    """When to try again after ``failures`` failed sends, or None when the budget is spent.

    A receiver's Retry-After is honoured (never retried earlier than it asked) even above
    ``max_delay``; the age budget is then what decides whether waiting is still worthwhile.
    """
    if failures >= policy.max_attempts:
        return None
    delay = backoff_delay(policy, failures, draw)
    if retry_after_s is not None:
        delay = max(delay, retry_after_s)
    due = now + delay
    if due - first_failed_at > policy.max_age_s:
        return None
    return due
