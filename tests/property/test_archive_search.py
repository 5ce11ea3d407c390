"""Search over the archive equals the matcher run over every archived article (both databases).

Articles and queries are generated from a vocabulary full of what folding must get right
(diacritics, case, transliterated letters, Cyrillic, scripts without spaces, apostrophes and
hyphens), so that a presearch that missed a candidate would show as a missing result.
"""

from __future__ import annotations

import random

import pytest
from tests.support.archive import record

from newswatch.archive.database import Archive
from newswatch.archive.search import compile_watches, decide, document, find
from newswatch.archive.write import write_records
from newswatch.errors import QueryError
from newswatch.match.model import Alias, EntitySpec, WatchSpec

WORDS = [
    "peace", "Peace", "PEACE", "talks", "negotiations", "negotiating", "Łódź", "lodz", "Straße",
    "strasse", "naïve", "naive", "Zelenskyy", "ZELENSKYY", "Зеленський", "Київ", "perdamaian",
    "Perdamaian", "乌克兰和平", "日・米・韓", "米国", "don't", "covid-19", "2026", "Ukraine",
    "Ukraina", "Indonesia", "Jakarta", "banjir", "Persib", "derby", "élection", "election",
]  # fmt: skip
QUERY_WORDS = [
    "peace", "talks", "negotiat*", "lodz", "Łódź", "strasse", "naive", "zelenskyy", "київ",
    "perdamaian", "乌克兰", "和平", "米", "don", "covid", "2026", "ukrain*", "jakarta", "banjir",
    '"peace talks"', '"covid 19"', "election", "p*", "entity:zelenskyy", "country:UA",
    "title:peace", "body:talks", "site:example.org", "lang:en", "lang:id", "derby",
]  # fmt: skip
SITES = ["example.org", "news.example.org", "other.net"]
ENTITIES = {
    "zelenskyy": EntitySpec("zelenskyy", (Alias("Volodymyr Zelenskyy"), Alias("Зеленськ*")))
}


def article_text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)) + "."


def query(rng: random.Random, depth: int = 0) -> str:
    roll = rng.random()
    if depth >= 2 or roll < 0.35:
        return rng.choice(QUERY_WORDS)
    left, right = query(rng, depth + 1), query(rng, depth + 1)
    if roll < 0.55:
        return f"({left} AND {right})"
    if roll < 0.75:
        return f"({left} OR {right})"
    if roll < 0.85:
        return f"({left} AND NOT {right})"
    if roll < 0.93:
        return f"{rng.choice(QUERY_WORDS[:20])} NEAR/3 {rng.choice(QUERY_WORDS[:20])}"
    return f"({left} {right})"


@pytest.mark.parametrize("seed", [1, 2])
def test_search_finds_exactly_what_the_matcher_matches(archive: Archive, seed: int) -> None:
    rng = random.Random(seed)
    records = [
        record(f"https://{rng.choice(SITES)}/{i}", article_text(rng, 4),
               article_text(rng, rng.randint(5, 40)), seen_at=1000.0 + rng.randint(0, 50),
               site=rng.choice(SITES), language=rng.choice(["en", "id", None]))
        for i in range(150)
    ]  # fmt: skip
    write_records(archive, records)
    everything = compile_watches([WatchSpec("all", "lang:en OR NOT lang:en")], ENTITIES)
    assert everything.required is None
    archived = [f.article for f in find(archive, everything)]
    assert len(archived) == 150
    assert archived == sorted(archived, key=lambda a: (a.seen_at, a.id), reverse=True)
    checked = matched = 0
    for _ in range(120):
        text = query(rng)
        try:
            compiled = compile_watches([WatchSpec("q", text)], ENTITIES)
        except QueryError:
            continue
        expected = [a.id for a in archived if compiled.watchlist.decide(document(a))]
        for probe in (0, 40):  # the index alone; the newest 40 read first, then the index
            assert [f.article.id for f in find(archive, compiled, probe=probe)] == expected, text
            decided = [(a.id, watches) for a, watches in decide(archive, compiled, probe=probe)]
            assert decided == [(i, ["q"]) for i in expected], text
        checked += 1
        matched += bool(expected)
    assert checked >= 80 and matched >= 40
