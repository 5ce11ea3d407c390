"""Notifiers: one module per channel behind the small interface in base.py."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TextIO

from newswatch.config.model import AppriseNotifier as AppriseConfig
from newswatch.config.model import ConsoleNotifier as ConsoleConfig
from newswatch.config.model import EmailNotifier as EmailConfig
from newswatch.config.model import Notifier as NotifierConfig
from newswatch.notify.base import Notifier
from newswatch.notify.console import ConsoleNotifier
from newswatch.notify.email import EmailNotifier
from newswatch.notify.webhook import WebhookNotifier


def build_notifier(name: str, config: NotifierConfig, stdout: TextIO | None = None) -> Notifier:
    """The notifier for one configured name."""
    if isinstance(config, ConsoleConfig):
        return ConsoleNotifier(name, config, stdout)
    if isinstance(config, EmailConfig):
        return EmailNotifier(name, config)
    if isinstance(config, AppriseConfig):
        from newswatch.notify.apprise import AppriseNotifier  # optional dependency: lazily

        return AppriseNotifier(name, config)
    return WebhookNotifier(name, config)


def build_notifiers(
    configs: Mapping[str, NotifierConfig], stdout: TextIO | None = None
) -> dict[str, Notifier]:
    """One notifier per configured name."""
    return {name: build_notifier(name, config, stdout) for name, config in configs.items()}


__all__ = ["Notifier", "build_notifier", "build_notifiers"]
