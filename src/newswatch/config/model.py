"""The user's contract: the config file as pydantic models (DESIGN.md, "Config").

Every model forbids unknown keys, so a typo is an error rather than a silently ignored setting.
Durations are stored as float seconds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from newswatch.config.durations import parse_duration
from newswatch.config.listen import parse_listen
from newswatch.config.schedules import (
    check_clock,
    check_cron,
    check_html_template,
    check_template,
    check_timezone,
)
from newswatch.constants import ARTICLE_CONCURRENCY

Seconds = Annotated[float, BeforeValidator(parse_duration)]

MIN_TOKEN_CHARS = 16
"""``http.token`` is at least this long (``openssl rand -hex 32`` makes a good one)."""


class Strict(BaseModel):
    """Base for every config section: frozen, unknown keys rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class RedisConfig(Strict):
    """``redis:``: the server URL, or none for the embedded Redis in ``data_dir``.

    ``visibility_timeout``: how long a message pending with a silent consumer (or a leased
    retry) waits before another process takes it over.
    """

    url: str | None = None
    visibility_timeout: Seconds = 60.0
    cluster: bool = False
    """``url`` is a node of a Redis Cluster (any one: the client finds the others)."""

    @model_validator(mode="after")
    def _cluster_url(self) -> RedisConfig:
        if self.cluster and not self.url:
            raise ValueError("cluster: true needs a url (a node of the cluster)")
        return self


class PollingConfig(Strict):
    """``polling:``: how feeds and pages are fetched."""

    interval: Seconds = 300.0
    min_interval: Seconds = 60.0
    max_interval: Seconds = 6 * 3600.0
    timeout: Seconds = 20.0
    max_concurrency: int = Field(50, ge=1)
    article_concurrency: int = Field(ARTICLE_CONCURRENCY, ge=1)
    """Articles a worker process has in flight at once (waiting for their host's turn, being
    fetched or extracted); each host still gets at most ``per_host`` requests at a time."""
    per_host: int = Field(2, ge=1)
    allow_private_networks: bool = False
    user_agent: str | None = None
    max_body_bytes: int = Field(10 * 1024 * 1024, ge=1024)
    host_delay: Seconds = 1.0
    """Minimum time between the starts of two requests to one host."""
    robots: bool = True
    """Honour robots.txt for article pages (feeds you configure are fetched regardless)."""
    lease: Seconds = 120.0
    """How long a feed being polled stays with its daemon; a dead daemon's feeds fall due after."""

    @model_validator(mode="after")
    def _bounds(self) -> PollingConfig:
        if self.min_interval > self.max_interval:
            raise ValueError("min_interval must not exceed max_interval")
        return self


def check_feed_url(url: str) -> str:
    """A feed URL as the config takes it (in the YAML or in an OPML file): http(s), a host."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"}:
        raise ValueError(f"feed url must start with http:// or https://, got {url!r}")
    if not parts.hostname:
        raise ValueError(f"feed url has no host: {url!r}")
    return url


class FeedEntry(Strict):
    """One item of ``feeds:``: a feed ``url``, or an ``opml`` file listing feeds."""

    url: str | None = None
    opml: Path | None = None
    name: str | None = None
    interval: Seconds | None = None
    fetch_article: bool = True
    article_tables: bool = True
    """Keep the text of tables (results, standings, figures) in the article body."""

    @model_validator(mode="after")
    def _one_source(self) -> FeedEntry:
        if (self.url is None) == (self.opml is None):
            raise ValueError("a feed needs exactly one of 'url' or 'opml'")
        if self.url is not None:
            check_feed_url(self.url)
        return self


class AliasEntry(Strict):
    """An entity alias with options: ``{name: AS, case_sensitive: true}``."""

    name: str = Field(min_length=1)
    case_sensitive: bool = False


class EntityConfig(Strict):
    """``entities.<id>``: the names an entity goes by."""

    names: list[str | AliasEntry] = Field(min_length=1)
    variants: bool = True
    inflections: bool = True


class ConceptConfig(Strict):
    """``concepts.<id>``: forms per language (ISO 639-1 code -> list) added to the shipped
    concept of that id (or making a new one); ``replace: true`` drops the shipped forms."""

    forms: dict[str, list[str]] = Field(min_length=1)
    replace: bool = False


TimeZone = Annotated[str, AfterValidator(check_timezone)]
Template = Annotated[str, AfterValidator(check_template)]
HtmlTemplate = Annotated[str, AfterValidator(check_html_template)]


class QuietHours(Strict):
    """``quiet_hours: {start: "22:00", end: "07:00", timezone: Europe/Berlin}``: alerts wait."""

    start: Annotated[str, AfterValidator(check_clock)]
    end: Annotated[str, AfterValidator(check_clock)]
    timezone: TimeZone = "UTC"


class WatchConfig(Strict):
    """One item of ``watches:``.

    ``max_alerts_per_hour`` caps the alerts a notifier gets from this watch in any 60 minutes;
    alerts over it, and those raised during ``quiet_hours``, go into the notifier's next digest.
    """

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    query: str
    translate: bool = False  # every plain word of the query that names a concept is it
    notify: list[str] = Field(default_factory=list)
    max_alerts_per_hour: int | None = Field(None, ge=1)
    quiet_hours: QuietHours | None = None


class DigestConfig(Strict):
    """``digest: {cron: "0 8 * * *", timezone: Asia/Jakarta}``: gather alerts, send on schedule."""

    cron: Annotated[str, AfterValidator(check_cron)]
    timezone: TimeZone = "UTC"


def _check_listen(listen: str) -> str:
    parse_listen(listen)
    return listen


def _check_token(token: str) -> str:
    if len(token) < MIN_TOKEN_CHARS:
        raise ValueError(
            f"must be at least {MIN_TOKEN_CHARS} characters (`openssl rand -hex 32` makes one)"
        )
    return token


class HttpConfig(Strict):
    """``http:``: where /metrics and /healthz (and the views of ``newswatch.web``) are served.

    ``token``: when set, every route but /healthz needs it (``Authorization: Bearer TOKEN`` or
    ``?token=TOKEN``); write it as ``"${VAR}"`` so it stays out of the file.
    """

    listen: Annotated[str, AfterValidator(_check_listen)] | None = None
    token: Annotated[str, AfterValidator(_check_token)] | None = None


_ARCHIVE_SCHEMES = ("sqlite:///", "postgresql://", "postgresql+psycopg://")


def check_database_url(url: str) -> str:
    """An SQLite or PostgreSQL URL, the databases the archive supports."""
    if not url.startswith(_ARCHIVE_SCHEMES):
        raise ValueError(f"must start with one of {', '.join(_ARCHIVE_SCHEMES)}")
    return url


class ArchiveConfig(Strict):
    """``archive:``: where every processed article is kept, and for how long.

    ``url``: ``postgresql://…`` for an archive shared by roles on several machines; omitted, an
    SQLite file in ``data_dir``. ``keep``: articles not seen for this long are pruned.
    """

    enabled: bool = True
    url: Annotated[str, AfterValidator(check_database_url)] | None = None
    keep: Seconds = Field(30 * 86400.0, gt=0)


class StoriesConfig(Strict):
    """``stories:``: copies of one story from several outlets are recognised as one story.

    ``window``: how long a story stays open for copies to join it. ``threshold``: the estimated
    similarity of the texts (Jaccard of their word triples, 0..1) at which a copy joins a story;
    lower joins more heavily edited copies, at the risk of merging distinct stories that share
    long passages (a report and a follow-up quoting it).
    """

    enabled: bool = True
    window: Seconds = Field(72 * 3600.0, ge=60)
    threshold: float = Field(0.4, gt=0, le=1)


class RetryConfig(Strict):
    """How long a notifier keeps trying an alert before it is dead-lettered."""

    max_attempts: int = Field(8, ge=1)
    max_age: Seconds = 24 * 3600.0
    base_delay: Seconds = 2.0
    max_delay: Seconds = 3600.0


class WebhookNotifier(Strict):
    """``type: webhook``: POST the v1 JSON payload to ``url``."""

    type: Literal["webhook"]
    url: str
    secret: str | None = None
    timeout: Seconds = 10.0
    headers: dict[str, str] = Field(default_factory=dict)
    retry: RetryConfig = RetryConfig()
    digest: DigestConfig | None = None


class SmtpConfig(Strict):
    """The SMTP server an email notifier sends through."""

    host: str
    port: int = 587
    starttls: bool = False
    ssl: bool = False
    username: str | None = None
    password: str | None = None
    timeout: Seconds = 30.0
    ca_file: Path | None = None
    """A CA bundle to verify the server with instead of the system's (a private CA)."""

    @model_validator(mode="after")
    def _one_tls(self) -> SmtpConfig:
        if self.starttls and self.ssl:
            raise ValueError("choose one of 'starttls' (port 587) or 'ssl' (implicit TLS, 465)")
        return self


class EmailTemplates(Strict):
    """Jinja2 templates overriding the default subject, text and HTML (autoescaped) bodies."""

    subject: Template | None = None
    text: Template | None = None
    html: HtmlTemplate | None = None
    digest_subject: Template | None = None
    digest_text: Template | None = None
    digest_html: HtmlTemplate | None = None


class EmailNotifier(Strict):
    """``type: email``: one message per alert."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    type: Literal["email"]
    to: list[str] = Field(min_length=1)
    sender: str = Field(alias="from")
    smtp: SmtpConfig
    retry: RetryConfig = RetryConfig()
    digest: DigestConfig | None = None
    templates: EmailTemplates = EmailTemplates()


class ConsoleNotifier(Strict):
    """``type: console``: print a readable alert to standard output."""

    type: Literal["console"]
    color: bool | None = None
    retry: RetryConfig = RetryConfig()
    digest: DigestConfig | None = None


class AppriseNotifier(Strict):
    """``type: apprise``: any service Apprise knows (needs ``pip install newswatch[apprise]``)."""

    type: Literal["apprise"]
    urls: list[str] = Field(min_length=1)
    retry: RetryConfig = RetryConfig()
    digest: DigestConfig | None = None


Notifier = Annotated[
    WebhookNotifier | EmailNotifier | ConsoleNotifier | AppriseNotifier,
    Field(discriminator="type"),
]


class Config(Strict):
    """The whole config file."""

    redis: RedisConfig = RedisConfig()
    data_dir: Path = Path(".newswatch")
    polling: PollingConfig = PollingConfig()
    feeds: list[FeedEntry] = Field(default_factory=list)
    entities: dict[str, EntityConfig] = Field(default_factory=dict)
    concepts: dict[str, ConceptConfig] = Field(default_factory=dict)
    watches: list[WatchConfig] = Field(default_factory=list)
    notifiers: dict[str, Notifier] = Field(default_factory=dict)
    http: HttpConfig = HttpConfig()
    archive: ArchiveConfig = ArchiveConfig()
    stories: StoriesConfig = StoriesConfig()
