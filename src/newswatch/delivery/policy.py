"""The delivery rules a config sets, as plain data: retry budgets, digests, watch budgets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time

from apscheduler.triggers.cron import CronTrigger

from newswatch.config.model import Config, RetryConfig, WatchConfig
from newswatch.config.model import Notifier as NotifierConfig
from newswatch.delivery.backoff import RetryPolicy
from newswatch.delivery.timing import digest_trigger, parse_clock, quiet_until


def retry_policy(config: RetryConfig) -> RetryPolicy:
    """The backoff module's view of a notifier's ``retry:`` section."""
    return RetryPolicy(
        max_attempts=config.max_attempts,
        max_age_s=config.max_age,
        base_delay_s=config.base_delay,
        max_delay_s=config.max_delay,
    )


@dataclass(frozen=True)
class NotifierPolicy:
    """How one notifier is delivered to: its retry budget and digest schedule.

    With ``digest_mode`` every alert waits for the digest; otherwise the schedule (hourly by
    default) only sends what a watch's budget or quiet hours deferred.
    """

    retry: RetryPolicy = field(default_factory=RetryPolicy)
    digest: CronTrigger = field(default_factory=lambda: digest_trigger(None, None))
    digest_mode: bool = False


@dataclass(frozen=True)
class WatchPolicy:
    """A watch's alert budget per notifier per 60 minutes, and its quiet hours."""

    max_per_hour: int | None = None
    quiet: tuple[time, time, str] | None = None

    def quiet_until(self, now: datetime) -> datetime | None:
        """The end of the quiet period ``now`` is in, or None."""
        if self.quiet is None:
            return None
        start, end, zone = self.quiet
        return quiet_until(now, start, end, zone)


@dataclass(frozen=True)
class Policies:
    """Every notifier's and watch's rules; unknown names get the defaults."""

    notifiers: Mapping[str, NotifierPolicy] = field(default_factory=dict)
    watches: Mapping[str, WatchPolicy] = field(default_factory=dict)

    def notifier(self, name: str) -> NotifierPolicy:
        """The rules of notifier ``name``."""
        return self.notifiers.get(name) or NotifierPolicy()

    def watch(self, watch_id: str) -> WatchPolicy:
        """The rules of watch ``watch_id``."""
        return self.watches.get(watch_id) or WatchPolicy()


def notifier_policy(config: NotifierConfig) -> NotifierPolicy:
    """The rules of one configured notifier."""
    digest = config.digest
    return NotifierPolicy(
        retry=retry_policy(config.retry),
        digest=digest_trigger(digest.cron if digest else None, digest.timezone if digest else None),
        digest_mode=digest is not None,
    )


def watch_policy(config: WatchConfig) -> WatchPolicy:
    """The rules of one configured watch."""
    quiet = config.quiet_hours
    return WatchPolicy(
        max_per_hour=config.max_alerts_per_hour,
        quiet=(parse_clock(quiet.start), parse_clock(quiet.end), quiet.timezone) if quiet else None,
    )


def policies(config: Config) -> Policies:
    """The delivery rules of a whole config."""
    return Policies(
        notifiers={name: notifier_policy(n) for name, n in config.notifiers.items()},
        watches={w.id: watch_policy(w) for w in config.watches},
    )
