"""Prometheus metrics, on one registry of newswatch's own.

Counters and histograms are updated where the work happens; stream gauges are read from Redis
when /metrics is scraped (see ``refresh_stream_gauges``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from newswatch.errors import (
    BlockedURL,
    BodyTooLarge,
    FeedParseError,
    FetchTimeout,
    HTTPStatusError,
    NewswatchError,
)

REGISTRY = CollectorRegistry(auto_describe=True)
_LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60)

FEED_POLLS = Counter(
    "newswatch_feed_polls", "Feed polls by outcome (ok, not_modified, failed).", ["outcome"],
    registry=REGISTRY,
)  # fmt: skip
FEED_FAILURES = Counter(
    "newswatch_feed_failures", "Failed feed polls by reason.", ["reason"], registry=REGISTRY
)
POLLS_OK, POLLS_NOT_MODIFIED, POLLS_FAILED = (
    FEED_POLLS.labels(o) for o in ("ok", "not_modified", "failed")
)
"""The outcomes bound once: a poll counts itself without a label lookup."""
ENTRIES = Counter("newswatch_entries", "New feed entries published.", registry=REGISTRY)
ARTICLES = Counter(
    "newswatch_articles", "Articles processed, by text source (page, summary).", ["source"],
    registry=REGISTRY,
)  # fmt: skip
ALERTS = Counter("newswatch_alerts", "Alerts raised, by watch.", ["watch"], registry=REGISTRY)
DELIVERIES = Counter(
    "newswatch_deliveries", "Delivery attempts by notifier and outcome (delivered, retry, dead).",
    ["notifier", "outcome"], registry=REGISTRY,
)  # fmt: skip
POLL_SECONDS = Histogram(
    "newswatch_poll_seconds", "Time to fetch and process one feed.", buckets=_LATENCY_BUCKETS,
    registry=REGISTRY,
)  # fmt: skip
EXTRACT_SECONDS = Histogram(
    "newswatch_extract_seconds", "Time to extract one article page.", buckets=_LATENCY_BUCKETS,
    registry=REGISTRY,
)  # fmt: skip
STREAM_LENGTH = Gauge(
    "newswatch_stream_length", "Entries in a stream.", ["stream"], registry=REGISTRY
)
STREAM_PENDING = Gauge(
    "newswatch_stream_pending", "Delivered to a consumer, not yet acknowledged.", ["stream"],
    registry=REGISTRY,
)  # fmt: skip
STREAM_LAG = Gauge(
    "newswatch_stream_lag", "Entries not yet delivered to the consumer group.", ["stream"],
    registry=REGISTRY,
)  # fmt: skip
STREAM_CONSUMERS = Gauge(
    "newswatch_stream_consumers", "Consumers in the stream's group.", ["stream"], registry=REGISTRY
)
ARCHIVE_RECORDS = Counter(
    "newswatch_archive_records", "Archive records written to the database.", registry=REGISTRY
)
ARCHIVE_FAILURES = Counter(
    "newswatch_archive_failures", "Archive batches that could not be written (left in Redis).",
    registry=REGISTRY,
)  # fmt: skip
ARCHIVE_PRUNED = Counter(
    "newswatch_archive_pruned", "Articles deleted from the archive by retention.",
    registry=REGISTRY,
)  # fmt: skip
ARCHIVE_WRITE_SECONDS = Histogram(
    "newswatch_archive_write_seconds", "Time to write one batch of archive records.",
    buckets=_LATENCY_BUCKETS, registry=REGISTRY,
)  # fmt: skip
ARCHIVE_UP = Gauge(
    "newswatch_archive_up", "1 when the archive database answered the last call, else 0.",
    registry=REGISTRY,
)  # fmt: skip
LAST_TICK = Gauge(
    "newswatch_scheduler_last_tick_seconds", "Unix time of the poller's last dispatch tick.",
    registry=REGISTRY,
)  # fmt: skip


@dataclass
class Heartbeat:
    """When the poller's clock last ticked (unix seconds); /healthz checks it is recent."""

    last: float = 0.0

    def beat(self) -> None:
        """Record a tick now."""
        self.last = time.time()
        LAST_TICK.set(self.last)


def failure_reason(exc: NewswatchError) -> str:
    """A short, bounded label for why a fetch failed."""
    if isinstance(exc, FetchTimeout):
        return "timeout"
    if isinstance(exc, HTTPStatusError):
        return f"http_{exc.status // 100}xx"
    if isinstance(exc, FeedParseError):
        return "parse"
    if isinstance(exc, BlockedURL):
        return "blocked"
    if isinstance(exc, BodyTooLarge):
        return "too_large"
    return "network"
