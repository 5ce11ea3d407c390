"""The seed news site: three realistic pages of "Pantau" and an RSS feed linking to them.

``seed.html`` carries the seed article (an Indonesian report on Ukraine preparing talks to end
the war with Russia); ``unrelated-1.html`` (English, football) and ``unrelated-2.html``
(Indonesian, rice prices) must never match a Ukraine watch. All three share the same site
chrome (navigation, a "Terpopuler" sidebar of unrelated headlines, a footer); the ``*_MARKERS``
strings occur only in that chrome (in no article, in any letter case), so a test can assert,
case-insensitively, that extraction dropped it.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.etree import ElementTree as ET

from tests.support.http import Server
from tests.support.paths import REPO, seed_text

FIXTURES = REPO / "tests" / "fixtures" / "site"


def seed_paragraphs() -> list[str]:
    """Every non-empty line of the seed text, in order (subheadings and the author credit too);
    skips the calling test in a checkout without the seed story."""
    return [line.strip() for line in seed_text().splitlines() if line.strip()]


SEED_HEADINGS = [
    "Komunikasi Ukraina dengan Mitra Barat",
    "Dialog Lanjutan dan Harapan Perdamaian",
]
SEED_TITLE = "Ukraina Siapkan Pertemuan Tingkat Tinggi untuk Akhiri Perang dengan Rusia"
SEED_AUTHOR = "Gerry Eka"
SEED_PUBLISHED = datetime.fromisoformat("2026-01-01T03:00:00+07:00")

NAV_MARKERS = ["Beranda", "Otomotif", "Gaya Hidup", "Kesehatan", "Indeks Berita"]
SIDEBAR_MARKERS = ["Terpopuler", "Persib", "Banjir", "Dinda Kirana", "IHSG", "Saham", "Rendang"]
FOOTER_MARKERS = [
    "Redaksi",
    "Pedoman Media Siber",
    "Kebon Sirih",
    "Hak Cipta Dilindungi",
    "Kebijakan Privasi",
    "Info Iklan",
]

PAGES = {
    "seed": ("/news/ukraina-pertemuan", "seed.html"),
    "unrelated1": ("/sport/derby", "unrelated-1.html"),
    "unrelated2": ("/ekonomi/harga-beras", "unrelated-2.html"),
}
"""Key in ``serve_site``'s answer -> (path served, fixture file)."""

_HTML = "text/html; charset=utf-8"
_RSS = "application/rss+xml; charset=utf-8"
_ITEM_FIELDS = ("title", "link", "description", "author", "category", "pubDate")


def page(name: str) -> bytes:
    """The bytes of ``tests/fixtures/site/<name>``."""
    return (FIXTURES / name).read_bytes()


def rfc822(moment: datetime) -> str:
    """An aware datetime as an RSS ``pubDate`` / HTTP date, in GMT."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def rss(
    items: list[dict[str, str]],
    title: str = "Pantau",
    link: str = "https://pantau.example/",
    description: str = "Berita terkini dari Pantau",
    language: str = "id",
) -> bytes:
    """An RSS 2.0 document; items have title, link, guid, description, pubDate (all optional)."""
    root = ET.Element("rss", version="2.0")
    channel = ET.SubElement(root, "channel")
    for tag, text in (
        ("title", title),
        ("link", link),
        ("description", description),
        ("language", language),
    ):
        ET.SubElement(channel, tag).text = text
    for item in items:
        channel.append(_item(item))
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def _item(fields: dict[str, str]) -> ET.Element:
    unknown = set(fields) - {*_ITEM_FIELDS, "guid"}
    if unknown:
        raise ValueError(f"unknown RSS item fields: {sorted(unknown)}")
    item = ET.Element("item")
    for tag in _ITEM_FIELDS:
        if tag in fields:
            ET.SubElement(item, tag).text = fields[tag]
    if "guid" in fields:
        permalink = "true" if fields["guid"] == fields.get("link") else "false"
        ET.SubElement(item, "guid", isPermaLink=permalink).text = fields["guid"]
    return item


def site_items(base_url: str) -> list[dict[str, str]]:
    """The feed's items for the three pages served under ``base_url``, newest first."""
    return [
        {
            "title": "Harga Beras Medium Kembali Naik, Bulog Gelontorkan Beras SPHP ke Pasar",
            "link": f"{base_url}{PAGES['unrelated2'][0]}",
            "guid": "pantau-ekonomi-20260102-harga-beras",
            "description": "Harga beras medium di Jakarta naik menjadi Rp14.200 per kilogram.",
            "pubDate": "Fri, 02 Jan 2026 02:30:00 GMT",
        },
        {
            "title": "Late Moreira stunner hands Persebaya dramatic East Java derby win over Arema",
            "link": f"{base_url}{PAGES['unrelated1'][0]}",
            "guid": "pantau-english-20260101-derby",
            "description": "Persebaya came from two goals down to beat Arema FC 3-2.",
            "pubDate": "Thu, 01 Jan 2026 14:45:00 GMT",
        },
        {
            "title": SEED_TITLE,
            "link": f"{base_url}{PAGES['seed'][0]}",
            "guid": "pantau-internasional-20260101-ukraina-pertemuan",
            "description": (
                "Ukraina menyiapkan pertemuan tingkat tinggi dengan penasihat keamanan "
                "Eropa & Amerika Serikat pada 3 Januari 2026."
            ),
            "pubDate": rfc822(SEED_PUBLISHED),
        },
    ]


def serve_site(server: Server) -> dict[str, str]:
    """Serve the feed and the three pages on ``server``; returns their absolute URLs.

    Keys: ``feed`` (``/rss.xml``, with ETag and Last-Modified, so a second poll can be a 304),
    ``seed``, ``unrelated1``, ``unrelated2``.
    """
    feed = rss(site_items(server.url), link=f"{server.url}/")
    server.route(
        "/rss.xml",
        body=feed,
        headers={
            "Content-Type": _RSS,
            "ETag": f'"{hashlib.sha256(feed).hexdigest()[:16]}"',
            "Last-Modified": "Fri, 02 Jan 2026 02:30:00 GMT",
        },
    )
    urls = {"feed": f"{server.url}/rss.xml"}
    for key, (path, name) in PAGES.items():
        server.route(path, body=page(name), headers={"Content-Type": _HTML})
        urls[key] = f"{server.url}{path}"
    return urls
