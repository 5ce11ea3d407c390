"""Wall-clock rules for deferring alerts: quiet hours and digest schedules (pure).

Times are aware datetimes; time zones are IANA names. Digest schedules are APScheduler 3.x
CronTriggers, used here only for their fire-time arithmetic.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from newswatch.constants import DEFAULT_DIGEST_CRON


def parse_clock(value: str) -> time:
    """``"HH:MM"`` as a time of day."""
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def quiet_until(now: datetime, start: time, end: time, zone: str) -> datetime | None:
    """The end of the quiet period ``now`` falls in, or None outside quiet hours.

    ``start``/``end`` are local times in ``zone``; ``start > end`` spans midnight (22:00-07:00),
    ``start == end`` means no quiet hours.
    """
    local = now.astimezone(ZoneInfo(zone))
    clock = local.time().replace(tzinfo=None)
    if start == end:
        return None
    inside = start <= clock < end if start < end else (clock >= start or clock < end)
    if not inside:
        return None
    end_day = local.date() if clock < end else local.date() + timedelta(days=1)
    return datetime.combine(end_day, end, tzinfo=local.tzinfo).astimezone(now.tzinfo)


def digest_trigger(cron: str | None, zone: str | None) -> CronTrigger:
    """The digest schedule of a notifier; hourly (UTC) for one without a schedule of its own."""
    if cron is None:
        return CronTrigger.from_crontab(DEFAULT_DIGEST_CRON, timezone="UTC")
    return CronTrigger.from_crontab(cron, timezone=zone or "UTC")


def next_fire_after(trigger: CronTrigger, moment: datetime) -> datetime:
    """The first fire time of ``trigger`` strictly after ``moment``."""
    after = moment + timedelta(microseconds=1)
    fire: datetime | None = trigger.get_next_fire_time(None, after)
    if fire is None:  # a crontab always fires again; guard against end dates anyway
        return datetime.max.replace(tzinfo=moment.tzinfo)
    return fire


def digest_due(trigger: CronTrigger, window_start: datetime, now: datetime) -> bool:
    """True when the schedule fired since the digest window opened."""
    return next_fire_after(trigger, window_start) <= now
