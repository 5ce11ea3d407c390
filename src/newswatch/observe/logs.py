"""Logging: readable console lines or JSON, carrying the ids passed as ``extra``.

Code logs through the standard library (``log.info("...", extra={"feed": fid})``); structlog's
ProcessorFormatter renders every record, ours and third-party ones alike.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog

NOISY = ("httpx", "httpcore", "trafilatura", "htmldate", "courlan", "apscheduler", "aiohttp.access")


def configure(level: str = "info", fmt: str = "console") -> None:
    """Install the root handler; ``fmt`` is ``console`` or ``json``."""
    shared: list[Any] = [
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(),
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(getattr(logging, level.upper()))
    for name in NOISY:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
