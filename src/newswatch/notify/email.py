"""Email notifier: one multipart (text + HTML) message per alert or digest over SMTP.

The Message-ID derives from the alert (or digest) id, so a resent alert is recognisably the same
message; an update carries In-Reply-To/References naming the story's first alert, so mail
clients thread it under that one. smtplib runs in a thread: one connection per message is
plenty for alert volumes, and it keeps STARTTLS, implicit TLS and AUTH in the standard library.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate

from newswatch.alerts import Alert, Digest
from newswatch.config.model import EmailNotifier as EmailConfig
from newswatch.config.model import SmtpConfig
from newswatch.errors import PermanentDeliveryError, TransientDeliveryError
from newswatch.notify.templates import Rendered, Templates


def message_id(delivery_id: str) -> str:
    """A Message-ID that is stable for an alert or digest id."""
    return f"<{delivery_id}@newswatch>"


def compose(
    delivery: Alert | Digest, sender: str, to: list[str], templates: Templates | None = None
) -> EmailMessage:
    """The message: plain text and HTML alternatives, hits highlighted in the HTML."""
    templates = templates or Templates()
    if isinstance(delivery, Alert):
        rendered = templates.alert(delivery)
    else:
        rendered = templates.digest(delivery)
    msg = _message(rendered, sender, to, message_id(delivery.id))
    if isinstance(delivery, Alert) and delivery.update_of:
        msg["In-Reply-To"] = message_id(delivery.update_of)
        msg["References"] = message_id(delivery.update_of)
    return msg


def _message(rendered: Rendered, sender: str, to: list[str], msg_id: str) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = rendered.subject
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = msg_id
    msg.set_content(rendered.text)
    msg.add_alternative(rendered.html, subtype="html")
    return msg


def tls_context(smtp: SmtpConfig) -> ssl.SSLContext:
    """Certificate-verifying TLS, with the configured CA bundle when there is one."""
    cafile = str(smtp.ca_file) if smtp.ca_file is not None else None
    return ssl.create_default_context(cafile=cafile)


class EmailNotifier:
    """Sends through the configured SMTP server (STARTTLS, implicit TLS, authentication)."""

    def __init__(self, name: str, config: EmailConfig) -> None:
        self.name = name
        self.config = config
        self.templates = Templates(config.templates.model_dump())

    async def send(self, alert: Alert) -> None:
        """Send the alert's message; SMTP 4xx and network errors are transient, 5xx permanent."""
        await self._send(compose(alert, self.config.sender, self.config.to, self.templates))

    async def send_digest(self, digest: Digest) -> None:
        """Send one message listing the digest's alerts."""
        await self._send(compose(digest, self.config.sender, self.config.to, self.templates))

    async def _send(self, message: EmailMessage) -> None:
        await asyncio.to_thread(self._deliver, message)

    def _deliver(self, message: EmailMessage) -> None:
        smtp = self.config.smtp
        try:
            with self._connect() as client:
                if smtp.starttls:
                    client.starttls(context=tls_context(smtp))
                if smtp.username:
                    client.login(smtp.username, smtp.password or "")
                client.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentDeliveryError(
                f"SMTP {smtp.host}: recipients refused: {exc.recipients}"
            ) from exc
        except smtplib.SMTPResponseException as exc:
            error = f"SMTP {smtp.host}: {exc.smtp_code} {exc.smtp_error!r}"
            if 400 <= exc.smtp_code < 500:
                raise TransientDeliveryError(error) from exc
            raise PermanentDeliveryError(error) from exc
        except ssl.SSLCertVerificationError as exc:
            raise PermanentDeliveryError(f"SMTP {smtp.host}: TLS certificate: {exc}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TransientDeliveryError(f"SMTP {smtp.host}: {type(exc).__name__}: {exc}") from exc

    def _connect(self) -> smtplib.SMTP:
        smtp = self.config.smtp
        if smtp.ssl:
            return smtplib.SMTP_SSL(
                smtp.host, smtp.port, timeout=smtp.timeout, context=tls_context(smtp)
            )
        return smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)

    async def aclose(self) -> None:
        """Connections are per message; nothing to release."""
