"""The root command group and what every subcommand shares."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from newswatch import __version__
from newswatch.config import Settings, load_config
from newswatch.errors import ConfigError

config_option = click.option(
    "--config", "-c", "config_path", required=True, envvar="NEWSWATCH_CONFIG",
    type=click.Path(path_type=Path), help="The YAML config file.",
)  # fmt: skip


def load_settings(path: Path) -> Settings:
    """Load the config or exit 2 after printing every problem as FILE:LINE:COL: message."""
    try:
        return load_config(path)
    except ConfigError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise SystemExit(2) from exc


def _logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper()),
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("httpx", "httpcore", "trafilatura", "htmldate", "courlan", "apscheduler"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))


@click.group()
@click.version_option(__version__)
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["debug", "info", "warning", "error"]))  # fmt: skip
def main(log_level: str) -> None:
    """newswatch: watch news feeds, match watchlists, deliver alerts."""
    _logging(log_level)
