"""Counters for what a run did, printed as the ``run --once`` summary."""

from __future__ import annotations

from dataclasses import dataclass, field

from newswatch.words import count


@dataclass
class Stats:
    """What this process did since it started."""

    feeds_polled: int = 0
    feeds_not_modified: int = 0
    feeds_failed: int = 0
    entries: int = 0
    articles: int = 0
    article_fallbacks: int = 0
    alerts: int = 0
    updates: int = 0
    delivered: int = 0
    delivery_failures: int = 0
    dead_lettered: int = 0
    deferred: int = 0
    digests: int = 0
    retries_waiting: int = 0
    feed_errors: dict[str, str] = field(default_factory=dict)
    """The last error of each feed URL that failed (bounded by the number of feeds)."""

    def summary(self) -> str:
        """A few lines for a person."""
        lines = [
            f"feeds: {self.feeds_polled} polled, {self.feeds_not_modified} not modified, "
            f"{self.feeds_failed} failed",
            f"entries: {self.entries} new; articles: {self.articles} processed "
            f"({self.article_fallbacks} from the feed summary after a fetch/extract failure)",
            f"alerts: {self.alerts} raised ({count(self.updates, 'story update')}); "
            f"deliveries: {self.delivered} delivered, "
            f"{count(self.delivery_failures, 'failed attempt')}, {self.dead_lettered} "
            f"dead-lettered, {self.deferred} deferred to a digest, "
            f"{count(self.digests, 'digest')} gathered",
        ]
        if self.retries_waiting:
            retries = count(self.retries_waiting, "retry", "retries")
            lines.append(f"  queued for a later run: {retries}")
        lines += [f"  feed error: {url}: {error}" for url, error in self.feed_errors.items()]
        return "\n".join(lines)
