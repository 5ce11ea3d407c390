"""What the views read: the archive and the watches of the config in force, and ``ask``, how a
view queries the archive without blocking the event loop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from aiohttp import web
from redis.asyncio import Redis

from newswatch.archive.database import Archive
from newswatch.archive.migrate import upgrade
from newswatch.config import Settings
from newswatch.config.load import Feed, entity_specs
from newswatch.errors import ArchiveError
from newswatch.match import Watchlist
from newswatch.match.model import EntitySpec

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass
class WebState:
    """Shared by every view; the daemon calls ``apply`` when it reloads its config."""

    archive: Archive | None
    """None when the archive is off: there is nothing to show then."""
    watches: Mapping[str, str] = field(default_factory=dict)
    """Watch id -> its query."""
    redis: Redis | None = None
    """Where feed health and dead letters are read (None: those pages say so)."""
    feeds: tuple[Feed, ...] = ()
    watchlist: Watchlist | None = None
    """The config's watches compiled: a story page marks their hits in the full text."""
    entities: Mapping[str, EntitySpec] = field(default_factory=dict)
    """The config's entities, for search queries."""
    migrated: bool = False

    def apply(self, settings: Settings) -> None:
        """Follow a new config (at start and on reload)."""
        self.watches = {watch.id: watch.query for watch in settings.config.watches}
        self.feeds = settings.feeds
        self.watchlist = settings.watchlist
        self.entities = entity_specs(settings.config)

    def run(self, archive: Archive, query: Callable[[Archive], T]) -> T:
        """``query(archive)``, the schema brought up to date first (blocking). A process without
        the worker role may read before any archiver wrote, and so migrated."""
        if not self.migrated:
            upgrade(archive)
            self.migrated = True
        return query(archive)


STATE = web.AppKey("state", WebState)


async def ask(request: web.Request, query: Callable[[Archive], T]) -> T:
    """``query(archive)`` in a thread: 404 when the archive is off, 503 when it cannot be read."""
    state = request.app[STATE]
    if state.archive is None:
        raise web.HTTPNotFound(text="404: the archive is off (archive.enabled)\n")
    try:
        return await asyncio.to_thread(state.run, state.archive, query)
    except ArchiveError as exc:
        log.warning("%s: %s", request.path, exc)
        raise web.HTTPServiceUnavailable(text="503: the archive cannot be read just now\n") from exc
