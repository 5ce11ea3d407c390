"""Outages of a service the daemon depends on (Redis; the archive's database), told once.

While a service is down every loop that uses it fails at every tick. Rather than a traceback
each time, the code that talks to the service reports each call to one ``Outage`` per service
(``failed(error)`` when it cannot be reached, ``answered()`` when it answered), and the log says:

    WARNING Redis unreachable: <error>                       the first failure
    WARNING Redis still unreachable after 60 s: <error>      at most once a minute while it lasts
    INFO    Redis reachable again after 5.2 s                the first answer after

Which line (if any) a report leads to is a pure function of the state and the time
(``on_failure``, ``on_answer``); ``Outage`` keeps the state and reads an injected clock.
Loops that see such a failure (``errors.ServiceUnavailable``) log it at debug level only
(``log_failure``): the tracker has told it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from newswatch.constants import OUTAGE_REPEAT_S
from newswatch.errors import ServiceUnavailable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutageState:
    """``down_since``: when the first failure of the outage was seen (None: not down);
    ``told_at``: when a line about it was last logged."""

    down_since: float | None = None
    told_at: float = 0.0


@dataclass(frozen=True)
class Down:
    """Tell that the service became unreachable."""


@dataclass(frozen=True)
class StillDown:
    """Tell that the service is still unreachable, ``seconds`` after the outage began."""

    seconds: float


@dataclass(frozen=True)
class Up:
    """Tell that the service answers again after ``seconds`` of outage."""

    seconds: float


Report = Down | StillDown | Up


def on_failure(
    state: OutageState, now: float, repeat_s: float
) -> tuple[OutageState, Report | None]:
    """The state after a failure at ``now``, and what to tell (once per ``repeat_s`` at most)."""
    if state.down_since is None:
        return OutageState(now, now), Down()
    if now - state.told_at >= repeat_s:
        return OutageState(state.down_since, now), StillDown(now - state.down_since)
    return state, None


def on_answer(state: OutageState, now: float) -> tuple[OutageState, Report | None]:
    """The state after an answer at ``now``, and what to tell (the end of an outage)."""
    if state.down_since is None:
        return state, None
    return OutageState(), Up(now - state.down_since)


class Outage:
    """The outage state of one service, logged as it changes."""

    def __init__(
        self,
        service: str,
        clock: Callable[[], float] = time.monotonic,
        repeat_s: float = OUTAGE_REPEAT_S,
    ) -> None:
        self.service = service
        self.clock = clock
        self.repeat_s = repeat_s
        self.state = OutageState()

    @property
    def down(self) -> bool:
        """Whether the last report was a failure."""
        return self.state.down_since is not None

    def failed(self, error: BaseException | str) -> None:
        """A call could not reach the service."""
        self.state, report = on_failure(self.state, self.clock(), self.repeat_s)
        if isinstance(report, Down):
            log.warning("%s unreachable: %s", self.service, error)
        elif isinstance(report, StillDown):
            log.warning("%s still unreachable after %.0f s: %s",
                        self.service, report.seconds, error)  # fmt: skip

    def answered(self) -> None:
        """A call reached the service (cheap when it was not down)."""
        if self.state.down_since is None:
            return
        self.state, report = on_answer(self.state, self.clock())
        if isinstance(report, Up):
            log.info("%s reachable again after %.1f s", self.service, report.seconds)


def log_failure(logger: logging.Logger, exc: BaseException, message: str, *args: object) -> None:
    """Log a failure a loop survives: with its traceback, unless it is an outage that the
    service's tracker tells (then at debug level, without traceback)."""
    if isinstance(exc, ServiceUnavailable):
        logger.debug(message + ": %s", *args, exc)
    else:
        logger.error(message, *args, exc_info=exc)
