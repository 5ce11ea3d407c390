"""The compiled watchlist returns exactly what the naive reference evaluator returns: the
same watches, and for each the same hits, entities and snippet.

Small vocabularies make matches frequent; queries mix terms, phrases, wildcards, NEAR/ONEAR,
fields, NOT, entities (with variants, prefixes and case), countries, site and lang.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newswatch.errors import QueryError
from newswatch.match import (
    Alias,
    Document,
    EntitySpec,
    Hit,
    Match,
    WatchSpec,
    compile_watchlist,
    make_snippet,
    parse_query,
)
from newswatch.match.lexicon import Lexicon
from newswatch.match.reference import ReferenceMatcher
from newswatch.match.reference_snippet import snippet as reference_snippet

WORDS = ["peace", "talks", "Ukraine", "ukraina", "Kyiv", "négociations", "negotiate", "AS",
         "as", "Zelensky", "Зеленському", "Україна", "мир", "乌克兰", "和平", "turkey",
         "Turkey"]  # fmt: skip
QUERY_WORDS = ["peace", "talks", "ukraine", "kyiv", "negociations", "мир", "乌克兰", "和平", "as"]
PREFIXES = ["negoti*", "ukrain*", "pea*", "зелен*"]
ENTITIES = {
    "z": EntitySpec("z", (Alias("Zelenskyy"), Alias("Зеленськ*"))),
    "s": EntitySpec("s", (Alias("AS", case_sensitive=True), Alias("peace talks"))),
    "n": EntitySpec("n", (Alias("Kyiv"),), variants=False),
}
SEPARATORS = [" ", " ", " ", ", ", ". ", "’", "-", "\n"]

word = st.sampled_from(QUERY_WORDS)
phrase = st.lists(word, min_size=2, max_size=3).map(lambda ws: '"' + " ".join(ws) + '"')
fielded = st.tuples(st.sampled_from(["title:", "body:", ""]), word | phrase).map("".join)
leaf = (
    word
    | phrase
    | st.sampled_from(PREFIXES)
    | fielded
    | st.sampled_from(["entity:z", "entity:s", "entity:n", "country:UA", "country:TR"])
)
near = st.tuples(leaf, st.sampled_from(["NEAR", "ONEAR"]), st.integers(0, 4), leaf).map(
    lambda t: f"{t[0]} {t[1]}/{t[2]} {t[3]}"
)
filters = st.sampled_from(["site:example.com", "lang:en", "lang:uk", "lang:no", "lang:nb"])


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pair = st.tuples(children, st.sampled_from(["AND", "OR", "", "AND NOT", "OR NOT"]), children)
    return pair.map(lambda t: f"({t[0]} {t[1]} {t[2]})") | children.map(lambda q: f"title:({q})")


query = st.recursive(leaf | near | filters, _combine, max_leaves=6)


def _valid(q: str) -> bool:
    try:
        parse_query("w", q, ENTITIES)
    except QueryError:
        return False
    return True


text = st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), max_size=14).map(
    lambda parts: "".join(w + s for w, s in parts)
)
document = st.builds(
    Document,
    title=text,
    body=text,
    site=st.sampled_from(["", "example.com", "www.example.com", "example.org"]),
    language=st.sampled_from([None, "en", "uk", "nb", "nn"]),
)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    queries=st.lists(query.filter(_valid), min_size=1, max_size=8),
    docs=st.lists(document, min_size=1, max_size=4),
)
def test_fast_matcher_equals_reference(queries: list[str], docs: list[Document]) -> None:
    watches = [WatchSpec(f"w{i}", q) for i, q in enumerate(queries)]
    fast = compile_watchlist(watches, ENTITIES)
    reference = ReferenceMatcher(watches, ENTITIES)
    for doc in docs:
        expected = reference.matches(doc)
        assert fast.decide(doc) == reference.match(doc) == [m.watch for m in expected]
        assert list(map(_comparable, fast.match(doc))) == list(map(_comparable, expected))


def _comparable(match: Match) -> tuple[object, ...]:
    """A match with its entities as a set: the order they are listed in is not specified."""
    assert len(set(match.entities)) == len(match.entities)
    return match.watch, match.hits, frozenset(match.entities), match.snippet


@settings(max_examples=400, deadline=None)
@given(queries=st.lists(query.filter(_valid), min_size=1, max_size=4), doc=document)
def test_hits_point_at_their_text(queries: list[str], doc: Document) -> None:
    watches = [WatchSpec(f"w{i}", q) for i, q in enumerate(queries)]
    for match in compile_watchlist(watches, ENTITIES).match(doc):
        for hit in match.hits:
            source = doc.title if hit.field == "title" else doc.body
            assert source[hit.start : hit.end] == hit.term
        marks = match.snippet.marks
        assert all(0 <= a < b <= len(match.snippet.text) for a, b in marks)


snippet_text = st.lists(
    st.sampled_from(
        ["peace", "talks", " ", " ", "  ", "\n", "\t", "\u00a0", "Україна", "和平", "x"]
    ),
    max_size=80,
).map("".join)


@settings(max_examples=1000, deadline=None)
@given(text=snippet_text, data=st.data(), width=st.integers(0, 60))
def test_snippets_follow_the_rules(text: str, data: st.DataObject, width: int) -> None:
    bounds = st.tuples(st.integers(0, len(text)), st.integers(0, len(text))).map(sorted)
    spans = data.draw(st.lists(bounds, max_size=4))
    hits = [Hit("body", text[a:b], a, b) for a, b in spans]
    assert make_snippet(text, hits, width) == reference_snippet(text, hits, width)


LEXICON = Lexicon(
    {
        "peace": {"en": ("peace",), "uk": ("мир",), "zh": ("和平",), "fr": ("paix",)},
        "peace talks": {"en": ("peace talks",), "fr": ("négociations",), "uk": ("мир україна",)},
        "ukraine": {"en": ("ukrain*",), "uk": ("україн*",), "zh": ("乌克兰",)},
        "talks": {"en": ("talks", "negoti*"), "fr": ("négociations",)},
    }
)
concept_leaf = leaf | st.sampled_from(
    ["~peace", '~"peace talks"', "~ukraine", "~talks", "~negotiat*", "~peace*", "title:~peace"]
)
concept_query = st.recursive(concept_leaf | near, _combine, max_leaves=5)
concept_watch = st.tuples(concept_query, st.booleans())


def _valid_watch(watch: tuple[str, bool]) -> bool:
    try:
        parse_query("w", watch[0], ENTITIES, LEXICON, watch[1])
    except QueryError:
        return False
    return True


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    watches=st.lists(concept_watch.filter(_valid_watch), min_size=1, max_size=6),
    docs=st.lists(document, min_size=1, max_size=3),
)
def test_concept_queries_match_as_the_reference(
    watches: list[tuple[str, bool]], docs: list[Document]
) -> None:
    """``~concept`` terms and ``translate: true`` watches: the engine and the reference agree,
    and every concept hit is a hit of its match, told as a concept its watch names."""
    specs = [WatchSpec(f"w{i}", q, translate) for i, (q, translate) in enumerate(watches)]
    fast = compile_watchlist(specs, ENTITIES, LEXICON)
    reference = ReferenceMatcher(specs, ENTITIES, LEXICON)
    for doc in docs:
        expected = reference.matches(doc)
        assert fast.decide(doc) == [m.watch for m in expected]
        actual = fast.match(doc)
        assert list(map(_comparable, actual)) == list(map(_comparable, expected))
        for match in actual:
            named = fast.concepts.get(match.watch, ())
            for told in fast.concept_hits(match):
                assert told.concept in named
                assert Hit(told.field, told.term, told.start, told.end) in match.hits
