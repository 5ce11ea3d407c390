"""Each operator and field of the query language, one behaviour per test."""

from __future__ import annotations

import pytest
from match_helpers import matches

from newswatch.match.parser import parse_query
from newswatch.match.query import And, Near, Not, Or, Text

BODY = "Peace talks between Ukraine and Russia resumed in Istanbul on Monday."


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("peace", True),
        ("PEACE", True),
        ("pea", False),  # whole words only
        ("peace AND istanbul", True),
        ("peace AND paris", False),
        ("peace istanbul", True),  # implicit AND
        ("peace paris", False),
        ("paris OR istanbul", True),
        ("paris OR london", False),
        ("peace AND NOT paris", True),
        ("peace NOT russia", False),
        ('"peace talks"', True),
        ('"talks peace"', False),
        ('"ukraine russia"', False),
        ("resum*", True),
        ("resumx*", False),
        ("peace NEAR/3 ukraine", True),  # 2 words between
        ("peace NEAR/1 ukraine", False),
        ("ukraine NEAR/3 peace", True),  # any order
        ("ukraine ONEAR/3 peace", False),  # in order
        ("peace ONEAR/3 ukraine", True),
        ('"peace talks" NEAR/2 (ukraine OR russia)', True),
        ("(paris OR peace) AND (talks OR london)", True),
        ("paris OR peace AND london", False),  # AND binds tighter than OR
        ("and", True),  # lowercase operators are plain words
    ],
)
def test_operators(query: str, expected: bool) -> None:
    assert matches(query, body=BODY) is expected


def test_precedence_near_not_and_or() -> None:
    root = parse_query("w", "a OR NOT b c NEAR/2 d", set()).root
    assert isinstance(root, Or)
    right = root.children[1]
    assert isinstance(right, And)
    assert isinstance(right.children[0], Not)
    assert isinstance(right.children[1], Near)
    assert isinstance(right.children[1].left, Text)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("title:kyiv", True),
        ("title:istanbul", False),
        ("body:istanbul", True),
        ("body:kyiv", False),
        ("title:(paris OR kyiv)", True),
        ('title:"kyiv talks"', False),
        ('title:"talks in kyiv"', True),
        ("title:(istanbul OR body:kyiv)", False),
        ("kyiv AND istanbul", True),  # default: either field
        ('"kyiv peace"', False),  # a phrase does not run from title into body
    ],
)
def test_fields(query: str, expected: bool) -> None:
    assert matches(query, title="Talks in Kyiv", body=BODY) is expected


@pytest.mark.parametrize(
    ("site", "expected"),
    [("example.com", True), ("www.example.com", True), ("a.b.example.com", True),
     ("notexample.com", False), ("example.com.evil.org", False), ("", False)],
)  # fmt: skip
def test_site_is_the_domain_or_a_subdomain(site: str, expected: bool) -> None:
    assert matches("site:example.com AND peace", body=BODY, site=site) is expected


def test_lang_is_the_detected_language() -> None:
    assert matches("lang:en peace", body=BODY, language="en")
    assert not matches("lang:en peace", body=BODY, language="id")
    assert not matches("lang:en peace", body=BODY, language=None)
    assert matches("peace AND NOT lang:id", body=BODY, language="en")


@pytest.mark.parametrize(
    ("query", "label", "expected"),
    [
        ("lang:no", "nb", True),  # Norwegian: Bokmål and Nynorsk
        ("lang:no", "nn", True),
        ("lang:nb", "nn", False),
        ("lang:sh", "hr", True),  # Serbo-Croatian: Bosnian, Croatian, Serbian
        ("lang:sh", "sr", True),
        ("lang:hr", "sr", False),
        ("lang:ms", "id", False),  # lingua's ms is Standard Malay, not the macrolanguage
        ("lang:id", "ms", False),
        ("lang:no", None, False),
    ],
)
def test_a_macrolanguage_matches_its_members(query: str, label: str, expected: bool) -> None:
    assert matches(f"{query} peace", body=BODY, language=label) is expected


def test_near_counts_words_between() -> None:
    body = "alpha one two three beta"
    assert matches("alpha NEAR/3 beta", body=body)
    assert not matches("alpha NEAR/2 beta", body=body)
    assert matches('alpha NEAR/0 "one two"', body=body)
    assert not matches("alpha NEAR/5 alpha", body=body)  # needs two distinct occurrences


def test_wildcard_prefix_within_phrase_and_field() -> None:
    assert matches("negotiat*", body="The negotiations failed")
    assert matches('"peace negotiat*"', body="peace negotiators met")
    assert not matches("title:negotiat*", title="Talks", body="negotiations")
