"""The command line. Each module registers its subcommands on ``main``."""

from newswatch.cli import commands, dlq, feeds, status
from newswatch.cli.base import main

__all__ = ["commands", "dlq", "feeds", "main", "status"]
