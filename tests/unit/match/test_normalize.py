"""Normalization shared by queries and documents: the definitions, and the native tokenizer
of documents, which must give the same tokens, case-kept tokens and offsets."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newswatch.match import compile_watchlist
from newswatch.match.normalize import (
    cased_tokens,
    is_word_char,
    regex_tokens,
    token_spans,
    tokens,
)

ENGINE = compile_watchlist([], {}).engine  # its caches fill as the tests run, like a daemon's


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Élysée NÉGOCIATIONS", ["elysee", "negociations"]),
        (
            "Łódź Straße Øresund Æsir þing Đorđe ıslak",
            ["lodz", "strasse", "oresund", "aesir", "thing", "dorde", "islak"],
        ),
        (
            "Zelenskyy’s don't l`Ukraine l´Ukraine",
            ["zelenskyy", "s", "don", "t", "l", "ukraine", "l", "ukraine"],
        ),
        ("Jean–Pierre Jean-Pierre Jean—Pierre", ["jean", "pierre"] * 3),
        ("ЗЕЛЕНСЬКИЙ Зеленському пʼять", ["зеленський", "зеленському", "п", "ять"]),
        ("Ёлка Ἀθῆναι", ["елка", "αθηναι"]),
        ("ＡＢＣ ﬁnal", ["abc", "final"]),
        ("e\u0301te\u0301", ["ete"]),
    ],
)
def test_tokens_fold_case_diacritics_and_punctuation(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


def test_scripts_without_spaces_become_bigrams() -> None:
    assert tokens("乌克兰和平谈判") == ["乌克", "克兰", "兰和", "和平", "平谈", "谈判"]
    assert tokens("和 iPhone手机") == ["和", "iphone", "手机"]
    assert tokens("ภาษาไทย") == ["ภา", "าษ", "ษา", "าไ", "ไท", "ทย"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("日・米・韓", ["日", "米", "韓"]),
        ("ドナルド・トランプ", ["ドナ", "ナル", "ルド", "トラ", "ラン", "ンプ"]),
        ("ル゠ヴ", ["ル", "ヴ"]),  # the katakana double hyphen
        ("ရန်ကုန်၊ မန္တလေး။", ["ရန", "န်", "်က", "ကု", "ုန", "န်", "မန", "န္", "္တ", "တလ", "လေ", "ေး"]),
        ("๏ข่าว๚ไทย๛ ฿500", ["ข่", "่า", "าว", "ไท", "ทย", "500"]),
        ("ខ្មែរ។ភាសា៕", ["ខ្", "្ម", "មែ", "ែរ", "ភា", "ាស", "សា"]),
        ("⽇本", ["日本"]),  # a Kangxi radical is its ideograph (NFKC)
        ("ㄅㄆ ㆠㆡ注音", ["ㄅㄆ", "ㆠㆡ", "ㆡ注", "注音"]),  # Bopomofo is written like Han
    ],
)
def test_punctuation_and_symbols_cut_runs_without_spaces(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


def test_cased_tokens_keep_case_only() -> None:
    assert cased_tokens("Élysée AS as") == ["Elysee", "AS", "as"]


def test_marks_of_other_scripts_are_kept() -> None:
    assert tokens("हिन्दी भाषा") == ["हिन्दी", "भाषा"]


@pytest.mark.parametrize(
    "text",
    [
        "Élysée, l’Ukraine — «paix»! 乌克兰和平 x_y ½ ﬁ",
        "plain ascii, text.",
        "Зеленському: мир",
        "",
    ],
)
def test_fast_tokens_follow_the_definition_and_spans_line_up(text: str) -> None:
    assert tokens(text) == regex_tokens(text)
    assert cased_tokens(text) == regex_tokens(text, casefold=False)
    spans = token_spans(text)
    assert len(spans) == len(tokens(text))
    assert all(0 <= start < end <= len(text) for start, end in spans)


def test_spans_point_at_original_text() -> None:
    text = "Le «Président» Zelenskyy’s visit"
    assert [text[s:e] for s, e in token_spans(text)] == [
        "Le",
        "Président",
        "Zelenskyy",
        "s",
        "visit",
    ]
    cjk = "和平:乌克兰"
    assert [cjk[s:e] for s, e in token_spans(cjk)] == ["和平", "乌克", "克兰"]


@pytest.mark.parametrize(
    "text",
    [
        "Élysée, l’Ukraine — «paix»! 乌克兰和平 x_y ½ ﬁ",
        "plain  ascii,\ttext.\n",
        "Зеленському: мир\u00a0пʼять",
        "乌克兰½和平",  # bigrams and an NFKC split in one chunk
        "  ",
        "Ukraine ukraine ÉLYSÉE éclair\u2003Ωmega ωmega\x85x",  # non-ASCII spaces
        "aั กข ก Ǆemal ǅemal 𠀀𠀁 ᴬbc",  # a Thai mark after a letter, titlecase, astral Han
        "Aͺ ᾳ ᾼ x",  # the Greek iota subscript: a letter in folded and case-kept text alike
        "日・米 ゠ル ၊။ ๏๚๛฿ ។៕ ⽇本 ㄅㆠ ゛ー",  # punctuation, symbols of scripts without spaces
    ],
)
def test_document_tokens_follow_the_definitions(text: str) -> None:
    for _ in range(2):  # cold, then from the engine's caches
        folded, cased, spans = ENGINE.tokens(text)
        assert folded == regex_tokens(text) == tokens(text)
        assert cased == regex_tokens(text, casefold=False) == cased_tokens(text)
        assert spans == token_spans(text)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_document_tokens_follow_the_definitions_on_any_text(text: str) -> None:
    test_document_tokens_follow_the_definitions(text)


def _code_points() -> list[str]:
    return [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]


def test_every_punctuation_and_symbol_cuts_words_in_every_script() -> None:
    for c in _code_points():
        if unicodedata.category(c)[0] in "PS" and not is_word_char(c):
            for a, b in (("日", "本"), ("ก", "ข"), ("a", "b"), ("ж", "ш"), ("क", "म")):
                assert regex_tokens(f"{a}{c}{b}") == [a, b], f"U+{ord(c):04X}"


def _contexts(c: str) -> str:
    if unicodedata.category(c) in ("Cn", "Co"):  # unassigned, private use: alike, 970k of them
        return f"a{c}b"
    # Alone, after an ASCII letter, between Han, after Thai, before a combining mark.
    return f"{c} a{c} 日{c}本 ก{c} {c}\u0301"


def test_document_tokens_follow_the_definitions_on_every_code_point() -> None:
    chars = _code_points()
    for i in range(0, len(chars), 4096):
        text = " ".join(map(_contexts, chars[i : i + 4096]))
        folded, cased, spans = ENGINE.tokens(text)
        assert folded == regex_tokens(text), f"from U+{ord(chars[i]):04X}"
        assert cased == regex_tokens(text, casefold=False), f"from U+{ord(chars[i]):04X}"
        assert spans == token_spans(text), f"from U+{ord(chars[i]):04X}"
