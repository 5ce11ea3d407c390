import random

from newswatch.schedule.timing import MAX_BACKOFF_S, after_failure, after_success, backoff_s


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
