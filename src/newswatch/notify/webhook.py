"""Webhook notifier: POST the v1 payload, signed, with an idempotency key."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import httpx

from newswatch.alerts import Alert
from newswatch.config.model import WebhookNotifier as WebhookConfig
from newswatch.errors import PermanentDeliveryError, TransientDeliveryError
from newswatch.fetch.client import retry_after

SIGNATURE_HEADER = "X-Newswatch-Signature"
_TRANSIENT_STATUS = frozenset({408, 429})


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The signature header value: ``t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify(secret: str, header: str, body: bytes, tolerance_s: float = 300.0) -> bool:
    """Check a signature header as a receiver would (constant-time, with a replay window)."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance_s:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, fields.get("v1", ""))


def classify(status: int, retry_after_header: str | None, url: str) -> None:
    """Raise for a non-2xx status: 408, 429 and 5xx are transient, other codes permanent."""
    if 200 <= status < 300:
        return
    message = f"webhook {url} answered HTTP {status}"
    if status in _TRANSIENT_STATUS or status >= 500:
        raise TransientDeliveryError(message, retry_after(retry_after_header))
    raise PermanentDeliveryError(message)


class WebhookNotifier:
    """Delivers alerts to one URL."""

    def __init__(self, name: str, config: WebhookConfig, client: httpx.AsyncClient | None = None):
        self.name = name
        self.config = config
        self._client = client or httpx.AsyncClient(timeout=config.timeout)

    async def send(self, alert: Alert) -> None:
        """POST the payload; raises a DeliveryError unless the receiver answered 2xx."""
        body = json.dumps(alert.payload(), ensure_ascii=False).encode()
        headers = {
            **self.config.headers,
            "Content-Type": "application/json",
            "Idempotency-Key": alert.id,
        }
        if self.config.secret:
            headers[SIGNATURE_HEADER] = sign(self.config.secret, body, int(time.time()))
        try:
            reply = await self._client.post(self.config.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise TransientDeliveryError(
                f"webhook {self.config.url}: {type(exc).__name__}: {exc}"
            ) from exc
        classify(reply.status_code, reply.headers.get("retry-after"), self.config.url)

    async def aclose(self) -> None:
        """Close the HTTP connection pool."""
        await self._client.aclose()
