"""Concepts in queries: ``~word`` matches the concept in every language, ``translate`` makes
plain words concepts, and hits say which concept matched through which word."""

from __future__ import annotations

import pytest
from match_helpers import matches
from tests.support.paths import seed_text

from newswatch.errors import QueryError
from newswatch.match import Document, WatchSpec, compile_watchlist, parse_query
from newswatch.match.query import ConceptRef, Text

SEED_QUERY = "country:UA AND ~peace AND (~talks OR ~meeting)"


@pytest.mark.parametrize(
    "body",
    [
        "Pemerintah menyiapkan pertemuan untuk mencari solusi damai.",  # id
        "Kerajaan Malaysia mahu rundingan damai diteruskan.",  # ms
        "Сторони відновили мирні переговори у Стамбулі.",  # uk
        "Стороны договорились о перемирии на Пасху.",  # ru
        "Les pourparlers de paix reprendront lundi à Genève.",  # fr
        "Die Friedensgespräche in Genf wurden vertagt.",  # de
        "El proceso de paz avanza con lentitud.",  # es
        "O acordo de paz foi assinado ontem.",  # pt
        "I colloqui di pace riprenderanno a Ginevra.",  # it
        "De vredesbesprekingen worden maandag hervat.",  # nl
        "Rozmowy pokojowe wznowiono w poniedziałek.",  # pl
        "Taraflar barış görüşmelerine yeniden başladı.",  # tr
        "استؤنفت محادثات السلام في جنيف.",  # ar, article
        "وقال إن الطرفين ملتزمان بالسلام.",  # ar, proclitic
        "مذاکرات صلح در ژنو از سر گرفته شد.",  # fa
        "जिनेवा में शांति वार्ता फिर शुरू हुई।",  # hi
        "双方在日内瓦恢复和平谈判。",  # zh
        "ジュネーブで和平交渉が再開された。",  # ja
        "양측은 제네바에서 평화회담을 재개했다.",  # ko, particle attached
        "Hai bên nối lại đàm phán hòa bình tại Geneva.",  # vi
        "ทั้งสองฝ่ายกลับมาเจรจาสันติภาพที่เจนีวา",  # th
    ],
)
def test_a_concept_matches_in_every_language(body: str) -> None:
    assert matches("~peace", body=body)


@pytest.mark.parametrize(
    "body",
    [
        "Это был чемпионат мира по футболу.",  # ru: мир is also "world"; not a form of peace
        "Рост мировых цен на нефть продолжился.",  # ru: мировых (world's)
        "We ate at a rapid pace.",  # en: Italian "pace" is not a form (it is "la pace"...)
        "Er war gestern in Berlin.",  # de: English "war" is not a form on its own
        "Hij woont in een rustige straat.",  # nl
    ],
)
def test_words_that_also_mean_something_common_are_not_forms(body: str) -> None:
    assert not matches("~peace", body=body)
    assert not matches("~war", body=body)


def test_the_seed_story_matches_a_query_written_in_english() -> None:
    watchlist = compile_watchlist([WatchSpec("w", SEED_QUERY)], {})
    (found,) = watchlist.match(Document("", seed_text(), language="id"))
    explained = {(c.concept, c.term.lower()) for c in watchlist.concept_hits(found)}
    assert ("peace", "damai") in explained or ("peace", "perdamaian") in explained
    assert ("meeting", "pertemuan") in explained or ("talks", "dialog") in explained


def test_concept_hits_only_for_concepts_the_watch_names() -> None:
    watchlist = compile_watchlist([WatchSpec("w", "damai AND ~talks")], {})
    (found,) = watchlist.match(Document("", "Pembicaraan damai dimulai."))
    assert [(c.concept, c.term) for c in watchlist.concept_hits(found)] == [
        ("talks", "Pembicaraan")
    ]


def test_phrase_and_prefix_concepts() -> None:
    assert matches('~"peace talks"', body="Les pourparlers de paix ont repris.")
    assert not matches('~"peace talks"', body="La paix est fragile.")
    assert matches("~negotiat*", body="Negosiasi berlanjut di Jakarta.")
    assert matches('title:~"peace talks"', title="Мирные переговоры в Стамбуле")
    assert matches("~ceasefire NEAR/3 country:UA", body="Gencatan senjata di Ukraina berlaku.")


def test_translate_makes_plain_words_concepts() -> None:
    query = parse_query("w", 'ukraine peace "peace talks" unknownword negotiat*', {}, None, True)
    kinds = [type(n).__name__ for n in query.root.children]  # type: ignore[union-attr]
    assert kinds == ["Text", "ConceptRef", "ConceptRef", "Text", "Text"]
    watchlist = compile_watchlist([WatchSpec("w", "peace AND talks", translate=True)], {})
    assert watchlist.match(Document("", "Perundingan damai dimulai."))
    plain = compile_watchlist([WatchSpec("w", "peace AND talks")], {})
    assert not plain.match(Document("", "Perundingan damai dimulai."))


def test_a_concept_node_names_the_concepts() -> None:
    root = parse_query("w", "~negotiations", {}).root
    assert isinstance(root, ConceptRef) and set(root.concepts) == {"talks", "negotiation"}
    assert isinstance(parse_query("w", "peace", {}).root, Text)


@pytest.mark.parametrize(
    ("query", "column", "message"),
    [
        ("a AND ~frobnicate", 7, "unknown concept 'frobnicate'"),
        ("a AND ~", 7, "expected a word or a phrase after '~'"),
        ('~"peace talks', 2, "unterminated phrase"),
        ("~ne*", 2, "wildcard needs at least 3 characters"),
    ],
)
def test_concept_errors_have_columns(query: str, column: int, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query("w", query, {})
    assert caught.value.column == column
    assert message in str(caught.value)
