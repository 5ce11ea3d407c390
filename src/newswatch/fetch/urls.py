"""URL canonicalisation, so one article reached through several feeds is handled once."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "hsa_")
_TRACKING_NAMES = frozenset(
    {"fbclid", "gclid", "dclid", "gclsrc", "msclkid", "yclid", "igshid", "mkt_tok",
     "_ga", "_gl", "ref_src", "cmpid", "ocid", "spm", "wt_mc", "at_medium", "at_campaign"}
)  # fmt: skip
_DEFAULT_PORTS = {"http": 80, "https": 443}
URL_CACHE_SIZE = 16_384
"""URLs whose host and scheme are kept parsed: a feed's URL comes back at every poll."""


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, default port, fragment and tracking parameters removed."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port
    netloc = host if port is None or _DEFAULT_PORTS.get(scheme) == port else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _tracking(k)]
    )
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def _tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_NAMES or lowered.startswith(_TRACKING_PREFIXES)


@lru_cache(maxsize=URL_CACHE_SIZE)
def host_of(url: str) -> str:
    """The lower-case host of ``url`` (empty when it has none)."""
    return (urlsplit(url).hostname or "").lower().rstrip(".")


@lru_cache(maxsize=URL_CACHE_SIZE)
def scheme_of(url: str) -> str:
    """The lower-case scheme of ``url`` (empty when it has none)."""
    return urlsplit(url).scheme.lower()
