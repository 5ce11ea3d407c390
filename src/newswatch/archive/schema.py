"""The archive's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

``articles``: one row per story (canonical URL), its latest text and when it was seen.
``matches``: one row per alert raised on an article (an update is an alert of its own, naming
the first in ``update_of``), with the evidence the notifiers were given.

``articles.terms`` is the full-text presearcher's input: the article's distinct tokens as the
matcher folds them (``newswatch.match.normalize``), so that the index finds every article the
matcher could match. On SQLite it is text indexed by the FTS5 table ``articles_fts`` (external
content, kept in sync by triggers); on PostgreSQL a ``tsvector`` built from those tokens as
they are (no parser, no dictionary) under a GIN index. Times are Unix seconds.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import GenericFunction
from sqlalchemy.types import TypeDecorator, TypeEngine

FTS_TABLE = "articles_fts"
TERM_MAX_CHARS = 200
"""Longer tokens are left out of the index (PostgreSQL refuses lexemes over 2 KB); a query
term this long is therefore never required of candidates."""

metadata = MetaData()
Id = BigInteger().with_variant(Integer(), "sqlite")


class TermsValue(GenericFunction[str]):
    """A space-separated token list as the dialect stores it (a tsvector on PostgreSQL)."""

    name = "terms_value"
    inherit_cache = True


@compiles(TermsValue)
def _terms_plain(element: TermsValue, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(TermsValue, "postgresql")
def _terms_tsvector(element: TermsValue, compiler: SQLCompiler, **kw: Any) -> str:
    return f"array_to_tsvector(string_to_array({compiler.process(element.clauses, **kw)}, ' '))"


class Terms(TypeDecorator[str]):
    """The presearcher's token list: text on SQLite, a tsvector on PostgreSQL (write-only)."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Any) -> TypeEngine[Any]:
        chosen: TypeEngine[Any] = TSVECTOR() if dialect.name == "postgresql" else Text()
        descriptor: TypeEngine[Any] = dialect.type_descriptor(chosen)
        return descriptor

    def bind_expression(self, bindvalue: Any) -> ColumnElement[str]:
        return TermsValue(bindvalue)


articles = Table(
    "articles",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("canonical_url", Text, nullable=False, unique=True),
    Column("url", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("feed", Text, nullable=False),
    Column("site", Text, nullable=False),
    Column("language", String(16)),
    Column("author", Text),
    Column("published", String(64)),
    Column("from_page", Boolean, nullable=False),
    Column("fingerprint", String(32), nullable=False),
    Column("first_seen", Float, nullable=False),
    Column("seen_at", Float, nullable=False, index=True),
    Column("last_seen", Float, nullable=False, index=True),
    Column("versions", Integer, nullable=False),
    Column("story_id", String(64), index=True),
    Column("terms", Terms, nullable=False),
    sqlite_autoincrement=True,  # ids are never reused: the FTS index and feed entry ids rely on it
)

matches = Table(
    "matches",
    metadata,
    Column("alert_id", String(32), primary_key=True),
    Column("article_id", Id, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("watch", Text, nullable=False),
    Column("update_of", String(32)),
    Column("detected_at", Float, nullable=False),
    Column("hits", JSON, nullable=False),
    Column("snippet", Text, nullable=False),
    Column("marks", JSON, nullable=False),
    Column("entities", JSON, nullable=False),
    Index("ix_matches_article_id", "article_id"),
    Index("ix_matches_watch_detected_at", "watch", "detected_at"),
    Index("ix_matches_detected_at", "detected_at"),
)

__all__ = ["FTS_TABLE", "TERM_MAX_CHARS", "Terms", "articles", "matches", "metadata"]
