"""Pure delivery rules: backoff and the retry budget, quiet hours, digest schedules."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newswatch.delivery.backoff import RetryPolicy, backoff_delay, next_attempt_at
from newswatch.delivery.timing import digest_due, digest_trigger, next_fire_after, quiet_until

POLICY = RetryPolicy(max_attempts=5, max_age_s=3600, base_delay_s=2, max_delay_s=60)


def test_backoff_doubles_within_the_jitter_band() -> None:
    assert [backoff_delay(POLICY, n, 0.0) for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert [backoff_delay(POLICY, n, 0.999999) for n in (1, 2, 3)] == pytest.approx([2, 4, 8])


def test_backoff_is_capped() -> None:
    assert backoff_delay(POLICY, 30, 0.999999) == pytest.approx(60)
    assert backoff_delay(POLICY, 10_000, 0.0) == 30


@given(st.integers(1, 200), st.floats(0, 1, exclude_max=True))
def test_backoff_stays_in_its_band(failures: int, draw: float) -> None:
    cap = min(POLICY.max_delay_s, POLICY.base_delay_s * 2.0 ** min(failures - 1, 62))
    assert cap / 2 <= backoff_delay(POLICY, failures, draw) <= cap


def test_retry_after_is_honoured_even_above_the_cap() -> None:
    assert next_attempt_at(POLICY, 1, 1000, 1000, 120, 0.5) == 1120
    assert next_attempt_at(POLICY, 1, 1000, 1000, 0.1, 0.0) == 1001


def test_attempts_budget() -> None:
    assert next_attempt_at(POLICY, 4, 0, 0, None, 0.0) is not None
    assert next_attempt_at(POLICY, 5, 0, 0, None, 0.0) is None


def test_age_budget() -> None:
    assert next_attempt_at(POLICY, 1, 0, 3500, None, 0.0) is not None  # due at 3501
    assert next_attempt_at(POLICY, 2, 0, 3599, None, 0.0) is None  # due 3601 > max age
    assert next_attempt_at(POLICY, 1, 0, 0, 7200, 0.0) is None  # Retry-After beyond the budget


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_quiet_hours_across_midnight_in_a_time_zone() -> None:
    start, end = time(22, 0), time(7, 0)
    zone = "Asia/Jakarta"  # UTC+7
    assert quiet_until(at("2026-01-01T16:00:00+00:00"), start, end, zone) == at(
        "2026-01-02T07:00:00+07:00"
    )  # 23:00 local
    assert quiet_until(at("2026-01-01T20:00:00+00:00"), start, end, zone) == at(
        "2026-01-02T07:00:00+07:00"
    )  # 03:00 local, the next day
    assert quiet_until(at("2026-01-01T05:00:00+00:00"), start, end, zone) is None  # 12:00 local


def test_quiet_hours_within_a_day_and_empty() -> None:
    now = at("2026-01-01T12:30:00+00:00")
    assert quiet_until(now, time(12, 0), time(13, 0), "UTC") == at("2026-01-01T13:00:00+00:00")
    assert quiet_until(now, time(13, 0), time(14, 0), "UTC") is None
    assert quiet_until(now, time(12, 0), time(12, 0), "UTC") is None


def test_digest_schedule_in_its_time_zone() -> None:
    trigger = digest_trigger("0 8 * * *", "Asia/Jakarta")
    opened = at("2026-01-01T02:00:00+00:00")  # 09:00 in Jakarta: the next 08:00 is tomorrow
    assert next_fire_after(trigger, opened) == at("2026-01-02T08:00:00+07:00")
    assert not digest_due(trigger, opened, at("2026-01-02T00:59:00+00:00"))
    assert digest_due(trigger, opened, at("2026-01-02T01:00:00+00:00"))


def test_default_digest_is_hourly() -> None:
    trigger = digest_trigger(None, None)
    assert next_fire_after(trigger, at("2026-01-01T10:00:00+00:00")) == at(
        "2026-01-01T11:00:00+00:00"
    )
