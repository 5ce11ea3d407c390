"""``newswatch test``: extract one article and show which watches match and why."""

from __future__ import annotations

import asyncio
import re
from dataclasses import asdict
from pathlib import Path
from typing import Any

from newswatch.config import Settings
from newswatch.errors import SourceError
from newswatch.extract import extract_article_async, plain_article
from newswatch.fetch import Fetcher, host_of
from newswatch.match.model import ConceptHit, Document, Match
from newswatch.notify.console import concept_line, mark
from newswatch.words import count

_HI, _RESET = "\033[1;33m", "\033[0m"
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_SOURCES = "give an http(s) URL, an HTML file or a .txt file"


async def load_document(source: str, fetcher: Fetcher) -> tuple[dict[str, Any], Document]:
    """Fetch (URL) or read (FILE) a page, extract it; the article dict and the matcher input.

    A FILE ending in ``.txt`` is plain text: the article body as it is, not extracted.
    """
    if _URL.match(source):  # http(s) is fetched; the fetcher refuses any other scheme
        response = await fetcher.get(source)
        url = response.url
        extracted = await extract_article_async(response.content, url)
    else:
        content, url = await asyncio.to_thread(_read_file, Path(source))
        if Path(source).suffix.lower() == ".txt":
            extracted = plain_article(content.decode("utf-8", errors="replace"))
        else:
            extracted = await extract_article_async(content, url)
    article = {"url": url, **asdict(extracted)}
    site = host_of(url) if url.startswith("http") else ""
    return article, Document(extracted.title or "", extracted.text, site, extracted.language)


def _read_file(path: Path) -> tuple[bytes, str]:
    try:
        return path.read_bytes(), path.absolute().as_uri()
    except FileNotFoundError as exc:
        raise SourceError(str(path), f"no such file ({_SOURCES})") from exc
    except IsADirectoryError as exc:
        raise SourceError(str(path), f"a folder, not a file ({_SOURCES})") from exc
    except OSError as exc:
        raise SourceError(str(path), f"cannot read the file: {exc.strerror or exc}") from exc


Explained = tuple[Match, tuple[ConceptHit, ...]]


def explain(settings: Settings, document: Document) -> list[Explained]:
    """The watches of ``settings`` that match ``document``, each with its concept hits."""
    watchlist = settings.watchlist
    return [(m, watchlist.concept_hits(m)) for m in watchlist.match(document)]


def as_json(article: dict[str, Any], matches: list[Explained]) -> dict[str, Any]:
    """The ``--json`` structure of DESIGN.md."""
    return {
        "article": article,
        "matches": [
            {
                "watch": m.watch,
                "hits": [asdict(h) for h in m.hits],
                "concepts": [asdict(c) for c in concepts],
                "entities": list(m.entities),
                "snippet": m.snippet.text,
            }
            for m, concepts in matches
        ],
    }


def as_text(article: dict[str, Any], matches: list[Explained], color: bool) -> str:
    """A readable report with the hits highlighted."""
    lines = [
        f"{article.get('title') or '(no title)'}",
        f"{article['url']} · language {article.get('language') or '?'} · "
        f"{count(len(article.get('text') or ''), 'character')}",
        "",
    ]
    if not matches:
        lines.append("no watch matches")
    for m, concepts in matches:
        lines += [f"✔ {m.watch}", *match_lines(m, color, concepts), ""]
    return "\n".join(lines)


def match_lines(m: Match, color: bool, concepts: tuple[ConceptHit, ...] = ()) -> list[str]:
    """A match's evidence as ``test`` shows it: hits, the concepts they are forms of,
    entities, the snippet with hits marked."""
    start, end = (_HI, _RESET) if color else ("»", "«")
    terms = ", ".join(f"{h.field}:{h.term}@{h.start}" for h in m.hits)
    lines = [f"  hits: {terms}"]
    if concepts:
        lines.append(f"  concepts: {concept_line(concepts)}")
    if m.entities:
        lines.append(f"  entities: {', '.join(m.entities)}")
    return [*lines, f"  {mark(m.snippet.text, m.snippet.marks, start, end)}"]
