"""A real redis-server subprocess on a loopback port, with AOF, that tests can stop and restart."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import redis

from newswatch.queue.embedded import find_server_binary
from tests.support.smtp import free_port


class RedisServer:
    """``redis-server`` on 127.0.0.1 with its AOF in ``data``; the port survives restarts."""

    def __init__(self, data: Path, password: str | None = None) -> None:
        self.data = data
        self.port = free_port()
        self.password = password
        self.process: subprocess.Popen[bytes] | None = None
        data.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        """The URL clients use (with the password, when there is one)."""
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}/0"

    def start(self, timeout_s: float = 10.0) -> None:
        """Start the server and wait until it answers PING."""
        args = [find_server_binary(), "--port", str(self.port), "--bind", "127.0.0.1",
                "--dir", str(self.data), "--appendonly", "yes", "--appendfsync", "always",
                "--save", ""]  # fmt: skip
        if self.password:
            args += ["--requirepass", self.password]
        self.process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._answers():
                return
            time.sleep(0.05)
        raise AssertionError(f"redis-server on port {self.port} did not start")

    def stop(self) -> None:
        """Stop the server (SIGTERM: the AOF is flushed)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def _answers(self) -> bool:
        client = redis.Redis.from_url(self.url)
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return False
        finally:
            client.close()
