"""Multilingual text normalization shared by queries and documents.

A text is cut into *runs* (maximal sequences of letters, digits and combining marks; apostrophes,
hyphens and other punctuation separate runs). Each run becomes one or more *tokens*:

- runs in scripts written without spaces (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar)
  become their character bigrams (a lone character stays a unigram);
- any other run is NFKC-normalized, case-folded, stripped of diacritics on Latin, Greek and
  Cyrillic letters (the breve of Cyrillic ``й``/``ў`` is kept) and has letters that do not
  decompose transliterated (``ł→l``, ``ø→o``, ``æ→ae``, ``ß→ss``, ``þ→th``, ``ı→i`` ...).

``tokens`` is the hot path; ``cased_tokens`` (same, without case folding) and ``token_spans``
(offsets into the original text) are computed only when a match needs them, and always yield
lists parallel to ``tokens``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from itertools import chain, pairwise

_NO_SPACE = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff\ua9e0-\ua9ff\uaa60-\uaa7f"
    "\u2e80-\u2fdf\u3005-\u3007\u303b\u3040-\u30ff\u3100-\u312f\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0002fa1f"
)
# Modifier letters used as apostrophes (Ukrainian ʼ, Hawaiian ʻ) separate runs like ' does.
_APOSTROPHE_LETTERS = "\u02b9\u02bb\u02bc\u02bd\u02be\u02bf"


def _mark_class() -> str:
    """Every combining mark (Mn, Mc, Me) of the BMP (a BMP-only class compiles to a table)."""
    marks = [c for c in range(0x0300, 0x10000) if unicodedata.category(chr(c))[0] == "M"]
    ranges: list[list[int]] = []
    for c in marks:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    return "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


_MARKS = _mark_class()
_LETTERS = f"[^\\W_{_NO_SPACE}{_APOSTROPHE_LETTERS}]"
# Unrolled (letters+ (marks+ letters*)*): much faster than an alternation tried per character.
_RUN_RE = re.compile(f"[{_NO_SPACE}]+|{_LETTERS}+(?:[{_MARKS}]+{_LETTERS}*)*")
_WORD_RE = re.compile(f"(?:[^\\W_{_APOSTROPHE_LETTERS}]|[{_MARKS}])+")
_NO_SPACE_RE = re.compile(f"[{_NO_SPACE}]")

_TRANSLIT = str.maketrans(
    {
        "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ø": "o", "Ø": "O",
        "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "ẞ": "SS", "þ": "th",
        "Þ": "TH", "ı": "i", "ħ": "h", "Ħ": "H", "ŧ": "t", "Ŧ": "T", "ŋ": "n", "Ŋ": "N",
        "ĸ": "k", "ſ": "s", "ƒ": "f", "ɨ": "i", "ƚ": "l", "ǥ": "g", "Ǥ": "G",
    }
)  # fmt: skip
_CYRILLIC_BREVE = "\u0306"
_ARABIC_HEBREW_POINTS = re.compile("[\u0591-\u05c7\u064b-\u065f\u0670]")


def is_no_space(char: str) -> bool:
    """True for a character of a script written without spaces between words."""
    return _NO_SPACE_RE.match(char) is not None


def _strip_marks(decomposed: str) -> str:
    out: list[str] = []
    base = "\uffff"  # a mark with no base letter is kept
    for ch in decomposed:
        if not unicodedata.combining(ch):
            base = ch
            out.append(ch)
        elif base > "\u052f" and not "\u1e00" <= base <= "\u1fff":
            out.append(ch)  # marks of other scripts (Devanagari vowel signs...) are letters
        elif ch == _CYRILLIC_BREVE and "\u0400" <= base <= "\u04ff":
            out.append(ch)
    return "".join(out)


def fold(text: str, casefold: bool = True) -> str:
    """NFKC, optional case folding, diacritics removed, non-decomposing letters transliterated."""
    s = unicodedata.normalize("NFKC", text)
    if casefold:
        s = s.casefold()
    s = _strip_marks(unicodedata.normalize("NFD", s)).translate(_TRANSLIT)
    return unicodedata.normalize("NFC", _ARABIC_HEBREW_POINTS.sub("", s))


def _run_tokens(run: str, casefold: bool) -> tuple[str, ...]:
    if run.isascii():
        return (run.lower(),) if casefold else (run,)
    if is_no_space(run[0]):
        chars = [fold(c, casefold) for c in run]
        if len(chars) == 1:
            return (chars[0],)
        return tuple(a + b for a, b in pairwise(chars))
    folded = fold(run, casefold)
    if _WORD_RE.fullmatch(folded):
        return (folded,)
    return tuple(_WORD_RE.findall(folded))  # NFKC split it (e.g. '¼'); rare


class _RunCache(dict[str, tuple[str, ...]]):
    """run -> tokens, filled on demand; cleared when it grows past ``limit``."""

    def __init__(self, casefold: bool, limit: int = 400_000) -> None:
        super().__init__()
        self.casefold = casefold
        self.limit = limit

    def __missing__(self, run: str) -> tuple[str, ...]:
        if len(self) >= self.limit:
            self.clear()
        toks = self[run] = _run_tokens(run, self.casefold)
        return toks


_FOLDED = _RunCache(casefold=True)
_CASED = _RunCache(casefold=False)


def _tokenize(text: str, cache: _RunCache) -> list[str]:
    runs: list[str] = _RUN_RE.findall(text)
    get: Callable[[str], tuple[str, ...]] = cache.__getitem__
    return list(chain.from_iterable(map(get, runs)))


def tokens(text: str) -> list[str]:
    """The normalized (case-folded) tokens of ``text``."""
    if text.isascii():
        return _RUN_RE.findall(text.lower())
    return _tokenize(text, _FOLDED)


def cased_tokens(text: str) -> list[str]:
    """The tokens of ``text`` normalized like ``tokens`` but keeping their case."""
    return _tokenize(text, _CASED)


def token_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets in ``text`` of each token, parallel to ``tokens(text)``."""
    spans = [m.span() for m in _RUN_RE.finditer(text)]
    if text.isascii() or len(spans) == len(tokens(text)):
        return spans
    spans = []
    for m in _RUN_RE.finditer(text):
        start, end = m.span()
        if end - start > 1 and is_no_space(text[start]):
            spans.extend((i, i + 2) for i in range(start, end - 1))
        else:
            spans.extend([(start, end)] * len(_FOLDED[m.group()]))
    return spans
