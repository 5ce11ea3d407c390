"""The web package's Jinja2 templates (``web/templates/``): autoescaped, strict about names.

Filters every template can use: ``highlight`` (a snippet, escaped, with its hits in ``<mark>``),
``link`` (an http(s) URL, or ``#``: a ``javascript:`` link from a feed is never an href),
``when`` (a time as people read it), ``stamp`` (the same of Unix seconds), ``published`` (the
same of a feed's ISO time) and ``segment`` (a value quoted as one path segment); the test
``web_url`` (http or https: the only URLs linked).
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any
from urllib.parse import quote

import jinja2

from newswatch.notify.templates import highlight_html, is_web_url, safe_link


@cache
def environment() -> jinja2.Environment:
    """The one environment of the web package (templates are compiled once)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("newswatch.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["highlight"] = highlight_html
    env.filters["link"] = safe_link
    env.filters["when"] = when
    env.filters["stamp"] = stamp
    env.filters["published"] = published
    env.filters["segment"] = segment
    env.tests["web_url"] = is_web_url
    return env


def when(moment: datetime) -> str:
    """A time as people read it: ``2026-01-02 03:04 UTC``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def parse_time(text: str | None) -> datetime | None:
    """An ISO 8601 time as feeds and pages give it (UTC when it names no zone), or None."""
    try:
        moment = datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
    return moment.replace(tzinfo=moment.tzinfo or UTC) if moment else None


def published(text: str) -> str:
    """A publication time as people read it; as the feed wrote it when it is no ISO time."""
    moment = parse_time(text)
    return when(moment) if moment else text


def stamp(seconds: float) -> str:
    """Unix seconds as people read them: ``2026-01-02 03:04 UTC``."""
    return when(datetime.fromtimestamp(seconds, UTC))


def segment(value: object) -> str:
    """``value`` quoted as one segment of a URL path (a ``/`` in it included)."""
    return quote(str(value), safe="")


def render(template: str, **context: Any) -> str:
    """``template`` rendered with ``context``."""
    return environment().get_template(template).render(**context)
