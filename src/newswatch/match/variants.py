"""Entity aliases as patterns, with transliteration variants of Latin-script names.

The variant rule (also in docs/query-language.md) rewrites each word of a case-insensitive,
non-wildcard alias written in Latin letters, independently:

1. Ending: a word of 5+ letters ending in a consonant plus one of ``yy iy ij yi yj ii y i``
   gets every one of those endings (Zelenskyy -> Zelensky, Zelenskiy, Zelenskij, Zelenskyi...).
2. Optional rewrites, each applied or not, in this order: ``ch -> tsch`` (German),
   ``kh -> h``, ``kh -> ch``, ``ts -> c`` and ``ts -> z`` (not in ``tsch``), ``sh -> sch``,
   ``v -> w``, and at the start of a word ``z -> s`` and ``y -> j`` before a vowel
   (Zelensky -> Selenskyj).

A case-insensitive alias without ``*`` also matches its case forms (``inflect``) in the
declining languages of its script, forms that must start with a capital letter in the text
(``Путин`` -> ``Путина``, ``Путину``...; ``Biden`` -> ``Bidenin``, ``Bidennel``...); only the
alias as written is declined, not its variants.

A word keeps at most 24 variants (12 in a multi-word alias) and an alias at most 32, fewest
rewrites first (then alphabetical). A variant word shorter than 4 letters (5 for a one-word
alias) or listed in ``_GENERIC`` is dropped, with the alias variant that contains it.
"""

from __future__ import annotations

import itertools
import re

from newswatch.match import inflect
from newswatch.match.model import Alias
from newswatch.match.normalize import cased_tokens, is_no_space, tokens
from newswatch.match.query import Pattern

_ENDINGS = ("yy", "iy", "ij", "yi", "yj", "ii", "y", "i")
_ENDING_RE = re.compile(rf"^([a-z]*[bcdfghjklmnpqrstvwxz])({'|'.join(_ENDINGS)})$")
_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        ("ch", "tsch"),
        ("kh", "h"),
        ("kh", "ch"),
        ("ts(?!ch)", "c"),
        ("ts(?!ch)", "z"),
        ("sh", "sch"),
        ("v", "w"),
        ("^z(?=[aeiouy])", "s"),
        ("^y(?=[aeiou])", "j"),
    )
)
_WORD_CAP = 24
_ALIAS_CAP = 32
_MULTI_WORD_CAP = 12
_GENERIC = frozenset(
    "also back city east ever first great here just many more most much news next north "  # noqa: SIM905  # a word list reads better as text
    "only over part says since some south state still such than that their them then there "
    "these they this those under very west what when where which while will with world year "
    "yang dari untuk dengan pada tidak akan juga dans avec pour sont cette plus tout".split()
)


def word_variants(word: str, cap: int = _WORD_CAP) -> dict[str, int]:
    """Variants of one normalized Latin word, each with the number of rewrites it took."""
    found = {word: 0}
    ending = _ENDING_RE.match(word)
    if ending and len(ending.group(1)) >= 4:
        for alt in _ENDINGS:
            found.setdefault(ending.group(1) + alt, 1)
    for pattern, replacement in _REWRITES:
        for variant, edits in list(found.items()):
            rewritten = pattern.sub(replacement, variant)
            if rewritten != variant:
                found.setdefault(rewritten, edits + 1)
    ranked = sorted(found.items(), key=lambda item: (item[1], item[0]))[:cap]
    return dict(ranked)


def _allowed(words: tuple[str, ...]) -> bool:
    shortest = 5 if len(words) == 1 else 4
    return all(len(w) >= shortest and w not in _GENERIC for w in words)


def alias_variants(words: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Transliteration variants of an alias's words (the alias itself excluded)."""
    if not all(w.isascii() and w.isalpha() for w in words):
        return []
    cap = _WORD_CAP if len(words) == 1 else _MULTI_WORD_CAP
    per_word = [word_variants(w, cap) for w in words]
    combos = (
        (sum(choice[i][1] for i in range(len(choice))), tuple(c[0] for c in choice))
        for choice in itertools.product(*(list(v.items()) for v in per_word))
    )
    ranked = sorted(c for c in combos if c[0] > 0 and _allowed(c[1]))
    return [combo for _, combo in ranked[: _ALIAS_CAP - 1]]


def case_forms(words: tuple[str, ...]) -> list[Pattern]:
    """The case forms of an alias in the declining languages of its script, to be written
    with a capital letter (names are, in all of them); none for words under 4 letters."""
    if len(words[-1]) < 4:
        return []
    found = {f for lang in inflect.script_languages(words) for f in inflect.forms(words, lang)}
    return [Pattern(f, capitalized=True) for f in sorted(found) if f[-1] not in _GENERIC]


def alias_patterns(alias: Alias, variants: bool, inflections: bool = True) -> list[Pattern]:
    """The patterns of an alias: itself, plus its variants and case forms when asked for and
    applicable."""
    prefix = alias.text.endswith("*")
    body = alias.text[:-1] if prefix else alias.text
    words = tuple(tokens(body))
    if not words:
        return []
    prefix = prefix and not is_no_space(words[-1][0])
    if alias.case_sensitive:
        cased = tuple(cased_tokens(body))
        return [Pattern(cased, prefix, case_sensitive=True, folded=words)]
    patterns = [Pattern(words, prefix)]
    if variants and not prefix:
        patterns.extend(Pattern(v) for v in alias_variants(words))
    if inflections and not prefix:
        patterns.extend(case_forms(words))
    return patterns
