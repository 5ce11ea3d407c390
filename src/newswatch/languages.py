"""Language labels: the codes language detection gives, and the documents a ``lang:`` code matches.

Detection (``extract/language.py``) labels a text with the ISO 639-1 code of one of lingua's
languages or, for a text mostly in a script lingua has no model for, of the language that script
is written in where it is written in one language only (``SCRIPT_LANGUAGES``); else it gives no
label. ``lang:CODE`` matches a document labelled ``CODE``. A macrolanguage that is never a label
itself also matches its members, as ISO 639-3 groups them (python-iso639): ``no`` matches ``nb``
and ``nn``, ``sh`` matches ``bs``, ``hr`` and ``sr``. A macrolanguage that is a label keeps its
own meaning: lingua's ``ms`` is Standard Malay, so ``lang:ms`` does not match Indonesian ``id``.
"""

from __future__ import annotations

from functools import cache

from lingua import Language

# python-iso639 loads its tables when imported (~0.3 s): it is imported where it is used, once
# a lang: code or label is looked up, not by every command that imports the matcher.

# Scripts lingua has no model for, each written by one language (in the news at least): Myanmar
# is also written by Shan, Mon and Karen, told apart by their own letters (extract/language.py).
# Not here: Tibetan (Tibetan, Dzongkha), Ethiopic (Amharic, Tigrinya...) and other shared ones.
SCRIPT_LANGUAGES = {
    "Myanmar": "my", "Khmer": "km", "Lao": "lo", "Sinhala": "si", "Thaana": "dv",
    "Malayalam": "ml", "Kannada": "kn", "Oriya": "or",
}  # fmt: skip


@cache
def detected() -> frozenset[str]:
    """Every label detection gives."""
    lingua = {str(language.iso_code_639_1.name).lower() for language in Language.all()}
    return frozenset(lingua | set(SCRIPT_LANGUAGES.values()))


@cache
def _macrolanguages() -> dict[str, str]:
    """label -> its macrolanguage's code, for macrolanguages that are never labels."""
    import iso639

    found: dict[str, str] = {}
    for label in detected():
        macro = iso639.Language.from_part1(label).macrolanguage
        code = iso639.Language.from_part3(macro).part1 if macro else None
        if code and code not in detected():
            found[label] = code
    return found


def queryable() -> frozenset[str]:
    """Every code ``lang:`` accepts: the labels, and macrolanguages of labels."""
    return detected() | frozenset(_macrolanguages().values())


def lang_codes(label: str | None) -> tuple[str, ...]:
    """The ``lang:`` codes a document labelled ``label`` matches."""
    if not label:
        return ()
    label = label.lower()
    macro = _macrolanguages().get(label)
    return (label, macro) if macro else (label,)


def language_name(code: str) -> str | None:
    """The English name of an ISO 639-1 code, or None for a code that is not one."""
    import iso639

    try:
        return str(iso639.Language.from_part1(code.lower()).name)
    except iso639.LanguageNotFoundError:
        return None
