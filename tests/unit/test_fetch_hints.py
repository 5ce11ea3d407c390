from newswatch.fetch.hints import cache_hint_s, retry_after

DATE = "Thu, 01 Jan 2026 00:00:00 GMT"


def test_max_age() -> None:
    assert cache_hint_s({"cache-control": "public, max-age=600"}) == 600.0
    assert cache_hint_s({"cache-control": 'max-age="60", must-revalidate'}) == 60.0
    assert cache_hint_s({"cache-control": "s-maxage=600"}) == 0.0


def test_no_cache_means_no_hint() -> None:
    assert cache_hint_s({"cache-control": "no-cache, max-age=600"}) == 0.0
    assert cache_hint_s({"cache-control": "no-store", "expires": "Thu, 01 Jan 2026 01:00:00 GMT",
                         "date": DATE}) == 0.0  # fmt: skip


def test_expires_counts_from_the_server_date() -> None:
    headers = {"expires": "Thu, 01 Jan 2026 01:00:00 GMT", "date": DATE}
    assert cache_hint_s(headers) == 3600.0
    assert cache_hint_s({"expires": "0"}) == 0.0
    assert cache_hint_s({"expires": "Thu, 01 Jan 2026 01:00:00 GMT"}, now=1767232800.0) == 0.0


def test_retry_after() -> None:
    assert retry_after("120") == 120.0
    assert retry_after("Thu, 01 Jan 2026 00:10:00 GMT", now=1767225600.0) == 600.0
    assert retry_after("soon") is None
    assert retry_after(None) is None
