"""Story versions: when is a changed article a material update worth a new alert? (pure)

A version of an article's text is summed up by a fingerprint (a hash of its normalized words),
its word count and a bottom-k sketch (the ``SKETCH_SIZE`` smallest 64-bit hashes of its distinct
words), from which the Jaccard similarity of two versions' word sets is estimated; exactly
when either has at most ``SKETCH_SIZE`` distinct words.

A change is *material* when the word sets' similarity drops below ``MIN_SIMILARITY`` (0.9) or
the length changes by more than ``MAX_LENGTH_CHANGE`` (10 %). Typo fixes, a changed byline or
a timestamp are not; a new paragraph, a rewritten lede or a correction usually are.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SKETCH_SIZE = 128
MIN_SIMILARITY = 0.9
MAX_LENGTH_CHANGE = 0.10
ENTRY_FIELDS = ("link", "title", "summary", "published", "updated", "author")
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The words of ``text``, NFKC-normalized and case-folded."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def _hash64(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "big")


@dataclass(frozen=True)
class TextVersion:
    """One version of an article's text, as much as is needed to compare it with another."""

    fingerprint: str
    length: int
    sketch: tuple[int, ...]

    def encode(self) -> dict[str, str]:
        """The Redis hash fields for this version."""
        return {
            "fp": self.fingerprint,
            "len": str(self.length),
            "sketch": ",".join(format(h, "x") for h in self.sketch),
        }

    @classmethod
    def decode(cls, fields: Mapping[str, str]) -> TextVersion | None:
        """The version stored in ``fields``, or None when there is none."""
        if "fp" not in fields:
            return None
        sketch = tuple(int(h, 16) for h in fields.get("sketch", "").split(",") if h)
        return cls(fields["fp"], int(fields.get("len", "0")), sketch)


def text_version(title: str, text: str) -> TextVersion:
    """The version of an article with this title and body."""
    tokens = words(f"{title}\n{text}")
    fingerprint = hashlib.sha256(" ".join(tokens).encode()).hexdigest()[:32]
    sketch = tuple(sorted(heapq.nsmallest(SKETCH_SIZE, {_hash64(w) for w in set(tokens)})))
    return TextVersion(fingerprint, len(tokens), sketch)


def similarity(a: TextVersion, b: TextVersion) -> float:
    """Estimated Jaccard similarity of the two versions' word sets (bottom-k sketches)."""
    if not a.sketch and not b.sketch:
        return 1.0
    union = heapq.nsmallest(SKETCH_SIZE, set(a.sketch) | set(b.sketch))
    both = set(a.sketch) & set(b.sketch)
    return sum(1 for h in union if h in both) / len(union)


def material_change(old: TextVersion, new: TextVersion) -> bool:
    """True when ``new`` differs enough from ``old`` to be sent as an update."""
    if old.fingerprint == new.fingerprint:
        return False
    base = max(old.length, 1)
    if abs(new.length - old.length) / base > MAX_LENGTH_CHANGE:
        return True
    return similarity(old, new) < MIN_SIMILARITY


def entry_version(entry: Mapping[str, Any]) -> str:
    """A short hash of what a feed entry says about its story (link, title, summary, dates)."""
    fields = {name: entry.get(name) for name in ENTRY_FIELDS}
    raw = json.dumps(fields, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]
