"""A real SMTP server (aiosmtpd) on 127.0.0.1 that records every message it accepts.

The port is chosen once, so a test can ``stop()`` the server (SMTP down), let the code under
test fail, then ``start()`` it again on the same port (SMTP back up).
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from typing import Any

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Envelope:
    """One accepted SMTP transaction: the envelope addresses and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on ``host`` that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class _RecordingHandler:
    def __init__(self, owner: SmtpServer) -> None:
        self._owner = owner

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        data = raw if isinstance(raw, bytes) else str(raw).encode()
        message: EmailMessage = BytesParser(policy=default).parsebytes(data)
        self._owner._record(Envelope(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 OK"


class SmtpServer:
    """aiosmtpd on 127.0.0.1:<port>; ``messages`` and ``envelopes`` grow as mail arrives."""

    def __init__(self, host: str = "127.0.0.1", port: int | None = None) -> None:
        self.host = host
        self.port = port if port is not None else free_port(host)
        self.messages: list[EmailMessage] = []
        self.envelopes: list[Envelope] = []
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> None:
        """Listen on ``host:port`` (again, after a ``stop()``); returns once it answers."""
        if self._controller is not None:
            return
        controller = Controller(_RecordingHandler(self), hostname=self.host, port=self.port)
        controller.start()
        self._controller = controller

    def stop(self) -> None:
        """Stop listening; recorded messages are kept."""
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()

    def clear(self) -> None:
        """Forget recorded messages."""
        with self._lock:
            self.messages.clear()
            self.envelopes.clear()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """Block until ``count`` messages arrived; AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        while len(found := self._snapshot()) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} messages, got {len(found)}")
            time.sleep(0.01)
        return found

    async def wait_for_async(
        self,
        count: int,
        timeout: float = 10.0,  # noqa: ASYNC109 (a polling deadline, as wait_for)
    ) -> list[EmailMessage]:
        """``wait_for`` that lets the event loop run (for senders in the same loop)."""
        deadline = time.monotonic() + timeout
        while len(found := self._snapshot()) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} messages, got {len(found)}")
            await asyncio.sleep(0.01)
        return found

    def __enter__(self) -> SmtpServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _snapshot(self) -> list[EmailMessage]:
        with self._lock:
            return list(self.messages)

    def _record(self, envelope: Envelope) -> None:
        with self._lock:
            self.envelopes.append(envelope)
            self.messages.append(envelope.message)
