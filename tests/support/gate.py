"""Databases that can be taken down and brought back, for archive outage tests.

PostgreSQL is reached through a TCP relay on 127.0.0.1 that refuses connections (and cuts
open ones) while closed. An SQLite file lives in a folder that a plain file stands in for
while closed, so that the database cannot be opened.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import threading
from pathlib import Path

from sqlalchemy.engine import make_url


class Relay:
    """Forwards TCP connections from a local port to ``target`` while open."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self._listener: socket.socket | None = None
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()

    def open(self) -> None:
        """Accept and relay connections."""
        if self._listener is not None:
            return
        listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def close(self) -> None:
        """Refuse new connections and cut the open ones."""
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        with self._lock:
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pipe, args=(a, b), daemon=True).start()


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            sink.sendall(data)
    with contextlib.suppress(OSError):
        sink.shutdown(socket.SHUT_WR)


class Gate:
    """An archive URL that ``close()`` makes unreachable and ``open()`` reachable again."""

    def __init__(self, archive_url: str, tmp: Path) -> None:
        parsed = make_url(archive_url)
        self._relay: Relay | None = None
        self._folder: Path | None = None
        if parsed.get_backend_name() == "sqlite":
            self._folder = tmp / "gated"
            self.url = f"sqlite:///{self._folder / 'archive.sqlite3'}"
        else:
            self._relay = Relay((parsed.host or "127.0.0.1", parsed.port or 5432))
            self.url = parsed.set(host="127.0.0.1", port=self._relay.port).render_as_string(
                hide_password=False
            )

    def close(self) -> None:
        """Make the database unreachable."""
        if self._relay is not None:
            self._relay.close()
        elif self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder.write_text("not a folder")

    def open(self) -> None:
        """Make it reachable again."""
        if self._relay is not None:
            self._relay.open()
        elif self._folder is not None:
            if self._folder.is_file():
                self._folder.unlink()
            self._folder.mkdir(exist_ok=True)
