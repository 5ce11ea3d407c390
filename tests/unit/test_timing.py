import random

from hypothesis import given
from hypothesis import strategies as st

from newswatch.schedule.timing import (
    MAX_BACKOFF_S,
    SILENT_MIN_S,
    after_failure,
    after_success,
    backoff_s,
    gap_from_dates,
    hinted_delay,
    is_silent,
    next_interval,
    observe_gap,
    target_interval,
)

HOUR = 3600.0


def test_success_schedules_one_interval_later_within_jitter() -> None:
    rng = random.Random(1)
    dues = [after_success(1000.0, 300.0, rng) for _ in range(200)]
    assert all(1270.0 <= d <= 1330.0 for d in dues)
    assert len(set(dues)) > 100  # jitter spreads feeds


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff_s(n, 60.0) for n in (1, 2, 3, 4)] == [60.0, 120.0, 240.0, 480.0]
    assert backoff_s(40, 60.0) == MAX_BACKOFF_S


def test_retry_after_only_lengthens() -> None:
    rng = random.Random(2)
    assert after_failure(0.0, 1, 60.0, retry_after_s=3600.0, rng=rng) >= 3240.0
    assert after_failure(0.0, 1, 60.0, retry_after_s=1.0, rng=rng) >= 54.0


def test_a_huge_retry_after_cannot_park_a_feed_for_good() -> None:
    due = after_failure(0.0, 1, 60.0, retry_after_s=365 * 86400.0, rng=random.Random(3))
    assert due <= MAX_BACKOFF_S * 1.1


@given(st.integers(min_value=1, max_value=10_000), st.floats(min_value=1.0, max_value=86400.0))
def test_a_failing_feed_is_always_retried_within_a_day(failures: int, interval: float) -> None:
    due = after_failure(0.0, failures, interval, rng=random.Random(failures))
    assert 0.0 < due <= MAX_BACKOFF_S * 1.1


def test_gap_from_dates_is_the_mean_spacing_of_the_newest_entries() -> None:
    now = 100 * HOUR
    stamps = [now - i * HOUR for i in range(10)]
    gap, newest = gap_from_dates(stamps, now)
    assert gap == HOUR and newest == now


def test_gap_from_dates_ignores_future_dates_and_a_pinned_old_entry() -> None:
    now = 1000 * HOUR
    stamps = [now + 5 * HOUR] + [now - i * HOUR for i in range(10)] + [1.0]
    gap, newest = gap_from_dates(stamps, now)
    assert newest == now
    assert HOUR <= gap < 2 * HOUR


def test_gap_from_dates_without_enough_dates_is_unknown() -> None:
    assert gap_from_dates([], 10.0) == (0.0, 0.0)
    assert gap_from_dates([5.0, 5.0], 10.0) == (0.0, 5.0)


def test_observed_gap_is_a_weighted_average() -> None:
    assert observe_gap(0.0, 100.0, 700.0, 2) == 300.0  # first observation: taken as it is
    assert observe_gap(1000.0, 100.0, 2100.0, 1) == 1000.0 + 0.3 * (2000.0 - 1000.0)
    assert observe_gap(1000.0, 100.0, 2100.0, 0) == 1000.0  # nothing new: nothing learned


def test_busy_feeds_are_polled_more_often_within_the_bounds() -> None:
    current = 300.0
    for _ in range(10):
        target = target_interval(current, 60.0, 0.0, True, 300.0)
        current = next_interval(current, target, 60.0, 6 * HOUR)
    assert current == 60.0


def test_quiet_feeds_are_polled_less_often_up_to_the_maximum() -> None:
    current, quiet = 300.0, 0.0
    for _ in range(30):
        quiet += current
        target = target_interval(current, 1800.0, quiet, False, 300.0)
        current = next_interval(current, target, 60.0, 6 * HOUR)
    assert current == 6 * HOUR


def test_a_poll_that_found_nothing_never_shortens_the_interval() -> None:
    assert target_interval(3600.0, 60.0, 30.0, False, 300.0) == 3600.0
    assert target_interval(3600.0, 0.0, 30.0, False, 300.0) == 3600.0


def test_unknown_rhythm_starts_from_the_configured_interval() -> None:
    assert target_interval(300.0, 0.0, 0.0, False, 300.0) == 300.0
    assert target_interval(300.0, 0.0, 4 * HOUR, False, 300.0) == 2 * HOUR


@given(
    st.floats(min_value=1.0, max_value=1e6),
    st.floats(min_value=0.0, max_value=1e7),
    st.floats(min_value=1.0, max_value=3600.0),
)
def test_the_interval_moves_at_most_twofold_and_stays_in_bounds(
    current: float, target: float, low: float
) -> None:
    high = low * 100
    result = next_interval(current, target, low, high)
    assert low <= result <= high
    assert result <= max(current * 2, low) and result >= min(current / 2, high)


def test_server_hints_only_lengthen_the_delay() -> None:
    assert hinted_delay(300.0, 0.0, 6 * HOUR) == 300.0
    assert hinted_delay(300.0, 60.0, 6 * HOUR) == 300.0
    assert hinted_delay(300.0, 1800.0, 6 * HOUR) == 1800.0
    assert hinted_delay(300.0, 7 * 86400.0, 6 * HOUR) == 6 * HOUR


def test_silent_means_much_longer_than_the_usual_gap() -> None:
    assert not is_silent(0.0, 1.0, 1e9)  # unknown rhythm: never flagged
    assert not is_silent(HOUR, 1000.0, 1000.0 + SILENT_MIN_S)
    assert is_silent(HOUR, 1000.0, 1000.0 + SILENT_MIN_S + 1)
    assert not is_silent(2 * HOUR, 1000.0, 1000.0 + 19 * HOUR)
    assert is_silent(2 * HOUR, 1000.0, 1000.0 + 21 * HOUR)
