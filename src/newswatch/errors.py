"""The newswatch error tree. Third-party errors are translated into these at the module that
talks to the library (httpx in fetch/, redis in queue/, feedparser in feeds/, trafilatura in
extract/), so callers only ever see this tree::

    NewswatchError
    ├── ConfigError            a config file is invalid (carries every problem found)
    │   └── QueryError         a watch query cannot be compiled (watch id, column, expected)
    ├── SourceError            fetching or reading a feed or an article failed
    │   ├── FetchError         the HTTP exchange failed
    │   │   ├── FetchTimeout   connect/read/total time limit hit
    │   │   ├── HTTPStatusError  non-success status (carries status, retry_after)
    │   │   ├── BodyTooLarge   body exceeded the size limit (after decompression)
    │   │   └── BlockedURL     URL refused: scheme, private address, redirect loop
    │   ├── FeedParseError     the body is not a feed
    │   └── ExtractError       no article text could be extracted from a page
    ├── QueueError             Redis is unreachable or a command failed
    │   ├── QueueUnavailable   Redis cannot be reached (also a ServiceUnavailable)
    │   └── EmbeddedRedisError the embedded Redis could not be started
    ├── ArchiveError           the archive database is unreachable or a statement failed
    └── DeliveryError          a notifier could not deliver an alert
        ├── TransientDeliveryError  worth retrying (network, 408, 429, 5xx); carries retry_after
        └── PermanentDeliveryError  not worth retrying (other 4xx, bad address)

``ServiceUnavailable`` marks the errors of an outage of a service the daemon depends on
(Redis, the archive's database): expected, told once by the service's tracker
(``observe.outage``), never with a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class NewswatchError(Exception):
    """Root of every error newswatch raises on purpose."""


@dataclass(frozen=True)
class ConfigProblem:
    """One problem in a config file, located as precisely as the file allows."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class ConfigError(NewswatchError):
    """Raised when a config file cannot be loaded; carries every problem found."""

    def __init__(self, problems: list[ConfigProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class QueryError(NewswatchError):
    """Raised when a watch query cannot be compiled; ``column`` is 1-based within the query."""

    def __init__(self, watch: str, column: int, message: str) -> None:
        self.watch = watch
        self.column = column
        self.message = message
        super().__init__(f"watch {watch!r}, column {column}: {message}")


class SourceError(NewswatchError):
    """Raised when a feed or an article cannot be fetched, parsed or extracted."""

    def __init__(self, url: str, message: str) -> None:
        self.url = url
        self.message = message
        super().__init__(f"{url}: {message}")


class FetchError(SourceError):
    """Raised when the HTTP exchange for a URL fails (network error, protocol error)."""


class FetchTimeout(FetchError):
    """Raised when a connect, read or total time limit is exceeded."""


class HTTPStatusError(FetchError):
    """Raised for a non-success HTTP status; ``retry_after`` in seconds when the server sent one."""

    def __init__(self, url: str, status: int, retry_after: float | None = None) -> None:
        self.status = status
        self.retry_after = retry_after
        super().__init__(url, f"HTTP {status}")


class BodyTooLarge(FetchError):
    """Raised when a body exceeds the size limit, counted after decompression."""


class BlockedURL(FetchError):
    """Raised when a URL is refused: not http(s), a non-public address, or a redirect loop."""


class FeedParseError(SourceError):
    """Raised when a response body is not a feed feedparser can read."""


class ExtractError(SourceError):
    """Raised when no article text can be extracted from a page."""


class QueueError(NewswatchError):
    """Raised when Redis is unreachable or a command fails."""


class ServiceUnavailable(NewswatchError):
    """Raised when a service the daemon depends on cannot be reached (an outage, not a bug)."""


class QueueUnavailable(QueueError, ServiceUnavailable):
    """Raised when Redis cannot be reached: connection refused or lost, timeout, loading."""


class EmbeddedRedisError(QueueError):
    """Raised when the embedded Redis cannot be started (no server binary, bad data dir)."""


class ArchiveError(NewswatchError):
    """Raised when the archive database cannot be reached, migrated, read or written."""


class DeliveryError(NewswatchError):
    """Raised when a notifier cannot deliver an alert."""


class TransientDeliveryError(DeliveryError):
    """Raised for failures worth retrying; ``retry_after`` in seconds when the receiver said."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message)


class PermanentDeliveryError(DeliveryError):
    """Raised for failures that retrying cannot fix (4xx other than 408/429, bad address)."""
