"""Extracting article text and metadata from pages."""

from newswatch.extract.article import (
    Extracted,
    extract_article,
    extract_article_async,
    plain_article,
)
from newswatch.extract.language import detect_language

__all__ = [
    "Extracted",
    "detect_language",
    "extract_article",
    "extract_article_async",
    "plain_article",
]
