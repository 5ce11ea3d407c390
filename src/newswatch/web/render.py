"""The web package's Jinja2 templates (``web/templates/``): autoescaped, strict about names.

Filters every template can use: ``highlight`` (a snippet, escaped, with its hits in ``<mark>``),
``link`` (an http(s) URL, or ``#``: a ``javascript:`` link from a feed is never an href) and
``when`` (a time as people read it).
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any

import jinja2

from newswatch.notify.templates import highlight_html, safe_link


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
    return env


def when(moment: datetime) -> str:
    """A time as people read it: ``2026-01-02 03:04 UTC``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def render(template: str, **context: Any) -> str:
    """``template`` rendered with ``context``."""
    return environment().get_template(template).render(**context)
