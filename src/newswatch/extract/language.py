"""Language detection with lingua's bundled models (tells Indonesian from Malay), and by script
for text in a script lingua has no model for (``languages.SCRIPT_LANGUAGES``).

lingua reads only the letters of its languages' scripts: a Burmese article with a few Latin
letters would be labelled by those (English, confidently). So the letters are counted first:
text mostly in scripts lingua reads goes to lingua; text mostly in one script that names a
language is that language; anything else has no label.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import regex
from lingua import LanguageDetectorBuilder

from newswatch.languages import SCRIPT_LANGUAGES

# The first 1,000 characters decide: lingua's time grows with the text (4.3 ms for 4,000
# characters of news, 1.6 ms for 1,000); the corpora's feeds, 58 texts of 1,500 characters or
# more, get the same label from either.
_SAMPLE_CHARS = 1_000
_MIN_CHARS = 20
# The scripts of lingua's languages (tests/unit/test_language.py checks this against lingua).
LINGUA_SCRIPTS = (
    "Latin", "Cyrillic", "Greek", "Armenian", "Georgian", "Hebrew", "Arabic", "Devanagari",
    "Bengali", "Gurmukhi", "Gujarati", "Tamil", "Telugu", "Thai", "Hangul", "Han", "Hiragana",
    "Katakana",
)  # fmt: skip
_LETTER = regex.compile(r"(?![\p{sc=Common}\p{sc=Inherited}])\p{L}")  # letters of a script
_LINGUA_LETTER = regex.compile(
    "(?=\\p{L})[" + "".join(rf"\p{{sc={s}}}" for s in LINGUA_SCRIPTS) + "]"
)
_SCRIPT_LETTERS = {s: regex.compile(rf"(?=\p{{L}})\p{{sc={s}}}") for s in SCRIPT_LANGUAGES}
# Letters of Shan, Mon, Karen and other languages written in the Myanmar script, not Burmese.
_NOT_BURMESE = regex.compile("[\u1028\u1033-\u1035\u105a-\u109f\ua9e0-\ua9ff\uaa60-\uaa7f]")


@lru_cache(maxsize=1)
def _detector() -> Any:
    # Models load lazily per language; preloading all of them costs ~1 GB for nothing.
    return LanguageDetectorBuilder.from_all_languages().build()


def load_language_models() -> None:
    """Load the models of the languages written in Latin and Cyrillic letters (most of them).

    A worker calls it (in a thread) before taking work: loading takes seconds and holds the
    interpreter, and while in-flight fetches wait for it their time limits run out (a robots.txt
    that times out counts as disallowing everything)."""
    _detector().detect_language_of("news berita новини nachrichten noticias notizie haberler")


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text``'s language, or None when it is too short or unknown."""
    sample = text[:_SAMPLE_CHARS]
    if len(sample.strip()) < _MIN_CHARS:
        return None
    letters = len(_LETTER.findall(sample))
    if 2 * len(_LINGUA_LETTER.findall(sample)) <= letters:
        return _by_script(sample, letters)
    language = _detector().detect_language_of(sample)
    if language is None:
        return None
    return str(language.iso_code_639_1.name).lower()


def _by_script(sample: str, letters: int) -> str | None:
    """The language of the script more than half the letters are in, if it names one."""
    for script, pattern in _SCRIPT_LETTERS.items():
        if 2 * len(pattern.findall(sample)) > letters:
            if script == "Myanmar" and _NOT_BURMESE.search(sample):
                return None
            return SCRIPT_LANGUAGES[script]
    return None
