"""Wrong tokens counted per address, over a clock the test moves."""

from __future__ import annotations

from newswatch.web.throttle import Throttle, too_many


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_address_waits_out_the_window_after_too_many_wrong_tokens() -> None:
    clock = Clock()
    throttle = Throttle(limit=3, window_s=60.0, clock=clock)
    for _ in range(2):
        throttle.failed("10.0.0.1")
    assert throttle.wait_s("10.0.0.1") == 0.0
    clock.now += 10
    throttle.failed("10.0.0.1")
    assert throttle.wait_s("10.0.0.1") == 50.0  # the window began with the first failure
    assert throttle.wait_s("10.0.0.2") == 0.0  # another address is not held up
    clock.now += 50
    assert throttle.wait_s("10.0.0.1") == 0.0
    throttle.failed("10.0.0.1")  # a new window: one failure so far
    assert throttle.wait_s("10.0.0.1") == 0.0


def test_failures_spread_over_windows_never_block() -> None:
    clock = Clock()
    throttle = Throttle(limit=3, window_s=60.0, clock=clock)
    for _ in range(10):
        throttle.failed("10.0.0.1")
        throttle.failed("10.0.0.1")
        assert throttle.wait_s("10.0.0.1") == 0.0
        clock.now += 60


def test_too_many_says_when_to_come_back() -> None:
    answer = too_many(49.2)
    assert answer.status == 429
    assert answer.headers["Retry-After"] == "50"
    assert "50 s" in (answer.text or "")
