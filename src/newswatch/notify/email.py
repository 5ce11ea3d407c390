"""Email notifier: one multipart (text + HTML) message per alert over SMTP.

The Message-ID derives from the alert id, so a resent alert is recognisably the same message.
"""

from __future__ import annotations

import asyncio
import html
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate

from newswatch.alerts import Alert
from newswatch.config.model import EmailNotifier as EmailConfig
from newswatch.errors import PermanentDeliveryError, TransientDeliveryError
from newswatch.notify.console import mark


def message_id(alert: Alert) -> str:
    """A Message-ID that is stable for the alert."""
    return f"<{alert.id}@newswatch>"


def compose(alert: Alert, sender: str, to: list[str]) -> EmailMessage:
    """The message: plain text and HTML alternatives, hits highlighted in the HTML."""
    article = alert.article
    msg = EmailMessage()
    msg["Subject"] = f"[newswatch:{alert.watch}] {article.title}"
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = message_id(alert)
    msg.set_content(_text(alert))
    msg.add_alternative(_html(alert), subtype="html")
    return msg


def _text(alert: Alert) -> str:
    article = alert.article
    snippet = mark(article.snippet, alert.marks, "»", "«")
    facts = " · ".join(x for x in (article.feed, article.language, article.published) if x)
    return f"{article.title}\n{facts}\n{article.url}\n\n{snippet}\n\nwatch: {alert.watch}\n"


def _html(alert: Alert) -> str:
    article = alert.article
    pieces, last = [], 0
    for a, b in sorted(alert.marks):
        if a < last:
            continue
        pieces += [
            html.escape(article.snippet[last:a]),
            "<mark>",
            html.escape(article.snippet[a:b]),
            "</mark>",
        ]
        last = b
    pieces.append(html.escape(article.snippet[last:]))
    facts = " · ".join(
        html.escape(x) for x in (article.feed, article.language, article.published) if x
    )
    link = html.escape(article.url, quote=True)
    return (
        f'<h2><a href="{link}">{html.escape(article.title)}</a></h2>'
        f"<p><small>{facts}</small></p><p>{''.join(pieces)}</p>"
        f"<p><small>watch: {html.escape(alert.watch)}</small></p>"
    )


class EmailNotifier:
    """Sends through the configured SMTP server (STARTTLS, implicit TLS, authentication)."""

    def __init__(self, name: str, config: EmailConfig) -> None:
        self.name = name
        self.config = config

    async def send(self, alert: Alert) -> None:
        """Send the alert's message; SMTP 4xx and network errors are transient, 5xx permanent."""
        message = compose(alert, self.config.sender, self.config.to)
        await asyncio.to_thread(self._deliver, message)

    def _deliver(self, message: EmailMessage) -> None:
        smtp = self.config.smtp
        try:
            client = self._connect()
            with client:
                if smtp.starttls and not smtp.ssl:
                    client.starttls(context=ssl.create_default_context())
                if smtp.username:
                    client.login(smtp.username, smtp.password or "")
                client.send_message(message)
        except smtplib.SMTPResponseException as exc:
            error = f"SMTP {smtp.host}: {exc.smtp_code} {exc.smtp_error!r}"
            if 400 <= exc.smtp_code < 500:
                raise TransientDeliveryError(error) from exc
            raise PermanentDeliveryError(error) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentDeliveryError(
                f"SMTP {smtp.host}: recipients refused: {exc.recipients}"
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TransientDeliveryError(f"SMTP {smtp.host}: {type(exc).__name__}: {exc}") from exc

    def _connect(self) -> smtplib.SMTP:
        smtp = self.config.smtp
        if smtp.ssl:
            context = ssl.create_default_context()
            return smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=context)
        return smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)

    async def aclose(self) -> None:
        """Connections are per message; nothing to release."""
