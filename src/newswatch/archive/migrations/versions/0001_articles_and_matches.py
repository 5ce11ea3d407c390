"""Articles, the alerts raised on them (matches) and the full-text presearch index.

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# SQLite: an FTS5 index over articles.terms (external content), kept in sync by triggers.
# 'ascii' splits on ASCII spaces and punctuation only, so each stored token (letters, digits
# and marks, already folded by the matcher's rules) stays one token; detail=none: only which
# articles hold a token is needed, not where.
_SQLITE_FTS = [
    "CREATE VIRTUAL TABLE articles_fts USING fts5(terms, content='articles', "
    "content_rowid='id', detail='none', tokenize='ascii')",
    "CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN "
    "INSERT INTO articles_fts(rowid, terms) VALUES (new.id, new.terms); END",
    "CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, terms) VALUES ('delete', old.id, old.terms); "
    "END",
    "CREATE TRIGGER articles_fts_update AFTER UPDATE OF terms ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, terms) VALUES ('delete', old.id, old.terms); "
    "INSERT INTO articles_fts(rowid, terms) VALUES (new.id, new.terms); END",
]


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("canonical_url", sa.Text(), nullable=False, unique=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("feed", sa.Text(), nullable=False),
        sa.Column("site", sa.Text(), nullable=False),
        sa.Column("language", sa.String(16)),
        sa.Column("author", sa.Text()),
        sa.Column("published", sa.String(64)),
        sa.Column("from_page", sa.Boolean(), nullable=False),
        sa.Column("fingerprint", sa.String(32), nullable=False),
        sa.Column("first_seen", sa.Float(), nullable=False),
        sa.Column("seen_at", sa.Float(), nullable=False),
        sa.Column("last_seen", sa.Float(), nullable=False),
        sa.Column("versions", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.String(64)),
        sa.Column(
            "terms", sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql"), nullable=False
        ),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_articles_seen_at", "articles", ["seen_at"])
    op.create_index("ix_articles_last_seen", "articles", ["last_seen"])
    op.create_index("ix_articles_story_id", "articles", ["story_id"])
    op.create_table(
        "matches",
        sa.Column("alert_id", sa.String(32), primary_key=True),
        sa.Column(
            "article_id", _ID, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("watch", sa.Text(), nullable=False),
        sa.Column("update_of", sa.String(32)),
        sa.Column("detected_at", sa.Float(), nullable=False),
        sa.Column("hits", sa.JSON(), nullable=False),
        sa.Column("snippet", sa.Text(), nullable=False),
        sa.Column("marks", sa.JSON(), nullable=False),
        sa.Column("entities", sa.JSON(), nullable=False),
    )
    op.create_index("ix_matches_article_id", "matches", ["article_id"])
    op.create_index("ix_matches_watch_detected_at", "matches", ["watch", "detected_at"])
    op.create_index("ix_matches_detected_at", "matches", ["detected_at"])
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_articles_terms", "articles", ["terms"], postgresql_using="gin")
    else:
        for statement in _SQLITE_FTS:
            op.execute(statement)
