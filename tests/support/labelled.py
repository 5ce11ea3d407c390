"""A labelled set for story clustering, built from real article texts: the fixture pages and
long entries of the feed corpus are the stories; each gets copies as five other outlets would
publish it (``tests.support.copies``: another template, dateline and URL; a rewritten headline,
a paragraph added or cut, small word edits). Distinct stories include same-topic ones (several
Guardian pieces on one State of the Union address, bioRxiv plant-biology abstracts, one
company's announcements, Apple news from two sites)."""

from __future__ import annotations

import html
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import feedparser

from newswatch.stories.sketch import shingles
from newswatch.story import words
from tests.support.copies import (
    TEMPLATES,
    Copy,
    add_paragraph,
    change_dateline,
    cut_paragraph,
    edit_words,
    page,
    rewrite_headline,
)
from tests.support.paths import PAGES
from tests.support.site import FIXTURES

FEEDS = {
    "rss-parser/test/input/guardian.rss": 8,
    "RSParser/Tests/RSParserTests/Resources/bio.rdf": 8,
    "RSParser/Tests/RSParserTests/Resources/489.rss": 5,
    "RSParser/Tests/RSParserTests/Resources/DaringFireball.rss": 5,
    "RSParser/Tests/RSParserTests/Resources/macworld.rss": 4,
    "rss-parser/test/input/feedburner.atom": 5,
    "miniflux/internal/reader/parser/testdata/large_rss.xml": 5,
    "RSParser/Tests/RSParserTests/Resources/allthis.atom": 4,
    "RSParser/Tests/RSParserTests/Resources/monkeydom.rss": 4,
    "RSParser/Tests/RSParserTests/Resources/rubenerd.rss": 4,
    "rss-parser/test/input/customfields.rss": 4,
    "rss-parser/test/input/content-encoded.rss": 3,
}
"""Feed file -> at most this many of its entries (those long enough)."""
FIXTURE_PAGES = [FIXTURES / "seed.html", FIXTURES / "unrelated-1.html",
                 FIXTURES / "unrelated-2.html", PAGES / "standings.html"]  # fmt: skip
MIN_WORDS = 150
DISTINCT_MAX_JACCARD = 0.2
"""Two entries sharing more of their word triples than this are not taken as distinct stories
(a feed carrying the same post twice)."""
ADDED = (
    "The ministry and the companies involved did not immediately respond to requests for "
    "comment on Friday, and officials said further details would be released next week.",
    "Analysts who follow the sector closely said the announcement had been widely expected "
    "for several months, although the timing surprised some observers in the region.",
    "Earlier this year a similar proposal was shelved after objections from local groups, "
    "who argued that they had not been consulted before the plans were drawn up.",
)
_BLOCK_END = re.compile(r"</(p|div|li|h\d|blockquote|pre|tr)>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Story:
    """A story as its first outlet published it: headline and paragraphs."""

    title: str
    paragraphs: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Page:
    """An article page of the set: the story it tells (index into the stories) and its URL."""

    story: int
    url: str
    html: bytes


def paragraphs(content: str) -> tuple[str, ...]:
    """The paragraphs of an HTML fragment as text."""
    text = html.unescape(_TAG.sub(" ", _BLOCK_END.sub("\n", content)))
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return tuple(line for line in lines if len(line.split()) >= 3)


def feed_stories(corpus: Path) -> Iterator[Story]:
    """Long entries of the chosen feeds."""
    for name, most in FEEDS.items():
        parsed = feedparser.parse((corpus / name).read_bytes())
        taken = 0
        for entry in parsed.entries:
            contents = [c.value for c in entry.get("content", [])] or [entry.get("summary", "")]
            found = paragraphs(max(contents, key=len))
            if taken < most and len(words(" ".join(found))) >= MIN_WORDS:
                taken += 1
                yield Story(str(entry.get("title") or "Untitled"), found, name)


def fixture_stories() -> Iterator[Story]:
    """The fixture pages' articles (their ``<article>`` paragraphs)."""
    for path in FIXTURE_PAGES:
        text = path.read_text(encoding="utf-8")
        title = re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S)
        body = re.search(r"<article[^>]*>(.*?)</article>", text, re.S)
        content = body.group(1) if body else text
        yield Story(html.unescape(_TAG.sub("", title.group(1))) if title else path.stem,
                    paragraphs(content), path.name)  # fmt: skip


def distinct(stories: Iterator[Story]) -> list[Story]:
    """The stories, less any that shares too much text with one before it."""
    kept: list[tuple[Story, set[int]]] = []
    for story in stories:
        mine = set(shingles(" ".join(story.paragraphs)).tolist())
        if all(len(mine & s) / len(mine | s) <= DISTINCT_MAX_JACCARD for _, s in kept):
            kept.append((story, mine))
    return [story for story, _ in kept]


def stories(corpus: Path) -> list[Story]:
    """The set's distinct stories."""
    return distinct(iter([*fixture_stories(), *feed_stories(corpus)]))


def copies(story: Story, rng: random.Random) -> list[Copy]:
    """The story as its first outlet published it, then five other outlets' copies."""
    first = Copy(story.title, story.paragraphs, TEMPLATES[0])
    made = [first]
    for k, template in enumerate(TEMPLATES[1:6], start=1):
        copy = Copy(first.title, first.paragraphs, template)
        copy = change_dateline(copy, f"{rng.choice(['JAKARTA', 'LONDON', 'NEW YORK'])}, "
                                     f"Jan {k + 1} ({template.site}) -")  # fmt: skip
        if k % 2:
            copy = rewrite_headline(copy)
        if k in (2, 4):
            copy = add_paragraph(copy, rng.choice(ADDED))
        if k in (3, 4, 5):
            copy = cut_paragraph(copy)
        made.append(edit_words(copy, rng.randint(3, 12), rng))
    return made


def pages(corpus: Path, seed: int = 15) -> tuple[list[Story], list[Page]]:
    """The stories and every page of the set (first outlets' first, then the copies)."""
    rng = random.Random(seed)
    found = stories(corpus)
    first, later = [], []
    for n, story in enumerate(found):
        for k, copy in enumerate(copies(story, rng)):
            url = f"https://{copy.template.site}/{n}/{k}/{'-'.join(copy.title.split()[:4])}"
            (later if k else first).append(Page(n, url, page(copy)))
    rng.shuffle(later)
    return found, first + later


@dataclass(frozen=True)
class Quality:
    """How a clustering did on the set: copies joined to their story, distinct pairs apart."""

    copies: int
    joined: int
    distinct_pairs: int
    merged_pairs: int

    @property
    def joined_share(self) -> float:
        return self.joined / self.copies

    @property
    def apart_share(self) -> float:
        return 1 - self.merged_pairs / self.distinct_pairs


def quality(pages: list[Page], assigned: list[str]) -> Quality:
    """Score story ids assigned to ``pages`` (in order): a copy is joined when it got its first
    page's story; a pair of pages of different stories is merged when they got the same one."""
    first = {p.story: s for p, s in zip(pages, assigned, strict=True) if p.url.split("/")[4] == "0"}
    later = [(p, s) for p, s in zip(pages, assigned, strict=True) if p.url.split("/")[4] != "0"]
    joined = sum(s == first[p.story] for p, s in later)
    by_story: dict[str, dict[int, int]] = {}
    for p, s in zip(pages, assigned, strict=True):
        by_story.setdefault(s, {}).setdefault(p.story, 0)
        by_story[s][p.story] += 1
    merged = sum(
        a * b
        for counts in by_story.values()
        for i, a in counts.items()
        for j, b in counts.items()
        if i < j
    )
    per_story: dict[int, int] = {}
    for p in pages:
        per_story[p.story] = per_story.get(p.story, 0) + 1
    sizes = list(per_story.values())
    total = (sum(sizes) ** 2 - sum(n * n for n in sizes)) // 2
    return Quality(len(later), joined, total, merged)
