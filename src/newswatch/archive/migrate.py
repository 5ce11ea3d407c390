"""Schema migrations (Alembic, the reviewed files in ``migrations/versions``), run at start.

Several processes may start at once: the upgrade runs in one transaction under a lock, a
PostgreSQL advisory lock or SQLite's write lock (BEGIN IMMEDIATE, see ``database``), so the
first one migrates and the others then find the schema at its head and do nothing.
"""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text

from newswatch.archive.database import Archive

MIGRATIONS = Path(__file__).with_name("migrations")
LOCK_KEY = 0x6E77_6172  # "nwar": the advisory lock key of newswatch archive migrations

log = logging.getLogger(__name__)
logging.getLogger("alembic").setLevel(logging.WARNING)  # its progress lines; ours says it once


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head() -> str | None:
    """The newest revision in the migration files."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def current(conn: Connection) -> str | None:
    """The revision the database is at (None when empty)."""
    return MigrationContext.configure(conn).get_current_revision()


def upgrade(archive: Archive) -> None:
    """Migrate the archive to the newest revision, once across concurrent starters."""
    target = head()
    with archive.begin("checking the schema version") as conn:
        if current(conn) == target:
            return
    with archive.begin("migrating the schema") as conn:
        if archive.kind == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        found = current(conn)
        if found == target:
            return
        config = _config()
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        log.info("archive schema migrated from %s to %s", found or "empty", target)
