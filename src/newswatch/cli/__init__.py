"""The command line. Each module registers its subcommands on ``main``."""

from newswatch.cli import commands, status
from newswatch.cli.base import main

__all__ = ["commands", "main", "status"]
