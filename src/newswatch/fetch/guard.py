"""The trust rule (DESIGN.md, "Fetching safely"), applied at every hop of a fetch.

A URL written in the config (a feed, or the URL given to ``newswatch test``) is trusted: it is
fetched wherever its host points. Everything a server says is not: a redirect, or an article
link found inside a feed, is fetched like the feed when it is on the configured URL's own host;
on any other host only when every address that host resolves to is public, unless private
networks are allowed. The addresses checked are the ones connected to (``public_addresses``
hands them to the transport), so a name that resolves differently a moment later (DNS
rebinding) cannot lead the connection elsewhere.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

from newswatch.errors import BlockedURL
from newswatch.fetch.urls import host_of, scheme_of

ALLOWED_SCHEMES = frozenset({"http", "https"})
Classify = Callable[[str], bool]
"""Whether an address is public (``is_public``; tests pass their own to call loopback public)."""


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


async def public_addresses(url: str, public: Classify = is_public) -> tuple[str, ...]:
    """The addresses of ``url``'s host, resolved once; BlockedURL unless every one is public."""
    host = host_of(url)
    if not host:
        raise BlockedURL(url, "URL has no host")
    port = urlsplit(url).port or 443
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise BlockedURL(url, f"cannot resolve {host}: {exc}") from exc
    addresses = tuple(dict.fromkeys(str(info[4][0]) for info in infos))
    for address in addresses:
        if not public(address):
            raise BlockedURL(
                url,
                f"{host} resolves to non-public address {address} "
                "(set polling.allow_private_networks: true to allow)",
            )
    if not addresses:
        raise BlockedURL(url, f"cannot resolve {host}: no address")
    return addresses


def trusted_link(link: str, trusted_url: str) -> bool:
    """A link on the configured URL's own host is trusted like it."""
    return host_of(link) == host_of(trusted_url) != ""
