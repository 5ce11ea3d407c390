"""The root command group and what every subcommand shares."""

from __future__ import annotations

from pathlib import Path

import click

from newswatch import __version__
from newswatch.config import Settings, load_config
from newswatch.errors import ConfigError
from newswatch.observe.logs import configure as configure_logging

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


@click.group()
@click.version_option(__version__)
@click.option("--log-level", default="info", show_default=True, envvar="NEWSWATCH_LOG_LEVEL",
              type=click.Choice(["debug", "info", "warning", "error"]))  # fmt: skip
@click.option("--log-format", default="console", show_default=True, envvar="NEWSWATCH_LOG_FORMAT",
              type=click.Choice(["console", "json"]),
              help="Readable lines, or one JSON object per line.")  # fmt: skip
def main(log_level: str, log_format: str) -> None:
    """newswatch: watch news feeds, match watchlists, deliver alerts."""
    configure_logging(log_level, log_format)
