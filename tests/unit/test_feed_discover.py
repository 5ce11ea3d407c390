from newswatch.feeds.discover import discover_feeds, looks_like_html

PAGE = b"""<!DOCTYPE html><html><head><title>Site</title>
<link rel="stylesheet" href="/s.css">
<link rel="alternate" type="application/atom+xml" href="/feeds/main">
<link rel="Alternate" type="application/rss+xml; charset=utf-8" href="https://cdn.example/rss.xml">
<link rel="alternate" type="application/feed+json" href="feed.json">
<link rel="alternate" type="application/atom+xml" href="/feeds/main">
<link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
</head><body></body></html>"""


def test_announced_feeds_in_page_order_resolved_and_deduplicated() -> None:
    assert discover_feeds(PAGE, "http://127.0.0.1:8000/blog/") == [
        "http://127.0.0.1:8000/feeds/main",
        "https://cdn.example/rss.xml",
        "http://127.0.0.1:8000/blog/feed.json",
    ]


def test_base_href_is_honoured() -> None:
    page = (
        b'<html><head><base href="http://h/x/">'
        b'<link rel=alternate type="application/rss+xml" href="r.xml"></head></html>'
    )
    assert discover_feeds(page, "http://other/") == ["http://h/x/r.xml"]


def test_pages_without_feeds_or_garbage_give_nothing() -> None:
    assert discover_feeds(b"<html><body>hi</body></html>", "http://h/") == []
    assert discover_feeds(b"", "http://h/") == []
    assert discover_feeds(b"\x00\x01\x02", "http://h/") == []


def test_html_is_recognised_by_type_or_first_tag() -> None:
    assert looks_like_html(b"<rss/>", "text/html; charset=utf-8")
    assert looks_like_html(b"\n<!DOCTYPE html><html>", "")
    assert not looks_like_html(b"<?xml version='1.0'?><rss/>", "application/xml")
    assert not looks_like_html(b"<feed/>", "application/xhtml+xml")
