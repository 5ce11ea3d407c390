"""Multilingual matching: the seed story, countries, entities and their variants, scripts."""

from __future__ import annotations

import pytest
from match_helpers import matches
from tests.support.paths import seed_text

from newswatch.match import Alias, EntitySpec
from newswatch.match.variants import alias_patterns

SEED_QUERY = (
    "(Ukraine OR Ukraina OR country:UA) AND (peace OR damai OR perdamaian) "
    "AND (talks OR pertemuan OR meeting)"
)


def test_seed_story_matches_the_design_query() -> None:
    body = seed_text()
    assert matches(SEED_QUERY, title="Ukraina siapkan pertemuan", body=body, language="id")
    assert matches("country:UA AND perdamaian", body=body)


def test_seed_query_on_an_inline_indonesian_text() -> None:
    body = "Pemerintah Ukraina mempersiapkan pertemuan untuk mencari solusi damai."
    assert matches(SEED_QUERY, body=body)
    assert not matches(SEED_QUERY, body="Pemerintah mempersiapkan pertemuan damai.")


@pytest.mark.parametrize(
    "body",
    [
        "Україна готує нову зустріч.",  # Ukrainian
        "Украина готовит новую встречу.",  # Russian
        "Pemerintah Ukraina menyiapkan pertemuan.",  # Indonesian
        "L'Ukraine prépare une rencontre.",  # French, after an elided article
        "乌克兰准备新的会谈。",  # Chinese, no spaces
        "Die Ukraine bereitet Gespräche vor.",
    ],
)
def test_country_matches_names_in_many_languages(body: str) -> None:
    assert matches("country:UA", body=body)


def test_country_needs_a_capital_where_the_script_has_case() -> None:
    assert not matches("country:TR", body="We ate turkey for dinner.")
    assert matches("country:TR", body="Turkey hosted the talks.")
    assert matches("country:RU", body="Talks with Russia stalled.")  # short name, not in pycountry


@pytest.mark.parametrize(
    "spelling", ["Zelenskyy", "Zelensky", "Zelenskiy", "Zelenskyi", "Zelenskij", "Selenskyj"]
)
def test_entity_variants_catch_romanisations(spelling: str) -> None:
    assert matches("entity:zelenskyy", body=f"President {spelling} said.")


@pytest.mark.parametrize("spelling", ["Zelensky", "Zelenskiy", "Selenskyj"])
def test_no_variants_when_disabled(spelling: str) -> None:
    assert not matches("entity:zelenskyy-strict", body=f"President {spelling} said.")
    assert matches("entity:zelenskyy-strict", body="President ZELENSKYY said.")


def test_variants_are_bounded_and_never_short() -> None:
    for text in ["Zelenskyy", "Volodymyr Zelenskyy", "Khmelnytskyi Oblast", "Yanukovych"]:
        patterns = alias_patterns(Alias(text), variants=True, inflections=False)
        assert 1 < len(patterns) <= 32
        assert all(len(w) >= 4 for p in patterns for w in p.words)
    assert [p.words for p in alias_patterns(Alias("Ivy"), variants=True)] == [("ivy",)]


def test_prefix_alias_catches_inflections() -> None:
    assert matches("entity:zelensky-uk", body="Зустріч із Зеленському відбулася.")
    assert matches("entity:zelensky-uk", body="Президент Зеленський заявив.")
    assert not matches("entity:zelensky-uk", body="Зелений коридор відкрито.")


def test_case_sensitive_alias() -> None:
    assert matches("entity:as-company", body="Shares of AS rose.")
    assert not matches("entity:as-company", body="It rose as expected.")
    assert not matches("entity:as-company", body="As expected, it rose.")


def test_diacritics_fold_both_ways() -> None:
    assert matches("negociations", body="Les négociations ont repris.")
    assert matches("négociations", body="NEGOCIATIONS resumed")
    assert matches('"elysee palace"', body="The Élysée Palace said.")
    assert matches("lodz", body="Łódź hosts it.")


def test_chinese_terms_match_as_bigram_sequences() -> None:
    body = "乌克兰和平谈判将于周一在伊斯坦布尔举行。"
    assert matches("和平谈判", body=body)
    assert matches("乌克兰 AND 谈判", body=body)
    assert not matches("和平会谈", body=body)
    assert matches('"乌克兰和平"', body=body)


def test_punctuation_between_japanese_words_cuts_them() -> None:
    # The middle dot (・) joins the parts of names and lists; it is not part of any bigram.
    assert matches("米", body="日・米・韓の首脳会談が開かれた。")
    assert matches('"ドナルド トランプ"', body="ドナルド・トランプ大統領は記者会見で述べた。")
    assert matches("ドナルド・トランプ", body="ドナルド トランプ大統領")
    # 9 tokens between: fattah アブ ブド アル ファ ァッ ッタ ター ーフ (no ド・ ・ア ル・ ・フ).
    assert matches("al NEAR/9 けの", body="Abd al-Fattah (アブド・アル・ファッターフ) けの")
    assert not matches("al NEAR/8 けの", body="Abd al-Fattah (アブド・アル・ファッターフ) けの")


def test_cyrillic_and_greek_fold_case_only() -> None:
    assert matches("зеленський", body="ЗЕЛЕНСЬКИЙ заявив")
    assert matches("αθήνα", body="ΑΘΗΝΑ σήμερα")
    assert not matches("zelenskyi", body="Зеленський")  # no cross-script transliteration


def test_entities_are_reported() -> None:
    from match_helpers import ENTITIES

    from newswatch.match import Document, WatchSpec, compile_watchlist

    wl = compile_watchlist([WatchSpec("z", "entity:zelenskyy OR entity:as-company")], ENTITIES)
    [match] = wl.match(Document("", "Selenskyj met AS today."))
    assert match.entities == ("zelenskyy", "as-company")
    assert [h.term for h in match.hits] == ["Selenskyj", "AS"]


def test_entity_spec_without_variants_flag_default() -> None:
    spec = EntitySpec("x", (Alias("Navalny"),))
    assert spec.variants
    assert matches("entity:x", body="Nawalny", entities={"x": spec})


def test_entities_within_proximity_are_reported_when_they_take_part() -> None:
    from match_helpers import ENTITIES

    from newswatch.match import Document, WatchSpec, compile_watchlist

    watches = [
        WatchSpec("near", "entity:zelenskyy NEAR/3 talks"),
        WatchSpec("or", "(entity:zelenskyy OR putin) NEAR/2 talks"),
        WatchSpec("nested", "(entity:zelenskyy NEAR/2 joined) ONEAR/5 talks"),
    ]
    wl = compile_watchlist(watches, ENTITIES)
    matched = wl.match(Document("", "Zelenskyy joined talks in Istanbul."))
    assert [(m.watch, m.entities) for m in matched] == [
        ("near", ("zelenskyy",)), ("or", ("zelenskyy",)), ("nested", ("zelenskyy",)),
    ]  # fmt: skip
    [far] = wl.match(Document("", "Zelenskyy spoke. Later, long after, Putin began talks."))
    assert (far.watch, far.entities) == ("or", ())  # the pair is Putin's, not Zelenskyy's
