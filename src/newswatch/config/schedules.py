"""Validators for the delivery settings of the config: time zones, cron, clock times, templates.

Each returns its value unchanged or raises ValueError with a message for the config report.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def check_timezone(name: str) -> str:
    """An IANA time zone name such as ``Asia/Jakarta``."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        hint = "use an IANA name like Europe/Berlin"
        raise ValueError(f"unknown time zone {name!r} ({hint})") from exc
    return name


def check_cron(expression: str) -> str:
    """A five-field crontab expression (minute hour day month weekday)."""
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(expression, timezone="UTC")
    except ValueError as exc:
        raise ValueError(f"invalid cron expression {expression!r}: {exc}") from exc
    return expression


def check_clock(value: str) -> str:
    """A time of day as ``HH:MM`` (24-hour clock)."""
    if not _CLOCK.match(value):
        raise ValueError(f"expected a time of day as HH:MM, got {value!r}")
    return value


def check_template(source: str) -> str:
    """A Jinja2 template that compiles."""
    return _compile(source, autoescape=False)


def check_html_template(source: str) -> str:
    """A Jinja2 HTML template (autoescaped) that compiles."""
    return _compile(source, autoescape=True)


def _compile(source: str, autoescape: bool) -> str:
    import jinja2

    try:
        jinja2.Environment(autoescape=autoescape).parse(source)
    except jinja2.TemplateSyntaxError as exc:
        raise ValueError(f"template line {exc.lineno}: {exc.message}") from exc
    return source
