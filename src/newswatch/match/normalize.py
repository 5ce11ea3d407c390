"""Multilingual text normalization shared by queries and documents.

A text is cut into *runs* (maximal sequences of letters, digits and combining marks; apostrophes,
hyphens and every other punctuation or symbol, by Unicode general category, separate runs in
every script). Each run becomes one or more *tokens*:

- runs in scripts written without spaces (Han, Hiragana, Katakana, Bopomofo, Thai, Lao, Khmer,
  Myanmar) become their character bigrams (a lone character stays a unigram);
- any other run is NFKC-normalized, case-folded, stripped of diacritics on Latin, Greek and
  Cyrillic letters (the breve of Cyrillic ``й``/``ў`` is kept) and has letters that do not
  decompose transliterated (``ł→l``, ``ø→o``, ``æ→ae``, ``ß→ss``, ``þ→th``, ``ı→i`` ...).

These functions are the definitions. Queries are tokenized here (``tokens``, fast on
ASCII and cached by chunk); documents by the native engine (``engine/tokenize.c``), which
asks ``char_flags``, ``run_tokens`` and ``char_fold`` about text it has not seen and must
give what ``regex_tokens`` and ``token_spans`` give (tests/unit/match/test_normalize.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from itertools import chain
from operator import add

# Blocks of the scripts written without spaces between words: Thai, Lao, Myanmar, Khmer, CJK
# radicals, Han, Hiragana, Katakana, Bopomofo (written among Han, without spaces).
_NO_SPACE_BLOCKS = (
    (0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF), (0x19E0, 0x19FF), (0xA9E0, 0xA9FF),
    (0xAA60, 0xAA7F), (0x2E80, 0x2FDF), (0x3005, 0x3007), (0x303B, 0x303B), (0x3040, 0x30FF),
    (0x3100, 0x312F), (0x31A0, 0x31BF), (0x31F0, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF), (0xFF66, 0xFF9F), (0x20000, 0x2FA1F), (0x30000, 0x323AF),
)  # fmt: skip
# Modifier letters used as apostrophes (Ukrainian ʼ, Hawaiian ʻ) separate runs like ' does.
_APOSTROPHE_LETTERS = "\u02b9\u02bb\u02bc\u02bd\u02be\u02bf"


def _is_mark(char: str) -> bool:
    return unicodedata.category(char)[0] == "M"


def is_word_char(char: str) -> bool:
    """A letter, digit or combining mark, as written or once NFKC-normalized (the Kangxi
    radical ⽇ is 日); punctuation and symbols (・ ။ ๚ ។ ฿) are not."""
    if char.isalnum() or _is_mark(char):
        return True
    nfkc = unicodedata.normalize("NFKC", char)
    return nfkc != char and len(nfkc) == 1 and is_word_char(nfkc)


def _char_class(code_points: Iterable[int]) -> str:
    """A regex character class body for ``code_points`` (ascending), as ranges."""
    ranges: list[list[int]] = []
    for c in code_points:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])
    return "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


# Every combining mark (Mn, Mc, Me) of the BMP (a BMP-only class compiles to a table).
_MARKS = _char_class(c for c in range(0x0300, 0x10000) if _is_mark(chr(c)))
_NO_SPACE = _char_class(
    c for a, b in _NO_SPACE_BLOCKS for c in range(a, b + 1) if is_word_char(chr(c))
)
_LETTERS = f"[^\\W_{_NO_SPACE}{_APOSTROPHE_LETTERS}]"
# Unrolled (letters+ (marks+ letters*)*): much faster than an alternation tried per character.
_RUN_RE = re.compile(f"{_LETTERS}+(?:[{_MARKS}]+{_LETTERS}*)*|[{_NO_SPACE}]+")
_WORD_RE = re.compile(f"(?:[^\\W_{_APOSTROPHE_LETTERS}]|[{_MARKS}])+")
_NO_SPACE_RE = re.compile(f"[{_NO_SPACE}]")
_MARK_RE = re.compile(f"[{_MARKS}]")

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
    # The Greek iota subscript is a mark that case folding makes a letter (ι); made one either
    # way, folded and case-kept text give the same number of tokens ("ͺ" was one and none).
    s = unicodedata.normalize("NFD", s).replace("\u0345", "\u03b9")
    if _MARK_RE.search(s):
        s = _strip_marks(s)
    s = s.translate(_TRANSLIT)
    return unicodedata.normalize("NFC", _ARABIC_HEBREW_POINTS.sub("", s))


class _CharFold(dict[str, str]):
    """char -> ``fold(char)``, for scripts without spaces (a few thousand distinct chars)."""

    def __init__(self, casefold: bool) -> None:
        super().__init__()
        self.casefold = casefold

    def __missing__(self, char: str) -> str:
        found = self[char] = fold(char, self.casefold)
        return found


_CHAR_FOLD = {True: _CharFold(casefold=True), False: _CharFold(casefold=False)}


def _run_tokens(run: str, casefold: bool) -> tuple[str, ...]:
    if run.isascii():
        return (run.lower(),) if casefold else (run,)
    if is_no_space(run[0]):
        chars = list(map(_CHAR_FOLD[casefold].__getitem__, run))
        if len(chars) == 1:
            return (chars[0],)
        return tuple(map(add, chars, chars[1:]))  # character bigrams
    folded = fold(run, casefold)
    if _WORD_RE.fullmatch(folded):
        return (folded,)
    return tuple(_WORD_RE.findall(folded))  # NFKC split it (e.g. '¼'); rare


def _ascii_table(lower: bool) -> bytes:
    """Byte map: ASCII letters (lowered or not) and digits kept, other ASCII -> space,
    non-ASCII (UTF-8 lead and continuation bytes) kept for the per-chunk pass."""
    table = bytearray(b" " * 128 + bytes(range(128, 256)))
    for c in b"abcdefghijklmnopqrstuvwxyz0123456789":
        table[c] = c
    for c in b"ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        table[c] = c + 32 if lower else c
    return bytes(table)


_LOWER_TABLE = _ascii_table(lower=True)
_CASED_TABLE = _ascii_table(lower=False)


class _ChunkCache(dict[str, tuple[str, ...]]):
    """chunk (text between ASCII separators) -> its tokens, filled on demand, bounded."""

    def __init__(self, casefold: bool, limit: int = 400_000) -> None:
        super().__init__()
        self.casefold = casefold
        self.limit = limit

    def __missing__(self, chunk: str) -> tuple[str, ...]:
        if len(self) >= self.limit:
            self.clear()
        if chunk.isascii():
            toks: tuple[str, ...] = (chunk,)
        else:
            runs = _RUN_RE.findall(chunk)
            toks = tuple(chain.from_iterable(_run_tokens(r, self.casefold) for r in runs))
        self[chunk] = toks
        return toks


_FOLDED = _ChunkCache(casefold=True)
_CASED = _ChunkCache(casefold=False)


def _translate(text: str, table: bytes) -> str:
    """``text`` with ASCII separators as spaces (and letters cased by ``table``), same length."""
    if text.isascii():
        return text.encode("ascii").translate(table).decode("ascii")
    return text.encode("utf-8").translate(table).decode("utf-8")


def _tokenize(text: str, table: bytes, cache: _ChunkCache) -> list[str]:
    # ASCII separators and case are handled by one C-level byte translation; only the chunks
    # left (words, or words glued by non-ASCII punctuation) go through the cache.
    if cache.casefold and text.isascii():
        return _translate(text, table).split()
    get: Callable[[str], tuple[str, ...]] = cache.__getitem__
    return list(chain.from_iterable(map(get, _translate(text, table).split())))


def tokens(text: str) -> list[str]:
    """The normalized (case-folded) tokens of ``text``."""
    return _tokenize(text, _LOWER_TABLE, _FOLDED)


def cased_tokens(text: str) -> list[str]:
    """The tokens of ``text`` normalized like ``tokens`` but keeping their case."""
    return _tokenize(text, _CASED_TABLE, _CASED)


def regex_tokens(text: str, casefold: bool = True) -> list[str]:
    """The definition ``tokens`` implements faster: every run's tokens (used by tests)."""
    return [t for run in _RUN_RE.findall(text) for t in _run_tokens(run, casefold)]


_LETTER_RE = re.compile(_LETTERS)


def char_flags(char: str) -> int:
    """How the run grammar of ``_RUN_RE`` sees a non-ASCII character: 1 a letter (starts or
    continues a run), 2 a combining mark (continues one), 4 a script without spaces (for the
    native tokenizer, which asks once per character)."""
    return (
        (1 if _LETTER_RE.fullmatch(char) else 0)
        | (2 if _MARK_RE.fullmatch(char) else 0)
        | (4 if _NO_SPACE_RE.fullmatch(char) else 0)
    )


def run_tokens(run: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The folded and the case-kept tokens of a run of letters (for the native tokenizer)."""
    return _run_tokens(run, casefold=True), _run_tokens(run, casefold=False)


def char_fold(char: str) -> tuple[str, str]:
    """A character of a script without spaces, folded and case-kept (its bigrams' parts)."""
    return _CHAR_FOLD[True][char], _CHAR_FOLD[False][char]


def token_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets in ``text`` of each token, parallel to ``tokens(text)``: one span
    per run, a run in a script without spaces giving one per bigram."""
    spans: list[tuple[int, int]] = []
    for m in _RUN_RE.finditer(text):
        start, end = m.span()
        if end - start > 1 and is_no_space(text[start]):
            spans.extend((i, i + 2) for i in range(start, end - 1))
        else:
            spans.extend([(start, end)] * len(_run_tokens(m.group(), casefold=True)))
    return spans
