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
# Articles on their way to the archive database: one record per processed article, written by
# the worker with its story record and read by the archivers, which ack after the commit.
ARCHIVE_STREAM = f"{PREFIX}:archive"
ARCHIVERS_GROUP = "archivers"
NOTIFIERS_GROUP = "notifiers"

# Scheduling: sorted set of feed id -> next due (unix ms); one lease key per feed being polled.
DUE_SET = f"{PREFIX}:feeds:due"
LEASE_PREFIX = f"{PREFIX}:feed:lease:"
# Per-feed hash: url, etag, last_modified, body hash, health fields.
FEED_STATE_PREFIX = f"{PREFIX}:feed:state:"
# Per-feed set of entry fingerprints already seen (new-entry detection across restarts).
FEED_SEEN_PREFIX = f"{PREFIX}:feed:seen:"
# One alert per (watch, story): SET NX marker keyed by alert id.
ALERT_SEEN_PREFIX = f"{PREFIX}:alert:seen:"
# Delivered marker per (alert id, notifier).
DELIVERED_PREFIX = f"{PREFIX}:delivered:"
# Story versions per canonical URL (hash: text fingerprint, sketch, length, entry versions seen).
STORY_PREFIX = f"{PREFIX}:story:"
# Stories (newswatch.stories): the near-duplicate index is cut into STORY_SLICES time slices of
# window/STORY_SLICES each; per slice one hash of band key (8 bytes) -> story id and one of story
# id -> compact signature, both expiring whole once the slice has left the window. Per story a
# hash of its outlets (canonical URL -> JSON), at most STORY_OUTLETS_MAX, read at send time.
STORY_BANDS_PREFIX = f"{PREFIX}:stories:bands:"
STORY_SIGNATURES_PREFIX = f"{PREFIX}:stories:sigs:"
STORY_OUTLETS_PREFIX = f"{PREFIX}:stories:outlets:"
STORY_SLICES = 12
STORY_OUTLETS_MAX = 100
# Retries: sorted set of "<alert id>:<notifier>" by due time (unix ms), their records (hash of
# JSON) and the lease token of the process redelivering one (hash).
RETRY_DUE = f"{PREFIX}:retry:due"
RETRY_RECORDS = f"{PREFIX}:retry:records"
RETRY_LEASES = f"{PREFIX}:retry:leases"
# Digests per notifier: <prefix><notifier>:due (alert id -> not-before ms), :items (alert id ->
# message JSON), :last (unix ms of the last flush, or of the first deferred alert).
DIGEST_PREFIX = f"{PREFIX}:digest:"
# Alert budget per (watch, notifier): sorted set of alert ids by admission time (unix ms).
BUDGET_PREFIX = f"{PREFIX}:budget:"

# Defaults, with their units in the name.
LEASE_MS = 120_000
DISPATCH_TICK_S = 1.0
BLOCK_MS = 1_000
READ_COUNT = 32
REDIS_MAX_CONNECTIONS = 128  # per process; a command waits for a free one when all are in use
REDIS_POOL_WAIT_S = 30.0  # ... for at most this long (then it fails like any Redis error)
ARTICLE_CONCURRENCY = 500
"""Entries a worker process handles at once (``polling.article_concurrency``): most of them wait
for a turn at their host (``host_delay``), so this many lets about this many hosts' articles
progress side by side; extraction itself runs on as many threads as the process has CPUs."""
ARTICLES_READ_AHEAD = 10
"""A worker holds up to this many times ``article_concurrency`` entries: those beyond its host's
share (``ARTICLES_PER_HOST`` x ``per_host``) wait, as plain messages, for a place, so that a
burst of one host's articles does not fill the window and hold up every other host."""
ARTICLES_PER_HOST = 2
TOKEN_FAILURES_MAX = 10
TOKEN_FAILURES_WINDOW_S = 60.0
"""Wrong ``http.token`` attempts one address may make in a window before it waits it out."""
SEEN_PER_FEED_MAX = 5_000
# Dedup state expires, so Redis memory is bounded by (articles per day) x TTL. A story record
# (text version, for updates) lives a week; the alert marker outlives it so that a story seen
# again after its record expired never alerts twice; a delivered marker only has to outlive a
# redelivery after a crash and the default 24 h retry budget.
ALERT_SEEN_TTL_S = 14 * 24 * 3600
DELIVERED_TTL_S = 3 * 24 * 3600
STORY_TTL_S = 7 * 24 * 3600
STORY_ENTRY_VERSIONS_MAX = 20
RETRY_TICK_S = 1.0
ONCE_RETRY_WAIT_S = 60.0  # run --once waits for retries due within this long
DELIVERY_CONCURRENCY = 32  # alerts in flight per notifier process
DIGEST_CHECK_S = 60.0
DEFAULT_DIGEST_CRON = "0 * * * *"  # overflow digest of a notifier without its own schedule (UTC)
DIGEST_MAX_ALERTS = 500
BUDGET_WINDOW_S = 3600
STREAM_RETAIN = 10_000  # acknowledged entries kept per work stream (for `status`)
ARCHIVE_BATCH = 200  # archive records written per database transaction
ARCHIVE_RETRY_S = (1.0, 2.0, 5.0, 10.0, 30.0)  # waits between tries while the database is down
ARCHIVE_FILE = "archive.sqlite3"  # the default archive, in data_dir
ARCHIVE_CONNECT_TIMEOUT_S = 5
ARCHIVE_BUSY_TIMEOUT_MS = 30_000  # how long an SQLite writer waits for another one
HOUSEKEEPING_S = 60.0
OUTAGE_REPEAT_S = 60.0  # while Redis (or the archive) stays down, one log line per this long
MAX_REDIRECTS = 5
ROBOTS_TTL_S = 24 * 3600.0
PARSE_INLINE_MAX_BYTES = 64 * 1024
"""Feed bodies larger than this are parsed in a thread, so a big feed does not stall the loop."""
MOVED_RETRY_FAILURES = 3
"""After this many failures in a row at a remembered (redirected/discovered) feed URL, the
configured URL is tried again."""
ARTICLE_TEXT_MAX_CHARS = 200_000
USER_AGENT = "newswatch/{version} (+https://github.com/newswatch/newswatch)"

# Allocations between two collections of the young generation in the daemon (Python's default
# is 700); see daemon.runner.settle_heap.
GC_YOUNG_THRESHOLD = 20_000
