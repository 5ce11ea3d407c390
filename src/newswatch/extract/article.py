"""Article extraction with trafilatura, once per page, with a typed outcome."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import trafilatura

from newswatch.constants import ARTICLE_TEXT_MAX_CHARS
from newswatch.errors import ExtractError
from newswatch.extract.language import detect_language


@dataclass(frozen=True)
class Extracted:
    """What trafilatura found in a page, plus the detected language of the text."""

    text: str
    title: str | None
    author: str | None
    published: str | None
    language: str | None


def extract_article(html: bytes | str, url: str, tables: bool = True) -> Extracted:
    """Extract the main text and metadata of a page; raises ExtractError when there is none.

    With ``tables`` the text of the article's tables (results, standings, figures) is part of
    the body, as a reader sees it; without, tables are left out."""
    try:
        document: Any = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=tables
        )
    except Exception as exc:  # trafilatura/lxml raise a wide variety on hostile markup
        raise ExtractError(url, f"extraction failed: {type(exc).__name__}: {exc}") from exc
    text = (getattr(document, "text", None) or "").strip() if document is not None else ""
    if not text:
        raise ExtractError(url, "no article text found in the page")
    text = text[:ARTICLE_TEXT_MAX_CHARS]
    return Extracted(
        text=text,
        title=getattr(document, "title", None) or None,
        author=getattr(document, "author", None) or None,
        published=_iso_date(getattr(document, "date", None)),
        language=detect_language(text),
    )


def plain_article(text: str) -> Extracted:
    """A plain-text article: the text is the body as it is (no title, author or date)."""
    body = text.strip()[:ARTICLE_TEXT_MAX_CHARS]
    return Extracted(text=body, title=None, author=None, published=None,
                     language=detect_language(body))  # fmt: skip


def usable_cpus() -> int:
    """How many CPUs this process may run on (its affinity mask, where the system has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


@lru_cache(maxsize=1)
def _pool() -> ThreadPoolExecutor:
    # Its own pool, as many threads as usable CPUs: many articles in flight never mean more
    # extractions at once than the process has CPUs for, nor a wait behind other thread work.
    return ThreadPoolExecutor(usable_cpus(), thread_name_prefix="extract")


async def extract_article_async(html: bytes | str, url: str, tables: bool = True) -> Extracted:
    """``extract_article`` off the event loop (it is CPU-bound), in a pool as large as the
    number of CPUs the process may use; the others wait their turn."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_pool(), extract_article, html, url, tables)


def _iso_date(value: str | None) -> str | None:
    """trafilatura gives ``YYYY-MM-DD``; the payload wants RFC 3339 UTC."""
    if not value:
        return None
    return f"{value}T00:00:00Z" if len(value) == 10 else value
