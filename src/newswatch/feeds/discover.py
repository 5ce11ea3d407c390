"""Feed discovery: the feeds an HTML page announces with ``<link rel="alternate">``. Pure."""

from __future__ import annotations

from urllib.parse import urljoin

import lxml.html
from lxml.etree import LxmlError

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
"""The announced types followed; the first announced feed is taken as the page's main feed."""


def looks_like_html(content: bytes, content_type: str) -> bool:
    """True for an HTML page rather than a feed (by its content type or its first tag)."""
    if "html" in content_type.lower() and "xhtml" not in content_type.lower():
        return True
    head = content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html"))


def discover_feeds(content: bytes, page_url: str) -> list[str]:
    """Absolute URLs of the feeds ``content`` announces, in page order, without duplicates."""
    try:
        root = lxml.html.document_fromstring(content)
    except (LxmlError, ValueError):
        return []
    base = page_url
    for href in root.xpath("//base/@href"):
        base = urljoin(page_url, str(href).strip())
        break
    urls: list[str] = []
    for link in root.xpath("//link[@href]"):
        rels = str(link.get("rel") or "").lower().split()
        kind = str(link.get("type") or "").split(";")[0].strip().lower()
        href = str(link.get("href") or "").strip()
        if "alternate" in rels and kind in FEED_TYPES and href:
            target = urljoin(base, href)
            if target.startswith(("http://", "https://")) and target not in urls:
                urls.append(target)
    return urls
