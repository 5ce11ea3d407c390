"""Plain data in and out of the matcher: watch and entity specs, documents, hits, matches.

``Hit``, ``Snippet`` and ``Match`` are made by the native engine (``engine/results.c``) field by
field, as their generated ``__init__`` would (it does not run): they must stay plain frozen
dataclasses with exactly these fields, in this order, and no ``__post_init__``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Field = Literal["title", "body"]


@dataclass(frozen=True)
class Alias:
    """One name of an entity. ``text`` may end in ``*`` (a prefix for inflected languages)."""

    text: str
    case_sensitive: bool = False


@dataclass(frozen=True)
class EntitySpec:
    """A named entity: its aliases, and whether transliteration variants and case forms
    (``inflections``) are generated."""

    id: str
    aliases: tuple[Alias, ...]
    variants: bool = True
    inflections: bool = True


@dataclass(frozen=True)
class WatchSpec:
    """A watch as the config gives it: an id and a query in the query language;
    ``translate``: every plain word that names a concept is that concept."""

    id: str
    query: str
    translate: bool = False


@dataclass(frozen=True)
class Document:
    """What is matched: an article's title and body, its host and detected language."""

    title: str
    body: str
    site: str = ""
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    """A span of the document that satisfied part of a query (offsets into the original field)."""

    field: Field
    term: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Snippet:
    """Text around the first hits; ``marks`` are (start, end) spans of hits within ``text``."""

    text: str
    marks: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class ConceptHit:
    """A hit that is a form of a concept the watch asked for: ``~peace`` -> ``perdamaian``."""

    concept: str
    field: Field
    term: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Match:
    """A watch that matched a document, with the evidence."""

    watch: str
    hits: tuple[Hit, ...]
    entities: tuple[str, ...] = ()
    snippet: Snippet = field(default_factory=lambda: Snippet(""))
