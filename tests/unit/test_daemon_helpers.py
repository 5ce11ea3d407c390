"""The worker's small concurrency helpers: a lock per key, and bookkeeping that is never cut."""

from __future__ import annotations

import asyncio

import pytest

from newswatch.daemon.keylock import KeyLocks
from newswatch.daemon.loop import finish


async def test_one_holder_per_key_and_keys_are_forgotten_when_free() -> None:
    locks = KeyLocks()
    order: list[str] = []
    inside = asyncio.Event()
    leave = asyncio.Event()

    async def hold(key: str, name: str, wait: asyncio.Event | None = None) -> None:
        async with locks.hold(key):
            order.append(f"{name} in")
            if wait is not None:
                inside.set()
                await wait.wait()
            order.append(f"{name} out")

    first = asyncio.create_task(hold("story", "a", leave))
    await inside.wait()
    others = [asyncio.create_task(hold("story", "b")), asyncio.create_task(hold("other", "c"))]
    await others[1]  # another key is not held up
    assert order == ["a in", "c in", "c out"]
    assert len(locks) == 1
    leave.set()
    await asyncio.gather(first, *others)
    assert order[3:] == ["a out", "b in", "b out"]
    assert len(locks) == 0


async def test_finish_completes_its_work_when_the_caller_is_cancelled() -> None:
    started, proceed = asyncio.Event(), asyncio.Event()
    done: list[str] = []

    async def bookkeeping() -> None:
        started.set()
        await proceed.wait()
        done.append("written")

    caller = asyncio.create_task(finish(bookkeeping()))
    await started.wait()
    for _ in range(2):  # cancelled, and cancelled again while finishing
        caller.cancel()
        await asyncio.sleep(0)
        assert not caller.done()  # still finishing the work
    proceed.set()
    with pytest.raises(asyncio.CancelledError):
        await caller
    assert done == ["written"]
