"""What a server says about when to come back: Cache-Control, Expires, Retry-After. Pure."""

from __future__ import annotations

import email.utils
import re
import time
from collections.abc import Mapping

_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?(\d+)", re.IGNORECASE)
_NO_HINT = re.compile(r"(?:^|[,\s])(?:no-cache|no-store)(?:$|[,\s=])", re.IGNORECASE)


def http_date(value: str | None) -> float | None:
    """Unix seconds of an HTTP date, or None when it is not one."""
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    try:
        return when.timestamp()
    except (OverflowError, ValueError):
        return None


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    when = http_date(value)
    if when is None:
        return None
    return max(0.0, when - (time.time() if now is None else now))


def cache_hint_s(headers: Mapping[str, str], now: float | None = None) -> float:
    """How long the response stays fresh by ``Cache-Control: max-age`` or ``Expires`` (0: no
    hint). ``headers`` have lower-case names."""
    control = headers.get("cache-control", "")
    if control and _NO_HINT.search(control):
        return 0.0
    found = _MAX_AGE.search(control) if control else None
    if found:
        return float(found.group(1))
    expires = http_date(headers.get("expires"))
    if expires is None:
        return 0.0
    served = http_date(headers.get("date"))
    base = served if served is not None else (time.time() if now is None else now)
    return max(0.0, expires - base)
