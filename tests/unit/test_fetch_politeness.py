import asyncio
import time

from newswatch.fetch.politeness import HostGate


async def _request(gate: HostGate, host: str, log: list[tuple[str, float]], hold: float) -> None:
    async with gate.slot(host):
        log.append((host, time.monotonic()))
        await asyncio.sleep(hold)


async def test_requests_to_one_host_start_at_least_the_delay_apart() -> None:
    gate = HostGate(per_host=4, delay_s=0.05)
    log: list[tuple[str, float]] = []
    before = time.monotonic()
    await asyncio.gather(*(_request(gate, "a", log, 0.0) for _ in range(4)))
    assert_paced([t for _, t in log], before, 0.05)


def assert_paced(starts: list[float], before: float, delay_s: float) -> None:
    """The k-th start came k delays or more after ``before`` (when the first could start).

    Not the gap between two starts: a busy machine may pause a task between the gate's
    admission and its log entry, which shortens the gap after it (a flaky test), but nothing
    can make a start early."""
    assert all(t - before >= k * delay_s * 0.99 for k, t in enumerate(sorted(starts)))


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
    await asyncio.gather(*(_request(gate, f"h{i}", [], 0.0) for i in range(3000)))
    assert len(gate) == 0


async def test_a_slowed_down_host_is_paced_by_its_own_delay() -> None:
    gate = HostGate(per_host=4, delay_s=0.0)
    gate.slow_down("slow", 0.05)
    log: list[tuple[str, float]] = []
    before = time.monotonic()
    await asyncio.gather(*(_request(gate, h, log, 0.0) for h in ["slow"] * 3 + ["fast"] * 3))
    assert_paced([t for h, t in log if h == "slow"], before, 0.05)
    assert gate.delay("fast") == 0.0 and gate.delay("slow") == 0.05
    assert not gate.ready("slow")  # the next turn is still ahead
    gate.slow_down("slow", 0.0)  # a delay no longer asked for
    assert gate.delay("slow") == 0.0
