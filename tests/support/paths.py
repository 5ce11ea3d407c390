"""Where the tests find their data: the repository, and in the project's shared folder beside
the checkout the seed story (``NEWSWATCH_SEED_DIR`` points elsewhere) and the feed corpus
(``NEWSWATCH_FEED_CORPUS`` points elsewhere). A test that needs them gets them from
``seed_file``/``seed_text``/``feed_corpus``, which skip that test, saying where they were looked
for, in a checkout without them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PAGES = REPO / "tests" / "fixtures" / "pages"
"""Article pages of other sites than the seed site (``standings.html``: tables)."""
SEED_DIR = Path(os.environ.get("NEWSWATCH_SEED_DIR") or REPO.parent / "shared" / "seed")
SEED_FILE = SEED_DIR / "000_ab3a7f44538729f2.txt"
FEED_CORPUS = Path(
    os.environ.get("NEWSWATCH_FEED_CORPUS") or REPO.parent / "shared" / "corpora" / "feeds"
)


def seed_file() -> Path:
    """The seed story's file; skips the calling test when it is not there."""
    if not SEED_FILE.is_file():
        pytest.skip(
            f"seed story not found at {SEED_FILE}: put the project's shared folder beside "
            "the checkout, or set NEWSWATCH_SEED_DIR"
        )
    return SEED_FILE


def seed_text() -> str:
    """The seed story's text; skips the calling test when it is not there."""
    return seed_file().read_text(encoding="utf-8")


def feed_corpus() -> Path:
    """The feed corpus's folder; skips the calling test when it is not there."""
    if not FEED_CORPUS.is_dir():
        pytest.skip(
            f"feed corpus not found at {FEED_CORPUS}: put the project's shared folder beside "
            "the checkout, or set NEWSWATCH_FEED_CORPUS"
        )
    return FEED_CORPUS
