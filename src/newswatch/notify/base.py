"""The notifier interface: deliver one alert, or raise a DeliveryError saying whether to retry."""

from __future__ import annotations

from typing import Protocol

from newswatch.alerts import Alert


class Notifier(Protocol):
    """A delivery channel. ``send`` raises TransientDeliveryError or PermanentDeliveryError."""

    name: str

    async def send(self, alert: Alert) -> None:
        """Deliver ``alert`` once."""

    async def aclose(self) -> None:
        """Release connections."""
