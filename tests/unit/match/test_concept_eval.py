"""Concept watches written in English on labelled news in 12 languages: precision and recall
(the figures of the README come from benchmarks/concepts/run.py over the same texts)."""

from __future__ import annotations

from pathlib import Path

from newswatch.match.evaluate import Labelled, Score, read_labelled, score

TEXTS = Path(__file__).parents[2] / "fixtures" / "concepts_eval.tsv"
QUERY = (
    '(country:UA OR ~ukrainian) AND (~"peace talks" OR ((~peace OR ~ceasefire)'
    " AND (~talks OR ~meeting OR ~negotiation OR ~summit)))"
)


def test_the_labelled_set_is_balanced_over_twelve_languages() -> None:
    texts = read_labelled(TEXTS)
    langs = {t.lang for t in texts}
    assert len(texts) >= 120 and len(langs) >= 12
    for lang in langs:
        mine = [t.on for t in texts if t.lang == lang]
        assert mine.count(True) == mine.count(False), lang


def test_an_english_concept_watch_finds_the_story_in_every_language() -> None:
    scores = score(QUERY, read_labelled(TEXTS))
    overall = scores["all"]
    assert overall.recall >= 0.9 and overall.precision >= 0.95, overall
    assert all(s.recall >= 0.8 for s in scores.values()), scores


def test_the_same_watch_in_plain_english_words_finds_little() -> None:
    plain = "Ukraine AND (peace OR ceasefire) AND (talks OR meeting OR negotiations OR summit)"
    assert score(plain, read_labelled(TEXTS))["all"].recall < 0.2


def test_scores_count_each_kind_of_outcome() -> None:
    texts = [
        Labelled("en", True, "peace"),
        Labelled("en", False, "peace"),
        Labelled("en", True, "x"),
    ]
    found = score("peace", texts)["en"]
    assert found == Score(n=3, tp=1, fp=1, fn=1)
    assert (found.precision, found.recall) == (0.5, 0.5)
