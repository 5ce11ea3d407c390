"""Country names in every language pycountry ships, for ``country:CC``.

The table is built once per process, on first use (about 0.3 s): for each ISO 3166-1 country,
its English ``name``, ``official_name`` and ``common_name`` and their translations in every
``iso3166-1`` gettext catalogue of pycountry (160+ locales), plus the short names in ``_EXTRA``
(pycountry lists Russia as "Russian Federation", Iran as "Iran, Islamic Republic of", ...).
"Name, qualifier" forms also contribute the part before the comma. A name shared by several
countries ("Korea", "Congo") is dropped, and so are names shorter than 4 letters (except the
all-caps abbreviations of ``_EXTRA``, which match case-sensitively).

Names in a language that declines nouns also match their case forms (``inflect``): the rules of
the catalogue's language for its names, of ``_LOCAL`` for the everyday names added per language,
and of Russian and Ukrainian for the Cyrillic names of ``_EXTRA``. A form that is another
country's name is dropped.

A name that starts with a capital letter in the table must start with one in the document too,
so "Turkey" does not match "turkey" nor "Island" (Iceland in German) "island".
"""

from __future__ import annotations

import gettext
from collections import defaultdict
from functools import cache
from pathlib import Path

import pycountry

from newswatch.match import inflect
from newswatch.match.normalize import cased_tokens, tokens
from newswatch.match.query import Pattern

_EXTRA: dict[str, tuple[str, ...]] = {
    "RU": ("Russia", "Rusia", "Russie", "Russland", "Россия", "Росія", "俄罗斯", "俄羅斯"),
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
# Everyday names in a declining language where its catalogue has only the official one.
_LOCAL: dict[str, dict[str, tuple[str, ...]]] = {
    "RU": {"pl": ("Rosja",), "cs": ("Rusko",), "sk": ("Rusko",), "hr": ("Rusija",),
           "sr": ("Русија",), "lt": ("Rusija",), "lv": ("Krievija",), "fi": ("Venäjä",),
           "hu": ("Oroszország",), "tr": ("Rusya",), "bg": ("Русия",)},
    "US": {"pl": ("Ameryka",), "cs": ("Amerika",), "hr": ("Amerika",), "fi": ("Amerikka",),
           "hu": ("Amerika",)},
}  # fmt: skip


def country_patterns(code: str) -> tuple[Pattern, ...]:
    """The name patterns of country ``code`` (ISO 3166-1 alpha-2, upper case)."""
    return _table().get(code, ())


def _catalogues() -> list[tuple[str, gettext.NullTranslations]]:
    """Each catalogue with the language whose case rules apply to its names ("" for none)."""
    root = Path(pycountry.LOCALES_DIR)
    found: list[tuple[str, gettext.NullTranslations]] = [("", gettext.NullTranslations())]
    for locale in sorted(root.iterdir()):
        mo = locale / "LC_MESSAGES" / "iso3166-1.mo"
        if mo.is_file():
            with mo.open("rb") as fh:
                found.append((_rules_language(locale.name), gettext.GNUTranslations(fh)))
    return found


def _rules_language(locale: str) -> str:
    lang = "hr" if locale == "sr@latin" else locale.split("_")[0].split("@")[0]
    return lang if lang in inflect.LANGUAGES else ""


Names = dict[str, dict[str, set[str]]]  # code -> name -> languages whose case rules apply


def _names() -> Names:
    names: Names = defaultdict(lambda: defaultdict(set))
    for lang, catalogue in _catalogues():
        for country in pycountry.countries:
            for attr in ("name", "official_name", "common_name"):
                english = getattr(country, attr, None)
                if english:
                    local = catalogue.gettext(english)
                    found = names[country.alpha_2]
                    found[local].add(lang)
                    if ", " in local:
                        found[local.split(", ")[0]].add(lang)
    return names


def _add_extra(names: Names) -> None:
    for code, extra in _EXTRA.items():
        for name in extra:
            names[code][name].update(inflect.CYRILLIC if _is_cyrillic(name) else ())
    for code, by_lang in _LOCAL.items():
        for lang, local in by_lang.items():
            for name in local:
                names[code][name].add(lang)


def _is_cyrillic(name: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in name)


def _pattern(name: str, extra: bool) -> Pattern | None:
    words = tuple(tokens(name))
    if not words:
        return None
    if extra and name.isupper() and len("".join(words)) < 4:
        return Pattern(tuple(cased_tokens(name)), case_sensitive=True, folded=words)
    if len("".join(words)) < 4 and not any(w[0] >= "\u0e00" for w in words):
        return None
    return Pattern(words, capitalized=name[0].isupper())


def _inflected(pattern: Pattern, langs: set[str], owner: str, owners: Owners) -> set[Pattern]:
    """The pattern's case forms in ``langs`` that name no other country."""
    if pattern.case_sensitive:
        return set()
    found = set()
    for lang in langs - {""}:
        for words in inflect.forms(pattern.words, lang):
            if owners.get(words, {owner}) == {owner}:
                found.add(Pattern(words, capitalized=pattern.capitalized))
    return found


Owners = dict[tuple[str, ...], set[str]]


@cache
def _table() -> dict[str, tuple[Pattern, ...]]:
    names = _names()
    owners: Owners = defaultdict(set)
    for code, found in names.items():
        for name in found:
            owners[tuple(tokens(name))].add(code)
    _add_extra(names)
    table: dict[str, tuple[Pattern, ...]] = {}
    for code, found in names.items():
        extra = {
            *_EXTRA.get(code, ()),
            *(n for local in _LOCAL.get(code, {}).values() for n in local),
        }
        patterns: set[Pattern] = set()
        for name, langs in found.items():
            if name in extra or _unique(name, owners):
                pattern = _pattern(name, name in extra)
                if pattern:
                    patterns.add(pattern)
                    patterns |= _inflected(pattern, langs, code, owners)
        table[code] = tuple(sorted(patterns, key=lambda p: p.words))
    return table


def _unique(name: str, owners: Owners) -> bool:
    return len(owners[tuple(tokens(name))]) == 1
