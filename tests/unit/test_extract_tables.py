"""Tables are part of an article's text: a results/standings report is mostly tables."""

from __future__ import annotations

import re

from newswatch.extract.article import extract_article
from tests.support.paths import PAGES

STANDINGS = (PAGES / "standings.html").read_bytes()
URL = "https://skor.example/football/liga-1-matchday-18"
# Words that occur only in the page's results and standings tables.
TABLE_WORDS = ["Barito", "Putera", "Kanjuruhan", "Segiri", "Indomilk", "Points"]


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text))


def test_the_words_of_a_results_and_standings_table_are_in_the_text() -> None:
    text = extract_article(STANDINGS, URL).text
    assert set(TABLE_WORDS) <= words(text)
    assert "Borneo FC | 18 | 12 | 4 | 2 | +19 | 40" in text  # one row of the standings
    assert "Persib Bandung hosting Borneo FC" in text  # the prose around the tables stays


def test_tables_can_be_left_out_and_the_sidebar_table_never_comes_in() -> None:
    prose = extract_article(STANDINGS, URL, tables=False).text
    assert not set(TABLE_WORDS) & words(prose)
    assert "Persib Bandung hosting Borneo FC" in prose
    for text in (prose, extract_article(STANDINGS, URL).text):
        assert "Almeida" not in text and "Most read" not in text  # the page's side rail
