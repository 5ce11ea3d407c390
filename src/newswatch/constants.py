"""The Redis schema and the defaults with units, in one place.

Every key newswatch writes starts with ``nw:``. Keys that must live together in a Redis
Cluster share the ``{nw}`` hash tag.
"""

from __future__ import annotations

PREFIX = "nw:{nw}"

# Streams and their consumer groups.
ENTRIES_STREAM = f"{PREFIX}:entries"
ALERTS_STREAM = f"{PREFIX}:alerts"
DEAD_LETTER_STREAM = f"{PREFIX}:dead"
WORKERS_GROUP = "workers"
NOTIFIERS_GROUP = "notifiers"

# Scheduling: sorted set of feed id -> next due (unix ms); one lease key per feed being polled.
DUE_SET = f"{PREFIX}:feeds:due"
LEASE_PREFIX = f"{PREFIX}:feed:lease:"
# Per-feed hash: url, etag, last_modified, body hash, health fields.
FEED_STATE_PREFIX = f"{PREFIX}:feed:state:"
# Per-feed set of entry fingerprints already seen (new-entry detection across restarts).
FEED_SEEN_PREFIX = f"{PREFIX}:feed:seen:"
# Article fetched and extracted once per canonical URL (SET NX marker).
ARTICLE_SEEN_PREFIX = f"{PREFIX}:article:seen:"
# One alert per (watch, story): SET NX marker keyed by alert id.
ALERT_SEEN_PREFIX = f"{PREFIX}:alert:seen:"
# Delivered marker per (alert id, notifier).
DELIVERED_PREFIX = f"{PREFIX}:delivered:"

# Defaults, with their units in the name.
LEASE_MS = 120_000
DISPATCH_TICK_S = 1.0
BLOCK_MS = 1_000
READ_COUNT = 32
SEEN_PER_FEED_MAX = 5_000
ARTICLE_SEEN_TTL_S = 14 * 24 * 3600
ALERT_SEEN_TTL_S = 30 * 24 * 3600
DELIVERED_TTL_S = 7 * 24 * 3600
STREAM_MAXLEN = 100_000
MAX_BODY_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5
ARTICLE_TEXT_MAX_CHARS = 200_000
USER_AGENT = "newswatch/{version} (+https://github.com/newswatch/newswatch)"
