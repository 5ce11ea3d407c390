"""Language detection with lingua's bundled models (tells Indonesian from Malay)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from lingua import LanguageDetectorBuilder

_SAMPLE_CHARS = 4_000
_MIN_CHARS = 20


@lru_cache(maxsize=1)
def _detector() -> Any:
    # Models load lazily per language; preloading all of them costs ~1 GB for nothing.
    return LanguageDetectorBuilder.from_all_languages().build()


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text``'s language, or None when it is too short to tell."""
    sample = text[:_SAMPLE_CHARS]
    if len(sample.strip()) < _MIN_CHARS:
        return None
    language = _detector().detect_language_of(sample)
    if language is None:
        return None
    return str(language.iso_code_639_1.name).lower()
