import pytest

from newswatch.errors import BlockedURL
from newswatch.fetch.guard import check_scheme, is_public, trusted_link
from newswatch.fetch.urls import canonical_url


def test_canonical_url_drops_tracking_fragment_and_default_port() -> None:
    url = "HTTPS://News.Example.ID:443/politik/a?utm_source=x&id=7&fbclid=abc&gclid=z#top"
    assert canonical_url(url) == "https://news.example.id/politik/a?id=7"


def test_canonical_url_keeps_meaningful_query_and_port() -> None:
    assert canonical_url("http://h:8080/p?page=2") == "http://h:8080/p?page=2"
    assert canonical_url("http://h") == "http://h/"


@pytest.mark.parametrize(
    ("address", "public"),
    [("8.8.8.8", True), ("127.0.0.1", False), ("10.1.2.3", False), ("192.168.0.1", False),
     ("169.254.1.1", False), ("::1", False), ("::ffff:127.0.0.1", False), ("fd00::1", False),
     ("2001:4860:4860::8888", True), ("100.64.0.1", False), ("0.0.0.0", False)],
)  # fmt: skip
def test_is_public(address: str, public: bool) -> None:
    assert is_public(address) is public


def test_only_http_and_https() -> None:
    check_scheme("https://example.org/")
    with pytest.raises(BlockedURL, match="file"):
        check_scheme("file:///etc/passwd")


def test_links_on_the_feed_host_are_trusted() -> None:
    assert trusted_link("http://127.0.0.1:8000/a", "http://127.0.0.1:8000/rss")
    assert not trusted_link("http://127.0.0.2/a", "http://127.0.0.1:8000/rss")
