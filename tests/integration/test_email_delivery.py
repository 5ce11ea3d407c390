"""Email delivery against real aiosmtpd servers: outage and recovery, STARTTLS, implicit TLS
and AUTH with a certificate from a test CA (trustme)."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Iterator
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from newswatch.constants import RETRY_DUE
from newswatch.daemon.runner import run_once
from newswatch.daemon.stats import Stats
from tests.integration.test_delivery import enqueue, make_alert, write_config
from tests.support.smtp import SmtpServer, free_port

USER, PASSWORD = "nw", "s3cret"


def mail(port: int, retry: str, smtp_extra: str = "") -> str:
    return (
        "{type: email, to: [analyst@example.org], from: newswatch@example.org, "
        f"smtp: {{host: 127.0.0.1, port: {port}, timeout: 5s{smtp_extra}}}, retry: {retry}}}"
    )


async def test_smtp_down_then_up_delivers_once_with_text_and_html(
    tmp_path: Path, redis_client: aioredis.Redis, redis_url_clean: str, smtp_server: SmtpServer
) -> None:
    smtp_server.stop()
    retry = "{max_attempts: 50, base_delay: 50ms, max_delay: 200ms}"
    settings = write_config(tmp_path, redis_url_clean, {"mail": mail(smtp_server.port, retry)},
                            notify="[mail]")  # fmt: skip
    await enqueue(redis_client, [make_alert(1, ("mail",))])

    run = asyncio.create_task(run_once(settings, roles=["notifier"]))
    await first_failure(redis_client)
    smtp_server.start()
    stats = await run

    [message] = smtp_server.wait_for(1)
    assert stats.delivered == 1 and stats.delivery_failures >= 1
    assert message["Message-ID"] == "<alert-0001@newswatch>"
    assert message.get_content_type() == "multipart/alternative"
    assert "»Ukraine« talks" in message.get_body(("plain",)).get_content()
    assert "<mark>Ukraine</mark> talks" in message.get_body(("html",)).get_content()
    assert await redis_client.zcard(RETRY_DUE) == 0


async def first_failure(redis: aioredis.Redis) -> None:
    """Return once a retry is queued: the first attempt failed (SMTP is down)."""
    for _ in range(1000):
        if await redis.zcard(RETRY_DUE):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("no retry was queued")


class _Recorder:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.logins: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(BytesParser(policy=default).parsebytes(envelope.original_content))
        self.logins.append(USER if session.authenticated else "")
        return "250 OK"


def _authenticate(
    server: Any, session: Any, envelope: Any, mechanism: str, data: Any
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def server_tls(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> Path:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture
def starttls_server(server_tls: ssl.SSLContext) -> Iterator[tuple[Controller, _Recorder]]:
    recorder = _Recorder()
    controller = Controller(
        recorder, hostname="127.0.0.1", port=free_port(), tls_context=server_tls,
        require_starttls=True, auth_required=True, authenticator=_authenticate,
    )  # fmt: skip
    controller.start()
    yield controller, recorder
    controller.stop()


async def test_starttls_with_authentication(
    tmp_path: Path,
    redis_client: aioredis.Redis,
    redis_url_clean: str,
    starttls_server: tuple[Controller, _Recorder],
    ca_file: Path,
) -> None:
    controller, recorder = starttls_server
    extra = f', starttls: true, username: {USER}, password: {PASSWORD}, ca_file: "{ca_file}"'
    notifier = mail(controller.port, "{max_attempts: 2, base_delay: 10ms}", extra)
    settings = write_config(tmp_path, redis_url_clean, {"mail": notifier}, notify="[mail]")
    await enqueue(redis_client, [make_alert(1, ("mail",))])

    stats = await run_once(settings, roles=["notifier"])

    assert stats.delivered == 1 and recorder.logins == [USER]
    assert recorder.messages[0]["Message-ID"] == "<alert-0001@newswatch>"


@pytest.fixture
def tls_server(server_tls: ssl.SSLContext) -> Iterator[tuple[Controller, _Recorder]]:
    """An SMTP server speaking TLS from the first byte (implicit TLS)."""
    recorder = _Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port(),
                            ssl_context=server_tls)  # fmt: skip
    controller.start()
    yield controller, recorder
    controller.stop()


async def send_one_over_tls(
    tmp_path: Path, redis_client: aioredis.Redis, redis_url: str, port: int, extra: str
) -> Stats:
    """Deliver one alert to a mail notifier with ``ssl: true`` and ``extra`` options."""
    notifier = mail(port, "{max_attempts: 2, base_delay: 10ms}", ", ssl: true" + extra)
    settings = write_config(tmp_path, redis_url, {"mail": notifier}, notify="[mail]")
    await enqueue(redis_client, [make_alert(1, ("mail",))])
    return await run_once(settings, roles=["notifier"])


async def test_implicit_tls(
    tmp_path: Path,
    redis_client: aioredis.Redis,
    redis_url_clean: str,
    tls_server: tuple[Controller, _Recorder],
    ca_file: Path,
) -> None:
    controller, recorder = tls_server
    extra = f', ca_file: "{ca_file}"'
    stats = await send_one_over_tls(tmp_path, redis_client, redis_url_clean, controller.port, extra)
    assert stats.delivered == 1 and len(recorder.messages) == 1


async def test_an_untrusted_certificate_is_refused(
    tmp_path: Path,
    redis_client: aioredis.Redis,
    redis_url_clean: str,
    tls_server: tuple[Controller, _Recorder],
) -> None:
    controller, recorder = tls_server
    stats = await send_one_over_tls(tmp_path, redis_client, redis_url_clean, controller.port, "")
    assert stats.delivered == 0 and stats.dead_lettered == 1 and recorder.messages == []
