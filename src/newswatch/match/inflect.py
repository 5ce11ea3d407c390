"""Case forms of names in languages that decline nouns, for country names and entity aliases.

A name is matched as whole words, so ``Україна`` alone misses ``України``, ``Україні``,
``Україну``, ``Україною``: the forms a Ukrainian article uses in most sentences. The forms are
generated here from the name's (normalized) words by per-language suffix rules, and matched as
ordinary words: the engine needs no morphology, and nothing but the name's own case forms is
matched (not adjectives made from it, ``український``, ``ukraiński``: a different word, which
a wildcard ``Україн*`` reaches when wanted).

- **Declining languages** (``uk ru pl cs sk sr hr lt lv``): the first rule whose ending fits
  the word gives its genitive, dative, accusative, instrumental and locative singular, each one
  or more endings (``a|b``). In a name of several words every word takes the same case
  (``Володимир Зеленський`` -> ``Володимира Зеленського``); plural names (``Chiny``, ``Niemcy``)
  are left as they are.
- **Agglutinative languages** (``fi hu``): the last word takes each case ending (``Ukrainassa``,
  ``Ukrajnában``, ``Iránnal``), with Finnish consonant gradation (``Turkki`` -> ``Turkin``).
- **Turkish** separates a name's endings with an apostrophe (``Ukrayna'nın``), which splits words
  already; **Bulgarian** nouns have no case forms. Both need nothing.

Rules are written with the language's letters and folded like every word (``Ukrajině`` is
``ukrajine``); generated forms that are not words match nothing, so a rule may over-generate.
"""

from __future__ import annotations

import itertools
import re
from functools import cache

from newswatch.match.normalize import fold

DECLINING = ("uk", "ru", "pl", "cs", "sk", "sr", "hr", "lt", "lv")
AGGLUTINATIVE = ("fi", "hu")
NEEDS_NONE = ("tr", "bg")
LANGUAGES = (*DECLINING, *AGGLUTINATIVE, *NEEDS_NONE)
CYRILLIC = ("ru", "uk", "sr")
LATIN = ("pl", "cs", "sk", "hr", "lt", "lv", "fi", "hu")
_SLOT_CAP = 8  # forms per case of a multi-word name

_C_CYR = "(?<=[бвгджзклмнпрстфхцчшщјљњћђџ])"
_C_LAT = "(?<=[bcčćdďđfghjklľĺłmnňpqrřsštťvwxzžźż])"

# (ending as a regex, (genitive, dative, accusative, instrumental, locative)); the ending is
# replaced by each form. An empty ending after a consonant class appends.
_RULES: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "ru": (
        ("ия", ("ии", "ии", "ию", "ией", "ии")),
        ("ая", ("ой", "ой", "ую", "ой", "ой")),
        ("[иы]й", ("ого", "ому", "ого", "им|ым", "ом")),
        ("ой", ("ого", "ому", "ого", "ым", "ом")),
        ("([кгх])а", (r"\1и", r"\1е", r"\1у", r"\1ой", r"\1е")),
        ("([жшчщц])а", (r"\1и|\1ы", r"\1е", r"\1у", r"\1ей", r"\1е")),
        ("а", ("ы", "е", "у", "ой|ою", "е")),
        ("я", ("и", "е", "ю", "ей", "е")),
        ("ь", ("я|и", "ю|и", "ь|я", "ем|ью", "е|и")),
        ("й", ("я", "ю", "я", "ем", "е")),
        (_C_CYR, ("а", "у", "а", "ом|ем|ым", "е")),  # Путиным: surnames in -ин, -ов
    ),
    "uk": (
        ("ія", ("ії", "ії", "ію", "ією", "ії")),
        ("[иі]й", ("ого", "ому", "ого", "им", "ому|ім")),
        ("ка", ("ки", "ці", "ку", "кою", "ці")),
        ("га", ("ги", "зі", "гу", "гою", "зі")),
        ("ха", ("хи", "сі", "ху", "хою", "сі")),
        ("([жчшщ])а", (r"\1і", r"\1і", r"\1у", r"\1ею", r"\1і")),
        ("а", ("и", "і", "у", "ою", "і")),
        ("я", ("і", "і", "ю", "ею", "і")),
        ("ь", ("я|ю", "ю|еві", "я|ь", "ем", "і")),
        ("й", ("я|ю", "ю|єві", "я|й", "єм", "ї")),
        (_C_CYR, ("а|у", "у|ові", "а", "ом|им", "і|у")),
    ),
    "sr": (
        ("([сшч])ка", (r"\1ке", r"\1кој", r"\1ку", r"\1ком", r"\1кој")),
        ("ка", ("ке", "ци|ки", "ку", "ком", "ци|ки")),
        ("а", ("е", "и", "у", "ом", "и")),
        ("о", ("а", "у", "о", "ом", "у")),
        (_C_CYR, ("а", "у", "а", "ом", "у")),
    ),
    "hr": (
        ("([sšč])ka", (r"\1ke", r"\1koj", r"\1ku", r"\1kom", r"\1koj")),
        ("ka", ("ke", "ci|ki", "ku", "kom", "ci|ki")),
        ("a", ("e", "i", "u", "om", "i")),
        ("o", ("a", "u", "o", "om", "u")),
        (_C_LAT, ("a", "u", "a", "om", "u")),
    ),
    "pl": (
        ("ja", ("ji", "ji", "ję", "ją", "ji")),
        ("ia", ("ii", "ii", "ię", "ią", "ii")),
        ("([sc])ka", (r"\1ki", r"\1ce", r"\1kę", r"\1ką", r"\1ce")),
        ("ka", ("ki", "ce", "kę", "ką", "ce")),
        ("ga", ("gi", "dze", "gę", "gą", "dze")),
        ("ra", ("ry", "rze", "rę", "rą", "rze")),
        ("ta", ("ty", "cie", "tę", "tą", "cie")),
        ("da", ("dy", "dzie", "dę", "dą", "dzie")),
        ("[lł]a", ("li|ły", "li|le", "lę|łę", "lą|łą", "li|le")),
        ("a", ("y|i", "ie|i", "ę", "ą", "ie|i")),
        ("([sc])ki", (r"\1kiego", r"\1kiemu", r"\1kiego", r"\1kim", r"\1kim")),
        ("o", ("a", "u", "o", "em", "ie|u")),
        (_C_LAT, ("a|u", "owi|u", "a", "em", "ie|u|e")),
    ),
    "cs": (
        ("ie", ("ie", "ii", "ii", "ií", "ii")),
        ("ský", ("ského", "skému", "ského", "ským", "ském")),
        ("([sc])ko", (r"\1ka", r"\1ku", r"\1ko", r"\1kem", r"\1ku")),
        ("ka", ("ky", "ce", "ku", "kou", "ce")),
        ("ha", ("hy", "ze", "hu", "hou", "ze")),
        ("ra", ("ry", "ře", "ru", "rou", "ře")),
        ("a", ("y|e", "ě|e", "u", "ou", "ě|e")),
        ("o", ("a", "u", "o", "em", "u|ě")),
        (_C_LAT, ("u|a|e", "u|ovi", "a", "em", "u|e|ě")),
    ),
    "sk": (
        ("ia", ("ie", "ii", "iu", "iou", "ii")),
        ("ský", ("ského", "skému", "ského", "ským", "skom")),
        ("([sc])ko", (r"\1ka", r"\1ku", r"\1ko", r"\1kom", r"\1ku")),
        ("a", ("y|e", "e|i", "u", "ou", "e|i")),
        ("o", ("a", "u", "o", "om", "e|u")),
        (_C_LAT, ("u|a", "u|ovi", "a", "om", "e|u")),
    ),
    "lt": (
        ("a", ("os", "ai", "ą", "a", "oje")),
        ("ė", ("ės", "ei", "ę", "e", "ėje")),
        ("as", ("o", "ui", "ą", "u", "e")),
        ("[iy]s", ("io", "iui", "į", "iu", "yje")),
        ("us", ("aus", "ui", "ų", "umi", "uje")),
    ),
    "lv": (
        ("a", ("as", "ai", "u", "u", "ā")),
        ("e", ("es", "ei", "i", "i", "ē")),
        ("is", ("a", "im", "i", "i", "ī")),
        ("[sš]", ("a", "am", "u", "u", "ā")),
    ),
}

_FI_GRADES = (("kk", "k"), ("pp", "p"), ("tt", "t"), ("nk", "ng"), ("nt", "nn"),
              ("mp", "mm"), ("lt", "ll"), ("rt", "rr"))  # fmt: skip
_FI_WEAK = ("n", "ssa", "sta", "lla", "lta", "lle", "ksi", "t")  # endings of closed syllables
_FI_STRONG = ("a", "na")
_HU_ENDINGS = ("ban", "ben", "ba", "be", "bol", "rol", "tol", "ra", "re", "nak", "nek",
               "hoz", "hez", "ert", "ig", "t")  # fmt: skip
_HU_CONSONANT = ("ot", "et", "at", "on", "en")
_HU_VOWEL = ("n", "val", "vel")
_VOWELS = frozenset("aeiouy")


@cache
def _compiled(lang: str) -> tuple[tuple[re.Pattern[str], tuple[tuple[str, ...], ...]], ...]:
    """The rules of ``lang`` folded like document words, each case's endings as a tuple."""
    return tuple(
        (re.compile(f"(?:{fold(ending)})$"), tuple(tuple(fold(s).split("|")) for s in slots))
        for ending, slots in _RULES[lang]
    )


def _cases(word: str, lang: str) -> list[tuple[str, ...]]:
    """The forms of one folded word for each case (the word itself when no rule fits)."""
    for ending, slots in _compiled(lang):
        found = ending.search(word)
        if found:
            stem, kept = word[: found.start()], found.group(1) if ending.groups else ""
            return [tuple(stem + s.replace("\\1", kept) for s in alts) for alts in slots]
    return [(word,)] * 5


def _declined(words: tuple[str, ...], lang: str) -> set[tuple[str, ...]]:
    per_word = [_cases(w, lang) for w in words]
    found: set[tuple[str, ...]] = set()
    for case in range(5):
        combos = itertools.product(*(cases[case] for cases in per_word))
        found.update(itertools.islice(combos, _SLOT_CAP))
    return found


def _finnish(word: str) -> set[str]:
    if word[-1] not in _VOWELS:
        return {word + "i" + e for e in (*_FI_WEAK, *_FI_STRONG, "in")}
    weak = {word}
    for strong, graded in _FI_GRADES:
        if word[:-1].endswith(strong):
            weak.add(word[: -1 - len(strong)] + graded + word[-1])
    if word.endswith("i"):
        weak.add(word[:-1] + "e")  # Suomi -> Suomen
    found = {stem + e for stem in weak for e in _FI_WEAK}
    found.update(word + e for e in (*_FI_STRONG, word[-1] + "n"))
    return found


def _hungarian(word: str) -> set[str]:
    if word[-1] in _VOWELS:
        return {word + e for e in (*_HU_ENDINGS, *_HU_VOWEL)}
    doubled = word[-2] if word[-2:] in ("sz", "zs", "cs", "gy", "ly", "ny", "ty") else word[-1]
    with_ = {word[:-2] + doubled + word[-2:] + e if doubled != word[-1] else word + doubled + e
             for e in ("al", "el")}  # fmt: skip
    return {word + e for e in (*_HU_ENDINGS, *_HU_CONSONANT)} | with_


def forms(words: tuple[str, ...], lang: str) -> set[tuple[str, ...]]:
    """The case forms of a name's folded ``words`` in ``lang`` (the name itself excluded)."""
    if lang in DECLINING:
        found = _declined(words, lang)
    elif lang in AGGLUTINATIVE and len(words[-1]) >= 3:
        suffixed = _finnish(words[-1]) if lang == "fi" else _hungarian(words[-1])
        found = {(*words[:-1], w) for w in suffixed}
    else:
        found = set()
    found.discard(words)
    return found


def script_languages(words: tuple[str, ...]) -> tuple[str, ...]:
    """The declining languages whose rules apply to a name of unknown language, by its
    script: Cyrillic names take the Cyrillic languages' rules, Latin ones the Latin ones'."""
    letters = "".join(words)
    if letters.isascii() or all("a" <= c <= "z" or "\u00c0" <= c <= "\u024f" for c in letters):
        return LATIN
    if all("\u0400" <= c <= "\u04ff" for c in letters):
        return CYRILLIC
    return ()
