"""Country names in every language pycountry ships, for ``country:CC``.

The table is built once per process, on first use (about 0.3 s): for each ISO 3166-1 country,
its English ``name``, ``official_name`` and ``common_name`` and their translations in every
``iso3166-1`` gettext catalogue of pycountry (160+ locales), plus the short names in ``_EXTRA``
(pycountry lists Russia as "Russian Federation", Iran as "Iran, Islamic Republic of", ...).
"Name, qualifier" forms also contribute the part before the comma. A name shared by several
countries ("Korea", "Congo") is dropped, and so are names shorter than 4 letters (except the
all-caps abbreviations of ``_EXTRA``, which match case-sensitively).

A name that starts with a capital letter in the table must start with one in the document too,
so "Turkey" does not match "turkey" nor "Island" (Iceland in German) "island".
"""

from __future__ import annotations

import gettext
from collections import defaultdict
from functools import cache
from pathlib import Path

import pycountry

from newswatch.match.normalize import cased_tokens, tokens
from newswatch.match.query import Pattern

_EXTRA: dict[str, tuple[str, ...]] = {
    "RU": ("Russia", "Rusia", "Russie", "Russland", "Rosja", "Россия", "Росія", "俄罗斯", "俄羅斯"),
    "US": ("USA", "U.S.", "United States", "America", "Amerika Serikat", "États-Unis",
           "Estados Unidos", "США", "Соединённые Штаты", "Сполучені Штати", "美国", "美國"),
    "GB": ("UK", "Britain", "Great Britain", "United Kingdom", "Inggris", "Royaume-Uni",
           "Reino Unido", "Großbritannien", "Британия", "Великобритания", "Британія",
           "Велика Британія", "英国", "英國"),
    "CN": ("China", "Tiongkok", "Chine", "Китай", "中国", "中國"),
    "KR": ("South Korea", "Korea Selatan", "Corée du Sud", "Южная Корея", "Південна Корея", "韩国"),
    "KP": ("North Korea", "Korea Utara", "Corée du Nord", "Северная Корея", "Північна Корея",
           "朝鲜"),
    "IR": ("Iran", "Иран", "Іран", "伊朗"),
    "SY": ("Syria", "Suriah", "Syrie", "Сирия", "Сирія", "叙利亚"),
    "VE": ("Venezuela",), "BO": ("Bolivia",), "TZ": ("Tanzania",), "MD": ("Moldova",),
    "VN": ("Vietnam", "Viet Nam", "Вьетнам", "В'єтнам", "越南"), "LA": ("Laos",),
    "TW": ("Taiwan", "Тайвань", "台湾", "台灣"), "CZ": ("Czechia", "Czech Republic"),
    "PS": ("Palestine", "Palestina", "Палестина", "巴勒斯坦"), "TR": ("Turkey", "Türkiye"),
    "SA": ("Saudi Arabia", "Arab Saudi", "Саудовская Аравия", "沙特"),
}  # fmt: skip


def country_patterns(code: str) -> tuple[Pattern, ...]:
    """The name patterns of country ``code`` (ISO 3166-1 alpha-2, upper case)."""
    return _table().get(code, ())


def _catalogues() -> list[gettext.NullTranslations]:
    root = Path(pycountry.LOCALES_DIR)
    found: list[gettext.NullTranslations] = [gettext.NullTranslations()]
    for locale in sorted(root.iterdir()):
        mo = locale / "LC_MESSAGES" / "iso3166-1.mo"
        if mo.is_file():
            with mo.open("rb") as fh:
                found.append(gettext.GNUTranslations(fh))
    return found


def _names() -> dict[str, set[str]]:
    names: dict[str, set[str]] = defaultdict(set)
    for catalogue in _catalogues():
        for country in pycountry.countries:
            for attr in ("name", "official_name", "common_name"):
                english = getattr(country, attr, None)
                if english:
                    local = catalogue.gettext(english)
                    names[country.alpha_2].add(local)
                    if ", " in local:
                        names[country.alpha_2].add(local.split(", ")[0])
    return names


def _pattern(name: str, extra: bool) -> Pattern | None:
    words = tuple(tokens(name))
    if not words:
        return None
    if extra and name.isupper() and len("".join(words)) < 4:
        return Pattern(tuple(cased_tokens(name)), case_sensitive=True, folded=words)
    if len("".join(words)) < 4 and not any(w[0] >= "\u0e00" for w in words):
        return None
    return Pattern(words, capitalized=name[0].isupper())


@cache
def _table() -> dict[str, tuple[Pattern, ...]]:
    names = _names()
    owners: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for code, found in names.items():
        for name in found:
            owners[tuple(tokens(name))].add(code)
    for code, extra in _EXTRA.items():
        names[code].update(extra)
    table: dict[str, tuple[Pattern, ...]] = {}
    for code, found in names.items():
        extra = _EXTRA.get(code, ())
        patterns = {_pattern(n, n in extra) for n in found if n in extra or _unique(n, owners)}
        table[code] = tuple(sorted((p for p in patterns if p), key=lambda p: p.words))
    return table


def _unique(name: str, owners: dict[tuple[str, ...], set[str]]) -> bool:
    return len(owners[tuple(tokens(name))]) == 1
