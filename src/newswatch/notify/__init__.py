"""Notifiers: one module per channel behind the small interface in base.py."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TextIO

from newswatch.config.model import ConsoleNotifier as ConsoleConfig
from newswatch.config.model import EmailNotifier as EmailConfig
from newswatch.config.model import Notifier as NotifierConfig
from newswatch.notify.base import Notifier
from newswatch.notify.console import ConsoleNotifier
from newswatch.notify.email import EmailNotifier
from newswatch.notify.webhook import WebhookNotifier


def build_notifiers(
    configs: Mapping[str, NotifierConfig], stdout: TextIO | None = None
) -> dict[str, Notifier]:
    """One notifier per configured name."""
    notifiers: dict[str, Notifier] = {}
    for name, config in configs.items():
        if isinstance(config, ConsoleConfig):
            notifiers[name] = ConsoleNotifier(name, config, stdout)
        elif isinstance(config, EmailConfig):
            notifiers[name] = EmailNotifier(name, config)
        else:
            notifiers[name] = WebhookNotifier(name, config)
    return notifiers


__all__ = ["Notifier", "build_notifiers"]
