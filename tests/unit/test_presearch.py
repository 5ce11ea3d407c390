"""The presearch requirement of a query, and its FTS5 and tsquery forms."""

from __future__ import annotations

from newswatch.archive.presearch import fts5, tsquery
from newswatch.archive.search import compile_watches
from newswatch.match.model import WatchSpec


def required(query: str) -> str | None:
    compiled = compile_watches([WatchSpec("q", query)], {})
    return fts5(compiled.required) if compiled.required else None


def test_options_sharing_a_word_look_it_up_once() -> None:
    assert required('"peace talks" OR "peace deal" OR truce') == (
        '(("peace" AND ("talks" OR "deal")) OR "truce")'
    )


def test_what_cannot_be_required_is_not() -> None:
    assert required("Łódź AND NOT football AND site:example.org") == '"lodz"'
    assert required("negotiat* OR lang:de") is None
    assert required("negotiat* NEAR/3 Ukraine") == '("negotiat"* AND "ukraine")'


def test_tsquery_quotes_lexemes_and_marks_prefixes() -> None:
    compiled = compile_watches([WatchSpec("q", "negotiat* AND (kyiv OR київ)")], {})
    assert compiled.required is not None
    assert tsquery(compiled.required) == "(('kyiv' | 'киів') & 'negotiat':*)"  # folded
