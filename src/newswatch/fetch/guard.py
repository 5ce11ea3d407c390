"""The trust rule for article links (DESIGN.md, "Fetching safely").

Feed URLs from the config are trusted. A link found inside a feed is fetched like the feed when
it is on the feed's own host; on any other host only when every address it resolves to is
public, unless private networks are allowed.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from newswatch.errors import BlockedURL
from newswatch.fetch.urls import host_of, scheme_of

ALLOWED_SCHEMES = frozenset({"http", "https"})


def check_scheme(url: str) -> None:
    """Refuse anything but http and https."""
    scheme = scheme_of(url)
    if scheme not in ALLOWED_SCHEMES:
        raise BlockedURL(url, f"scheme {scheme or '(none)'!r} is not allowed (http/https only)")


def is_public(address: str) -> bool:
    """True for a globally routable address (not loopback, private, link-local, reserved...)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def check_public(url: str) -> None:
    """Raise BlockedURL unless every address ``url``'s host resolves to is public."""
    host = host_of(url)
    if not host:
        raise BlockedURL(url, "URL has no host")
    port = urlsplit(url).port or 443
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise BlockedURL(url, f"cannot resolve {host}: {exc}") from exc
    for info in infos:
        address = str(info[4][0])
        if not is_public(address):
            raise BlockedURL(
                url,
                f"{host} resolves to non-public address {address} "
                "(set polling.allow_private_networks: true to allow)",
            )


def trusted_link(link: str, feed_url: str) -> bool:
    """A link on the feed's own host is trusted like the feed."""
    return host_of(link) == host_of(feed_url) != ""
