"""Every query error names the watch, a 1-based column and what was expected."""

from __future__ import annotations

import pytest

from newswatch.errors import QueryError
from newswatch.match import WatchSpec, compile_watchlist, parse_query

IDS = {"zelenskyy"}


@pytest.mark.parametrize(
    ("query", "column", "message"),
    [
        ("", 1, "query is empty"),
        ("   ", 1, "query is empty"),
        ("peace AND", 10, "expected a term, a phrase or '(' after AND"),
        ("peace OR )", 10, "expected a term, a phrase or '(' after OR"),
        ("peace NOT", 10, "expected a term, a phrase or '(' after NOT"),
        ("peace NEAR/3", 13, "expected a term, a phrase or '(' after NEAR/3"),
        ("OR peace", 1, "expected a term, a phrase or '(' at the start of the query"),
        ("(peace OR talks", 16, "expected ')' to close the '(' at column 1"),
        ("peace)", 6, "unexpected ')' without a matching '('"),
        ('"peace talks', 1, "unterminated phrase: expected a closing '\"'"),
        ("NOT x", 1, "query only excludes (NOT ...); add a term to match"),
        ("NOT a AND NOT b", 1, "query only excludes (NOT ...); add a term to match"),
        ("(NOT a) OR (NOT b)", 1, "query only excludes (NOT ...); add a term to match"),
        ("peace AND ne*", 11, "wildcard needs at least 3 characters before '*'"),
        ("ne*o", 3, "'*' is only allowed at the end of a term"),
        ("entity:putin", 8, "unknown entity 'putin'"),
        ("country:XX", 9, "unknown country code 'XX'"),
        ("lang:xx", 6, "unknown language code 'xx'; expected ISO 639-1"),
        ("a lang:eng", 8, "unknown language code 'eng'; expected ISO 639-1"),
        ("peace AND lang:kw", 16, "Cornish ('kw') is never detected; docs/query-language.md"),
        ("titel:peace", 1, "unknown field 'titel:'"),
        ("peace NEAR talks", 7, "expected NEAR/<number of words>, e.g. NEAR/5"),
        (
            "(a AND b) NEAR/2 c",
            11,
            "NEAR/2 needs a term, a phrase or an OR-group of them on each side",
        ),
        ("title:", 7, "expected a term, a phrase or '(' after 'title:'"),
        ("site:(a)", 6, "expected a domain like example.com after 'site:'"),
        ("peace ---", 7, "expected a term with letters or digits, got '---'"),
    ],
)
def test_error_message_and_column(query: str, column: int, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query("my-watch", query, IDS)
    assert caught.value.watch == "my-watch"
    assert caught.value.column == column
    assert caught.value.message.startswith(message)
    assert str(caught.value).startswith(f"watch 'my-watch', column {column}: ")


def test_compile_reports_the_first_invalid_watch() -> None:
    watches = [WatchSpec("ok", "peace"), WatchSpec("bad", "peace AND"), WatchSpec("bad2", "")]
    with pytest.raises(QueryError) as caught:
        compile_watchlist(watches, {})
    assert caught.value.watch == "bad"


@pytest.mark.parametrize(
    "query",
    [
        "a OR NOT b",
        "lang:en",
        "lang:NO",
        "lang:my",
        "site:example.com AND NOT x",
        "and or not",
        "a NEAR/0 b",
        "乌克*",
    ],
)
def test_valid_edge_queries(query: str) -> None:
    assert parse_query("w", query, IDS).watch == "w"
