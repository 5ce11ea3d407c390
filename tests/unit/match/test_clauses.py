"""Queries as clauses of keys for the candidate index, and which of them decide the query."""

from __future__ import annotations

import pytest

from newswatch.match import Alias, Document, EntitySpec, WatchSpec, compile_watchlist, parse_query
from newswatch.match.clauses import LANG, PREFIX, SITE, clauses
from newswatch.match.compiler import Compiler

ENTITIES = {
    "zel": EntitySpec(
        "zel", (Alias("Zelenskyy"), Alias("Зеленськ*")), variants=False, inflections=False
    )
}


def clauses_of(query: str) -> tuple[set[frozenset[str]], bool]:
    root = Compiler(ENTITIES).compile(parse_query("w", query, ENTITIES).root)
    found, exact = clauses(root)
    return set(found), exact


@pytest.mark.parametrize(
    ("query", "expected", "exact"),
    [
        ("peace", [{"peace"}], True),
        ("peace talks", [{"peace"}, {"talks"}], True),
        ("peace OR damai OR мир", [{"peace", "damai", "мир"}], True),
        ("(peace OR damai) AND kyiv", [{"peace", "damai"}, {"kyiv"}], True),
        ("site:example.com AND lang:id", [{SITE + "example.com"}, {LANG + "id"}], True),
        ("title:peace", [{"peace"}], False),
        ('"peace talks"', [{"peace"}, {"talks"}], False),
        ("negotiat*", [{PREFIX + "negotiat"}], False),
        ("peace NEAR/3 talks", [{"peace"}, {"talks"}], False),
        ("entity:zel", [{"zelenskyy", PREFIX + "зеленськ"}], False),
        ("peace AND NOT war", [{"peace"}], False),
        ("peace OR NOT war", [], False),
        # an OR of conjunctions: the rarest clause of each option (longer words are rarer)
        ("(peace AND negotiations) OR damai", [{"negotiations", "damai"}], False),
    ],
)
def test_clauses_of_each_construct(query: str, expected: list[set[str]], exact: bool) -> None:
    assert clauses_of(query) == ({frozenset(c) for c in expected}, exact)


def test_exact_watches_match_without_evaluation_and_others_are_verified() -> None:
    watches = [
        WatchSpec("words", "(peace OR damai) AND kyiv"),
        WatchSpec("phrase", '"peace talks"'),
        WatchSpec("negated", "peace AND NOT war"),
        WatchSpec("anywhere", "kyiv OR NOT kyiv"),
    ]
    wl = compile_watchlist(watches, ENTITIES)
    assert wl.decide(Document("", "talks on peace in Kyiv")) == ["words", "negated", "anywhere"]
    assert wl.decide(Document("", "peace talks in Kyiv")) == [
        "words", "phrase", "negated", "anywhere",
    ]  # fmt: skip
    assert wl.decide(Document("", "war and peace talks")) == ["phrase", "anywhere"]
