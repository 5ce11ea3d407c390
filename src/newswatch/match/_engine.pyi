"""Type stubs of the native matcher (``engine/module.c``)."""

from collections.abc import Sequence
from types import ModuleType

from newswatch.match.model import Match
from newswatch.match.program import Tables

MAX_HITS: int
SNIPPET_WIDTH: int

class Engine:
    """A compiled watchlist, matching documents."""

    def __init__(
        self, tables: Tables, normalize: ModuleType, model: ModuleType, cache_limit: int = ...
    ) -> None: ...
    def match(self, title: str, body: str, filters: Sequence[int]) -> list[Match]:
        """Every matching watch's ``Match``, in watchlist order."""
    def decide(self, title: str, body: str, filters: Sequence[int]) -> list[str]:
        """The ids of the matching watches, in watchlist order."""
    def tokens(self, text: str) -> tuple[list[str], list[str], list[tuple[int, int]]]:
        """Folded tokens, case-kept tokens and character spans of ``text``."""
    def cache_size(self) -> int:
        """The letter runs the run cache holds."""

def snippet(
    text: str, spans: Sequence[tuple[int, int]], width: int
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The snippet text around the first of the sorted ``spans``, and their marks in it."""
