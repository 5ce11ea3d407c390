"""One fixture per real service: Redis, HTTP servers, SMTP, the archive's databases.

Redis is the server named by ``NEWSWATCH_TEST_REDIS_URL`` (e.g. ``redis://127.0.0.1:6379/9``;
tests FLUSHDB that database) or else an embedded redis-server started once per session. When
neither is available, Redis tests are skipped locally and fail in CI (``CI`` set).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator

import pytest
import redis
import redis.asyncio as aioredis

from newswatch.archive.database import Archive, open_archive
from newswatch.errors import EmbeddedRedisError
from newswatch.queue.embedded import EmbeddedRedis
from tests.support.archive import empty_postgres
from tests.support.http import Server
from tests.support.redis_cluster import RedisCluster, cluster_binaries
from tests.support.smtp import SmtpServer

REDIS_URL_ENV = "NEWSWATCH_TEST_REDIS_URL"


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a real Redis for the whole session (external if configured, else embedded)."""
    external = os.environ.get(REDIS_URL_ENV)
    if external:
        yield external
        return
    server = EmbeddedRedis(tmp_path_factory.mktemp("redis"))
    try:
        server.start()
    except EmbeddedRedisError as exc:
        message = f"no Redis for tests: set {REDIS_URL_ENV} or install redis-server ({exc})"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield f"unix://{server.socket}"
    finally:
        server.stop()


@pytest.fixture(scope="session")
def redis_cluster_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisCluster]:
    """A real Redis Cluster (three masters on loopback ports), once per session when needed."""
    if cluster_binaries() is None:
        message = "no Redis Cluster for tests: redis-server and redis-cli are needed on PATH"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    cluster = RedisCluster(tmp_path_factory.mktemp("redis-cluster"))
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def redis_cluster(redis_cluster_session: RedisCluster) -> RedisCluster:
    """``redis_cluster_session`` with every node emptied."""
    redis_cluster_session.flush()
    return redis_cluster_session


@pytest.fixture
def redis_url_clean(redis_url: str) -> str:
    """``redis_url`` after FLUSHDB of its database."""
    client = redis.Redis.from_url(redis_url)
    try:
        client.flushdb()
    finally:
        client.close()
    return redis_url


@pytest.fixture
async def redis_client(redis_url_clean: str) -> AsyncIterator[aioredis.Redis]:
    """An asyncio client (``decode_responses=True``) on a flushed database; closed after."""
    client = aioredis.Redis.from_url(redis_url_clean, decode_responses=True)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
def make_http_server() -> Iterator[Callable[..., Server]]:
    """A factory of HTTP servers, for tests needing several (``host``: another loopback address,
    another host to the fetcher's politeness); all are closed at teardown."""
    servers: list[Server] = []

    def make(host: str = "127.0.0.1") -> Server:
        try:
            server = Server(host)
        except OSError as exc:
            pytest.skip(f"cannot listen on {host}: {exc}")
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()


@pytest.fixture
def http_server(make_http_server: Callable[..., Server]) -> Server:
    """A real HTTP server on 127.0.0.1 (``.url``); routes are set with ``.route(path, ...)``."""
    return make_http_server()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A running SMTP server on 127.0.0.1 (``.host``, ``.port``) that records messages."""
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


POSTGRES_URL_ENV = "NEWSWATCH_TEST_POSTGRES_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
def archive_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """An empty archive database: an SQLite file, or the PostgreSQL database named by
    ``NEWSWATCH_TEST_POSTGRES_URL`` emptied (skipped locally without it, failing in CI)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('archive') / 'archive.sqlite3'}"
    url = os.environ.get(POSTGRES_URL_ENV)
    if not url:
        message = (
            f"no PostgreSQL for the archive tests: set {POSTGRES_URL_ENV} "
            "(e.g. postgresql://postgres@127.0.0.1:5432/nw_test, a database they may empty)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    empty_postgres(url)
    return url


@pytest.fixture
def archive(archive_url: str) -> Iterator[Archive]:
    """The archive at ``archive_url``, migrated; closed after."""
    opened = open_archive(archive_url)
    try:
        yield opened
    finally:
        opened.close()
