"""Which concept forms are common words of another language (imported by name by the tests).

A form of one language that is also a frequent word of another (Italian ``pace`` is English
"pace", English ``war`` is German "was") would make a concept match unrelated text in that
language. wordfreq's lists of 40 languages say how frequent each word is; words are folded as
documents are (``Bão`` is ``bao``, a common Vietnamese syllable), and a form that is a form of
the same concept in the other language too is not a false friend.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from wordfreq import available_languages, get_frequency_dict

from newswatch.match.lexicon import Lexicon, written_patterns
from newswatch.match.normalize import tokens

COMMON = 4.0  # Zipf frequency: about once per 10,000 words
_SPACED = frozenset(available_languages()) - {"zh", "ja", "th"}  # words as documents cut them


@cache
def common_words(lang: str) -> frozenset[str]:
    """The folded words of ``lang`` with a Zipf frequency of at least ``COMMON``."""
    threshold = 10 ** (COMMON - 9)
    frequencies = get_frequency_dict(lang).items()
    return frozenset(t for word, f in frequencies if f >= threshold for t in tokens(word))


def other_languages(lexicon: Lexicon) -> list[str]:
    """The lexicon's languages (spaced scripts) that wordfreq has lists for."""
    return [lang for lang in lexicon.languages() if lang in _SPACED]


def false_friends(lexicon: Lexicon) -> Iterator[tuple[str, str, str, str]]:
    """(concept, language, form, other language) for each one-word form that is a common
    word of another language where the concept has no such form."""
    checked = other_languages(lexicon)
    for concept, by_lang in lexicon.concepts.items():
        own = {lang: _words(forms, lang) for lang, forms in by_lang.items()}
        for lang, words in own.items():
            for word in words:
                for other in checked:
                    same = other == lang or word in own.get(other, set())
                    if not same and word in common_words(other):
                        yield concept, lang, word, other


def _words(forms: tuple[str, ...], lang: str) -> set[str]:
    """The one-word, whole-word patterns of ``forms``."""
    return {
        p.words[0]
        for form in forms
        for p in written_patterns(form, lang)
        if len(p.words) == 1 and not p.prefix
    }
