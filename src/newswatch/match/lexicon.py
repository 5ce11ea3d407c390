"""Concepts across languages: the shipped lexicon (``concepts/<lang>.tsv``) and the config's.

A concept has an English id (``peace``, ``peace talks``) and, per language, the forms a news text
uses for it, each written like a query term: a word, words separated by spaces (a phrase), a
trailing ``*`` (a prefix, ``переговор*``). ``~peace`` in a query is the OR of them all.

``resolve`` says which concepts a ``~word`` names: the concept of that id; else those whose
English forms match the word (``~negotiations`` is ``negotiation``); with a trailing ``*``, the
concepts whose id starts with it (``~negotiat*``). ``concept_of`` says which of some concepts a
hit's text is a form of, for showing ``~peace -> perdamaian``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from newswatch.match.normalize import is_no_space, tokens
from newswatch.match.query import Pattern

LEXICON_DIR = Path(__file__).parent / "concepts"
ENGLISH = "en"

Forms = Mapping[str, tuple[str, ...]]  # language -> forms as written
_Index = frozenset[tuple[object, ...]]  # a concept's forms, indexed for telling hits
_TOLD_LIMIT = 200_000  # remembered (concepts, hit text) pairs before starting afresh
_BRACES = re.compile(r"\{([^{}]*)\}")


def expand(form: str) -> list[str]:
    """The forms a form with ``{a,b}`` alternatives stands for: ``мирн{ые,ых} переговор*`` is
    ``мирные переговор*`` and ``мирных переговор*`` (an alternative may be empty)."""
    parts = _BRACES.split(form)  # text, alternatives, text, ...
    choices = [p.split(",") if i % 2 else [p] for i, p in enumerate(parts)]
    return ["".join(combo) for combo in itertools.product(*choices)]


_ARTICLE = "ال"
_PROCLITICS = ("و", "ب", "ف", "وب", "فب")  # ل is written differently before the article


def form_pattern(form: str, lang: str = "") -> Pattern | str:
    """The pattern of a form as written, or why it is not a valid form. Korean nouns take
    their particles attached (평화를, 평화의): a Korean form whose last word has 2+ syllables
    is a prefix."""
    star = form.find("*")
    if 0 <= star < len(form) - 1:
        return "'*' is only allowed at the end of a form"
    words = tuple(tokens(form.rstrip("*")))
    if not words:
        return f"expected a form with letters or digits, got {form!r}"
    korean = lang == "ko" and star < 0
    if korean and len(words[-1]) >= 2:
        return Pattern(words, prefix=True)
    if star < 0 or is_no_space(words[-1][0]):
        return Pattern(words)
    if len(words[-1]) < 3:
        return "a prefix needs at least 3 characters before '*'"
    return Pattern(words, prefix=True)


def with_clitics(form: str, lang: str) -> list[str]:
    """An Arabic form with the proclitics written onto its first word (و ب ل ف and their
    pairs: والسلام, بالسلام, للسلام); other languages' forms as they are."""
    if lang != "ar":
        return [form]
    first, sep, rest = form.partition(" ")
    bare = first.removeprefix(_ARTICLE)
    lam = "لل" + bare if first.startswith(_ARTICLE) else "ل" + first
    heads = [first, *(c + first for c in _PROCLITICS), lam, "و" + lam, "ف" + lam]
    return [head + sep + rest for head in heads]


def written_patterns(written: str, lang: str) -> list[Pattern]:
    """The patterns of one form as written in a lexicon file: its ``{a,b}`` alternatives and
    Arabic proclitics expanded, invalid ones left out (the lexicon's test reports them)."""
    found = (form_pattern(f, lang) for w in expand(written) for f in with_clitics(w, lang))
    return [p for p in found if isinstance(p, Pattern)]


def _matches(pattern: Pattern, words: tuple[str, ...]) -> bool:
    if not pattern.prefix:
        return pattern.words == words
    head, last = pattern.words[:-1], pattern.words[-1]
    return words[:-1] == head and len(words) == len(pattern.words) and words[-1].startswith(last)


@dataclass(frozen=True)
class Lexicon:
    """Concept id -> language -> forms; ``patterns`` and lookups are derived and cached."""

    concepts: Mapping[str, Forms]
    _patterns: dict[str, tuple[Pattern, ...]] = field(default_factory=dict, compare=False)
    _indexes: dict[str, tuple[_Index, _Index]] = field(default_factory=dict, compare=False)
    _told: dict[tuple[tuple[str, ...], str], str | None] = field(
        default_factory=dict, compare=False
    )

    def languages(self) -> list[str]:
        """Every language some concept has forms in."""
        return sorted({lang for forms in self.concepts.values() for lang in forms})

    def patterns(self, concept: str) -> tuple[Pattern, ...]:
        """The patterns of every form of ``concept`` in every language."""
        found = self._patterns.get(concept)
        if found is None:
            by_lang = self.concepts[concept].items()
            every = (p for lang, fs in by_lang for f in fs for p in written_patterns(f, lang))
            found = tuple(dict.fromkeys(every))
            self._patterns[concept] = found
        return found

    def resolve(self, raw: str) -> tuple[str, ...]:
        """The concepts ``~raw`` names (none when it names none)."""
        if raw in self.concepts:
            return (raw,)
        if raw.endswith("*"):
            start = raw[:-1].lower()
            return tuple(c for c in self.concepts if len(start) >= 3 and c.startswith(start))
        words = tuple(tokens(raw))
        return tuple(c for c in self.concepts if self._english_of(c, words))

    def _english_of(self, concept: str, words: tuple[str, ...]) -> bool:
        english = self.concepts[concept].get(ENGLISH, ())
        return any(_matches(p, words) for f in english for p in written_patterns(f, ENGLISH))

    def concept_of(self, concepts: Iterable[str], term: str) -> str | None:
        """Which of ``concepts`` the text ``term`` (a hit) is a form of. Remembered: the same
        words hit the same watches in document after document."""
        key = (tuple(concepts), term)
        if key not in self._told:
            if len(self._told) >= _TOLD_LIMIT:
                self._told.clear()
            self._told[key] = self._concept_of(key[0], term)
        return self._told[key]

    def _concept_of(self, concepts: tuple[str, ...], term: str) -> str | None:
        words = tuple(tokens(term))
        if not words:
            return None
        head, last = words[:-1], words[-1]
        for concept in concepts:
            exact, prefixes = self._index(concept)
            if words in exact or any((head, last[:k]) in prefixes for k in range(1, len(last) + 1)):
                return concept
        return None

    def _index(self, concept: str) -> tuple[_Index, _Index]:
        """The concept's whole-word forms, and its prefix forms as (words before, prefix)."""
        found = self._indexes.get(concept)
        if found is None:
            patterns = self.patterns(concept)
            exact = frozenset(p.words for p in patterns if not p.prefix)
            prefixes = frozenset((p.words[:-1], p.words[-1]) for p in patterns if p.prefix)
            found = self._indexes[concept] = (exact, prefixes)
        return found

    def extended(self, extra: Mapping[str, Forms], replace: Iterable[str] = ()) -> Lexicon:
        """This lexicon with ``extra`` forms added (new concepts too); the concepts in
        ``replace`` keep only the forms given in ``extra``."""
        merged = {c: dict(forms) for c, forms in self.concepts.items()}
        for concept in replace:
            merged[concept] = {}
        for concept, forms in extra.items():
            langs = merged.setdefault(concept, {})
            for lang, added in forms.items():
                langs[lang] = tuple(dict.fromkeys((*langs.get(lang, ()), *added)))
        return Lexicon(merged)


def parse_tsv(text: str) -> dict[str, tuple[str, ...]]:
    """``concept<TAB>form | form | ...`` lines of one language file (``#`` comments)."""
    found: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            concept, _, forms = line.partition("\t")
            found[concept.strip()] = tuple(f.strip() for f in forms.split("|") if f.strip())
    return found


@cache
def shipped() -> Lexicon:
    """The lexicon shipped with newswatch (read once per process)."""
    concepts: dict[str, dict[str, tuple[str, ...]]] = {}
    for path in sorted(LEXICON_DIR.glob("*.tsv")):
        for concept, forms in parse_tsv(path.read_text(encoding="utf-8")).items():
            concepts.setdefault(concept, {})[path.stem] = forms
    return Lexicon(concepts)
