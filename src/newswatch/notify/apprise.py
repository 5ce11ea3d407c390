"""Apprise notifier: any of the services Apprise supports (chat, push, SMS...) by URL.

Apprise is an optional extra (``pip install 'newswatch[apprise]'``), imported when an apprise
notifier is configured. Apprise reports only success or failure, not why, so every failure is
treated as transient: the retry budget then decides, and a notifier that keeps failing ends in
the dead-letter stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import warnings
from typing import Any

from newswatch.alerts import Alert, Digest
from newswatch.config.model import AppriseNotifier as AppriseConfig
from newswatch.errors import DeliveryError, TransientDeliveryError
from newswatch.notify.templates import Templates

INSTALL_HINT = "the apprise notifier needs the 'apprise' package: pip install 'newswatch[apprise]'"


def load_apprise() -> Any:
    """The apprise module, or a DeliveryError saying how to install it."""
    try:
        with warnings.catch_warnings():  # apprise imports the deprecated imghdr (3.11, 3.12)
            warnings.simplefilter("ignore", DeprecationWarning)
            with contextlib.suppress(ImportError):
                import imghdr  # noqa: F401 (imported once here, quietly, for apprise)
            import apprise
    except ImportError as exc:
        raise DeliveryError(INSTALL_HINT) from exc
    return apprise


class AppriseNotifier:
    """Sends the text rendering of alerts and digests to every configured Apprise URL."""

    def __init__(self, name: str, config: AppriseConfig) -> None:
        self.name = name
        self.config = config
        self.templates = Templates()
        self._apprise = load_apprise()
        self._client = self._apprise.Apprise()
        for url in config.urls:
            if not self._client.add(url):
                raise DeliveryError(f"notifier {name!r}: apprise does not understand {url!r}")

    async def send(self, alert: Alert) -> None:
        """Notify every URL with the alert's subject and text."""
        rendered = self.templates.alert(alert)
        await self._notify(rendered.subject, rendered.text)

    async def send_digest(self, digest: Digest) -> None:
        """Notify every URL with the digest's subject and text."""
        rendered = self.templates.digest(digest)
        await self._notify(rendered.subject, rendered.text)

    async def _notify(self, title: str, body: str) -> None:
        ok = await asyncio.to_thread(self._client.notify, body=body, title=title)
        if not ok:
            raise TransientDeliveryError(f"apprise notifier {self.name!r}: a service refused")

    async def aclose(self) -> None:
        """Apprise keeps no connections open."""
