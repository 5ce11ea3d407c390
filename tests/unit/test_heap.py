import gc
from collections.abc import Iterator

import pytest

from newswatch.constants import GC_YOUNG_THRESHOLD
from newswatch.daemon.runner import settle_heap


@pytest.fixture
def restored_collector() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.usefixtures("restored_collector")
def test_the_daemon_freezes_its_startup_heap_and_collects_young_objects_less_often() -> None:
    gc.unfreeze()
    startup: list[list[int]] = [[] for _ in range(100)]  # containers alive at startup
    _, middle, old = gc.get_threshold()
    settle_heap()
    assert gc.get_freeze_count() >= len(startup)
    assert gc.get_threshold() == (GC_YOUNG_THRESHOLD, middle, old)
