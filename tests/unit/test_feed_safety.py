"""Hostile XML: entity bombs are refused quickly, in little memory; honest entities still work."""

import resource

import pytest

from newswatch.errors import FeedParseError
from newswatch.feeds.parse import parse_feed
from newswatch.feeds.safety import check_entities

ITEM = (
    "<rss version='2.0'><channel><title>t</title>"
    "<item><title>{}</title><guid>1</guid></item></channel></rss>"
)


def billion_laughs(levels: int = 10) -> bytes:
    decls = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels)
    ]
    doctype = f"<!DOCTYPE rss [{''.join(decls)}]>"
    return f'<?xml version="1.0"?>{doctype}{ITEM.format(f"&lol{levels - 1};")}'.encode()


def quadratic_blowup(size: int = 50_000, refs: int = 100_000) -> bytes:
    doctype = f'<!DOCTYPE rss [<!ENTITY big "{"A" * size}">]>'
    return f'<?xml version="1.0"?>{doctype}{ITEM.format("&big;" * refs)}'.encode()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize(
    "bomb", [billion_laughs(), quadratic_blowup()], ids=["laughs", "quadratic"]
)
def test_entity_bombs_are_refused_small(bomb: bytes) -> None:
    before = _peak_mb()
    with pytest.raises(FeedParseError, match="entity bomb"):
        parse_feed(bomb, {}, "http://e/rss")
    assert _peak_mb() - before < 100


def test_utf16_bombs_are_seen_too() -> None:
    bomb = quadratic_blowup().decode().replace('encoding="utf-8"', "")
    with pytest.raises(FeedParseError, match="entity bomb"):
        check_entities(b"\xff\xfe" + bomb.encode("utf-16-le"), "http://e/rss")


def test_a_recursive_entity_chain_is_refused_not_a_crash() -> None:
    decls = "".join(f'<!ENTITY e{i} "&e{i + 1};&e{i + 1};">' for i in range(5000))
    body = f"<!DOCTYPE rss [{decls}<!ENTITY e5000 'x'>]>{ITEM.format('&e0;')}".encode()
    with pytest.raises(FeedParseError, match="entity bomb"):
        check_entities(body, "http://e/rss")


def test_small_honest_entities_still_expand() -> None:
    doctype = '<!DOCTYPE rss [\n  <!ENTITY id "tag:example.com,">\n]>\n'
    body = f"{doctype}{ITEM.format('&id;2006')}".encode()
    assert parse_feed(body, {}, "http://e/rss").items[0].title == "tag:example.com,2006"


def test_many_references_to_a_tiny_entity_are_not_a_bomb() -> None:
    body = f'<!DOCTYPE rss [<!ENTITY c "©">]>{ITEM.format("&c;" * 200_000)}'.encode()
    check_entities(body, "http://e/rss")
