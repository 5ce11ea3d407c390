"""The command line. Each module registers its subcommands on ``main``."""

from newswatch.cli import archive, commands, concepts, dlq, feeds, status, stories
from newswatch.cli.base import main

__all__ = ["archive", "commands", "concepts", "dlq", "feeds", "main", "status", "stories"]
