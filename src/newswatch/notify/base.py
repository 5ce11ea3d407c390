"""The notifier interface: deliver one alert or digest, or raise a DeliveryError saying whether
to retry (TransientDeliveryError) or not (PermanentDeliveryError)."""

from __future__ import annotations

from typing import Protocol

from newswatch.alerts import Alert, Digest


class Notifier(Protocol):
    """A delivery channel."""

    name: str

    async def send(self, alert: Alert) -> None:
        """Deliver ``alert`` once."""

    async def send_digest(self, digest: Digest) -> None:
        """Deliver ``digest`` (several alerts) as one message."""

    async def aclose(self) -> None:
        """Release connections."""
