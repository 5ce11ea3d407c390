import asyncio

import pytest

from newswatch.fetch.politeness import HostGate


class VirtualClock:
    """A clock that only moves when a paced request sleeps, so pacing is checked exactly.

    A sleep yields to the loop, then moves time to the end of that sleep (never backwards): no
    start can come before the end of its wait, and a busy machine changes nothing."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        until = self.now + seconds
        await asyncio.sleep(0)
        self.now = max(self.now, until)


def virtual_gate(per_host: int, delay_s: float) -> tuple[HostGate, VirtualClock]:
    clock = VirtualClock()
    return HostGate(per_host, delay_s, clock=clock, sleep=clock.sleep), clock


async def _request(
    gate: HostGate, host: str, log: list[tuple[str, float]], clock: VirtualClock | None = None
) -> None:
    async with gate.slot(host):
        log.append((host, clock() if clock else 0.0))


async def test_requests_to_one_host_start_at_least_the_delay_apart() -> None:
    gate, clock = virtual_gate(per_host=4, delay_s=0.05)
    log: list[tuple[str, float]] = []
    await asyncio.gather(*(_request(gate, "a", log, clock) for _ in range(4)))
    assert sorted(t for _, t in log) == pytest.approx([0.0, 0.05, 0.1, 0.15])


async def test_other_hosts_do_not_wait() -> None:
    # With a 1,000 s delay, a request that waited for another host's turn would never reach the
    # barrier: all 20 first requests must be inside their slots at the same time.
    gate = HostGate(per_host=1, delay_s=1000.0)
    barrier = asyncio.Barrier(20)

    async def first_request(host: str) -> None:
        async with gate.slot(host):
            await barrier.wait()

    await asyncio.gather(*(first_request(f"h{i}") for i in range(20)))
    assert barrier.n_waiting == 0 and len(gate) == 20


async def test_at_most_per_host_at_once() -> None:
    gate = HostGate(per_host=2, delay_s=0.0)
    active, peak = 0, 0

    async def one() -> None:
        nonlocal active, peak
        async with gate.slot("a"):
            active += 1
            peak = max(peak, active)
            await asyncio.sleep(0.01)
            active -= 1

    await asyncio.gather(*(one() for _ in range(10)))
    assert peak == 2


async def test_idle_hosts_are_forgotten() -> None:
    gate = HostGate(per_host=2, delay_s=0.0)
    await asyncio.gather(*(_request(gate, f"h{i}", []) for i in range(3000)))
    assert len(gate) == 0


async def test_a_slowed_down_host_is_paced_by_its_own_delay() -> None:
    gate, clock = virtual_gate(per_host=4, delay_s=0.0)
    gate.slow_down("slow", 0.05)
    log: list[tuple[str, float]] = []
    hosts = ["slow"] * 3 + ["fast"] * 3
    await asyncio.gather(*(_request(gate, h, log, clock) for h in hosts))
    assert [t for h, t in log if h == "fast"] == [0.0, 0.0, 0.0]  # no wait for the slow host
    assert sorted(t for h, t in log if h == "slow") == [0.0, 0.05, 0.1]
    assert gate.delay("fast") == 0.0 and gate.delay("slow") == 0.05
    assert not gate.ready("slow")  # the next turn is still ahead
    gate.slow_down("slow", 0.0)  # a delay no longer asked for
    assert gate.delay("slow") == 0.0
