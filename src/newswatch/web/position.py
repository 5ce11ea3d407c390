"""Where a page of a newest-first listing starts: ``?before=SECONDS:ID``, the time and id of
the last item of the page before (the alerts' "older" link writes it, and the search's)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from aiohttp import web

Id = TypeVar("Id", str, int)


def parse_position(text: str | None, key: Callable[[str], Id]) -> tuple[float, Id] | None:
    """``SECONDS:ID`` as (seconds, ``key(ID)``); None when absent; 400 when it is not one."""
    if not text:
        return None
    seconds, _, item = text.partition(":")
    try:
        return float(seconds), key(item)
    except ValueError:
        raise web.HTTPBadRequest(text=f"400: bad page position {text!r}\n") from None


def format_position(position: tuple[float, str | int]) -> str:
    """The ``before`` value of a link to the page after ``position``."""
    return f"{position[0]!r}:{position[1]}"
