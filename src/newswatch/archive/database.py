"""The archive's database: its URL, the engine (SQLite with WAL, or PostgreSQL through
psycopg 3), its migrations run at open, and the translation of driver errors."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from newswatch.config.model import ArchiveConfig
from newswatch.constants import (
    ARCHIVE_BUSY_TIMEOUT_MS,
    ARCHIVE_CONNECT_TIMEOUT_S,
    ARCHIVE_FILE,
)
from newswatch.errors import ArchiveError

log = logging.getLogger(__name__)


def database_url(config: ArchiveConfig, data_dir: Path) -> str:
    """``archive.url``, or the SQLite file in ``data_dir``."""
    return config.url or f"sqlite:///{data_dir / ARCHIVE_FILE}"


@contextmanager
def translated(what: str) -> Iterator[None]:
    """Turn database and driver errors into ArchiveError, saying what was being done."""
    try:
        yield
    except SQLAlchemyError as exc:
        raise ArchiveError(f"archive: {what}: {_first_line(exc)}") from exc
    except OSError as exc:
        raise ArchiveError(f"archive: {what}: {exc}") from exc


def _first_line(exc: SQLAlchemyError) -> str:
    cause = getattr(exc, "orig", None) or exc
    return str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__


@dataclass
class Archive:
    """An open archive: the engine and which database it is (``sqlite`` or ``postgresql``)."""

    engine: Engine

    @property
    def kind(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def begin(self, what: str) -> Iterator[Connection]:
        """A connection in a transaction, committed on exit; errors become ArchiveError."""
        with translated(what), self.engine.begin() as conn:
            yield conn

    def close(self) -> None:
        """Close the pooled connections."""
        self.engine.dispose()


def create(url: str) -> Engine:
    """An engine for ``url`` (not connected yet); ``postgresql://`` means psycopg 3."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        return _sqlite(url)
    return create_engine(
        parsed, pool_pre_ping=True, connect_args={"connect_timeout": ARCHIVE_CONNECT_TIMEOUT_S}
    )


def _sqlite(url: str) -> Engine:
    """SQLite in WAL mode (readers never wait for the writer); every transaction starts with
    BEGIN IMMEDIATE, so that two writers queue for the lock (busy timeout) instead of failing
    when one upgrades a read lock (the recipe of SQLAlchemy's SQLite notes)."""
    database = make_url(url).database
    if database and database != ":memory:":
        with contextlib.suppress(OSError):  # then opening the file fails, saying why
            Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": ARCHIVE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # transactions are begun below, not by pysqlite
        cursor = dbapi_connection.cursor()
        _write_ahead_log(cursor)
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={ARCHIVE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _write_ahead_log(cursor: Any) -> None:
    """Put the file in WAL mode (it stays so). The switch takes an exclusive lock, and SQLite
    answers "database is locked" at once, without its busy handler, while another connection
    has the file open, as when several processes create the archive together: the switch is
    retried until the busy timeout, and skipped once the file is in WAL mode."""
    deadline = time.monotonic() + ARCHIVE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def open_archive(url: str) -> Archive:
    """Open the archive at ``url`` and bring its schema up to date; raises ArchiveError."""
    from newswatch.archive.migrate import upgrade  # alembic is imported only when opening

    archive = Archive(create(url))
    try:
        upgrade(archive)
    except BaseException:
        archive.close()
        raise
    return archive
