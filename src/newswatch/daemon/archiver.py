"""The archiver: records from the ``archive`` stream into the archive database, in batches.

Part of the worker role. A batch is written in one transaction and acknowledged only after
the commit, so a record is never lost: while the database is down or slow the records wait in
Redis (alerts are not concerned: the worker published them before it appended the record),
and they are written when it answers again. The outage is logged when it begins and ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from newswatch.archive.database import Archive
from newswatch.archive.migrate import upgrade
from newswatch.archive.write import prune, write_records
from newswatch.constants import ARCHIVE_BATCH, ARCHIVE_RETRY_S
from newswatch.daemon.loop import BatchHandler, consume
from newswatch.errors import ArchiveError
from newswatch.observe import metrics
from newswatch.observe.outage import Outage
from newswatch.queue.streams import Consumer, Message

log = logging.getLogger(__name__)


def is_record(payload: dict[str, Any]) -> bool:
    """Whether a stream message looks like an archive record (others are dropped, logged)."""
    if not isinstance(payload.get("canonical_url"), str):
        return False
    if payload.get("kind") == "sighting":
        return isinstance(payload.get("seen_at"), int | float)
    return isinstance(payload.get("article"), dict) and isinstance(payload.get("alerts"), list)


class Archiver:
    """Writes archive records; ``outage`` tells when the database stops and starts answering."""

    def __init__(self, archive: Archive, keep_s: float) -> None:
        self.archive = archive
        self.keep_s = keep_s
        self.migrated = False
        self.outage = Outage("archive database")
        self.failures = 0

    async def run(self, consumer: Consumer, stop: asyncio.Event, *, burst: bool) -> None:
        """Archive what the stream holds until ``stop`` (or, with ``burst``, until it is
        empty; then a database error is raised, the records left pending)."""
        await consume(consumer, self.handler(consumer, stop), stop, burst=burst,
                      count=ARCHIVE_BATCH)  # fmt: skip

    def handler(self, consumer: Consumer, stop: asyncio.Event) -> BatchHandler:
        """The batch handler: write, then acknowledge; on a database error leave it pending."""

        async def run(batch: list[Message], burst: bool) -> bool:
            records = [m.payload for m in batch if is_record(m.payload)]
            if len(records) < len(batch):
                log.error("dropping %d malformed archive records", len(batch) - len(records))
            try:
                await self.write(records)
            except ArchiveError as exc:
                if burst:
                    raise
                self.failures += 1
                delay = ARCHIVE_RETRY_S[min(self.failures, len(ARCHIVE_RETRY_S)) - 1]
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), delay)
                log.debug("archive write failed (%s); %d records wait", exc, len(batch))
                return False
            self.failures = 0
            await consumer.ack_many([m.id for m in batch])
            return True

        return run

    async def drain(self, consumer: Consumer, stop: asyncio.Event) -> None:
        """Archive everything the stream holds (``run --once``); when the database is down
        say so and leave the records in Redis for a later run."""
        try:
            await self.run(consumer, stop, burst=True)
        except ArchiveError as exc:
            pending = await consumer.pending_count()
            log.warning("%s; %d archive records wait in Redis for the next run", exc, pending)

    async def write(self, records: list[dict[str, Any]]) -> None:
        """Write records in a thread (the event loop never waits on the database)."""
        started = time.perf_counter()
        try:
            await asyncio.to_thread(self._write, records)
        except ArchiveError as exc:
            metrics.ARCHIVE_FAILURES.inc()
            self._failed(exc)
            raise
        self._answered()
        metrics.ARCHIVE_WRITE_SECONDS.observe(time.perf_counter() - started)
        metrics.ARCHIVE_RECORDS.inc(len(records))

    def _write(self, records: list[dict[str, Any]]) -> None:
        if not self.migrated:  # at the first write: the daemon starts while the database is down
            upgrade(self.archive)
            self.migrated = True
        write_records(self.archive, records)

    async def prune(self) -> int:
        """Delete what is older than ``archive.keep`` (the housekeeping job calls this)."""
        try:
            removed = await asyncio.to_thread(self._prune, time.time() - self.keep_s)
        except ArchiveError as exc:
            self._failed(exc)
            return 0
        self._answered()
        if removed:
            metrics.ARCHIVE_PRUNED.inc(removed)
            log.info("archive: pruned %d articles not seen for %s s", removed, int(self.keep_s))
        return removed

    def _failed(self, exc: ArchiveError) -> None:
        metrics.ARCHIVE_UP.set(0)
        self.outage.failed(exc)

    def _answered(self) -> None:
        metrics.ARCHIVE_UP.set(1)
        self.outage.answered()

    def _prune(self, before: float) -> int:
        return prune(self.archive, before) if self.migrated else 0
