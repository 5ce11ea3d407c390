"""A feed's next state after a poll, pure: the adaptive interval, server hints, backoff.

The poller fetches and publishes; these functions decide what is remembered and when the feed
is due again, from the stored state, what the poll found and the time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from newswatch.constants import MOVED_RETRY_FAILURES, PARSE_INLINE_MAX_BYTES
from newswatch.feeds.items import ParsedFeed
from newswatch.feeds.state import FeedState
from newswatch.fetch import Validators
from newswatch.fetch.client import Response
from newswatch.fetch.hints import cache_hint_s
from newswatch.schedule import timing


@dataclass(frozen=True)
class PollPolicy:
    """The bounds of the adaptive schedule and when to parse off the event loop."""

    min_interval_s: float = 60.0
    max_interval_s: float = 6 * 3600.0
    parse_inline_max_bytes: int = PARSE_INLINE_MAX_BYTES


@dataclass(frozen=True)
class Fetched:
    """A successful fetch of a feed, parsed unless its body was unchanged."""

    response: Response
    parsed: ParsedFeed | None
    body_hash: str
    fetch_url: str
    fetch_via: str


def rebased(state: FeedState, configured_s: float) -> FeedState:
    """A feed whose configured interval changed starts again from the new one."""
    if state.interval <= 0 or state.base_interval != configured_s:
        return replace(state, interval=configured_s, base_interval=configured_s)
    return state


def moved(response: Response, fetch_url: str, via: str) -> tuple[str, str]:
    """The URL to fetch next time: a permanent redirect is remembered."""
    if response.permanent_redirect:
        return response.permanent_redirect, via or "redirect"
    return fetch_url, via


def rhythm(
    state: FeedState, parsed: ParsedFeed | None, published: int, now: float
) -> tuple[float, float, bool]:
    """(usual gap, when the newest entry appeared, whether this poll found new ones)."""
    if state.last_new <= 0:  # first poll: every entry is new; the dates tell the rhythm
        if parsed is None:
            return state.avg_gap, now, False
        gap, newest = timing.gap_from_dates(parsed.stamps, now)
        return gap, newest or now, False
    if published <= 0:
        return state.avg_gap, state.last_new, False
    return timing.observe_gap(state.avg_gap, state.last_new, now, published), now, True


def succeeded(
    state: FeedState,
    fetched: Fetched,
    published: int,
    now: float,
    configured_s: float,
    policy: PollPolicy,
    rng: random.Random,
) -> FeedState:
    """The state after a successful poll that published ``published`` new entries."""
    response, parsed = fetched.response, fetched.parsed
    kept = (
        Validators(state.etag or None, state.last_modified or None)
        if response.not_modified
        else response.validators
    )
    avg_gap, last_new, found_new = rhythm(state, parsed, published, now)
    target = timing.target_interval(
        state.interval, avg_gap, now - last_new, found_new, configured_s
    )
    interval = timing.next_interval(
        state.interval, target, policy.min_interval_s, policy.max_interval_s
    )
    feed_hint = parsed.hint_s if parsed is not None else state.feed_hint
    hint = max(feed_hint, cache_hint_s(response.headers, now))
    delay = timing.hinted_delay(interval, hint, policy.max_interval_s)
    return replace(
        state,
        fetch_url=fetched.fetch_url,
        fetch_via=fetched.fetch_via,
        etag=kept.etag or "",
        last_modified=kept.last_modified or "",
        body_hash=fetched.body_hash,
        last_success=now,
        last_attempt=now,
        failures=0,
        last_error="",
        interval=interval,
        next_poll=timing.after_success(now, delay, rng),
        entries_seen=state.entries_seen + published,
        avg_gap=avg_gap,
        last_new=last_new,
        feed_hint=feed_hint,
    )


def failed(
    state: FeedState,
    now: float,
    message: str,
    retry_after_s: float | None,
    configured_s: float,
    rng: random.Random,
) -> FeedState:
    """The state after a failed poll: backoff (never sooner than Retry-After), and after a few
    failures at a remembered URL, the configured one again."""
    failures = state.failures + 1
    interval = state.interval if state.interval > 0 else configured_s
    drop_moved = bool(state.fetch_url) and failures >= MOVED_RETRY_FAILURES
    return replace(
        state,
        fetch_url="" if drop_moved else state.fetch_url,
        fetch_via="" if drop_moved else state.fetch_via,
        last_attempt=now,
        failures=failures,
        last_error=message,
        interval=interval,
        next_poll=timing.after_failure(now, failures, interval, retry_after_s, rng),
    )
