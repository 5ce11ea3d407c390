"""Precision and recall of a watch on labelled texts, per language (the concept benchmark and
its test read ``tests/fixtures/concepts_eval.tsv`` with it)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from newswatch.match.model import Document, EntitySpec, WatchSpec
from newswatch.match.watchlist import compile_watchlist


@dataclass(frozen=True)
class Labelled:
    """A text of ``lang`` that is about the watched topic (``on``) or not."""

    lang: str
    on: bool
    text: str


@dataclass(frozen=True)
class Score:
    """Texts counted, true positives, false positives and false negatives of a language."""

    n: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """Matched texts that are on the topic (1.0 when nothing matched)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Texts on the topic that matched (1.0 when there are none)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def add(self, matched: bool, on: bool) -> Score:
        """The score with one more text counted."""
        return Score(self.n + 1, self.tp + (matched and on), self.fp + (matched and not on),
                     self.fn + (on and not matched))  # fmt: skip


def read_labelled(path: Path) -> list[Labelled]:
    """``lang<TAB>on|off<TAB>text`` lines (``#`` comments)."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            lang, label, text = line.split("\t")
            found.append(Labelled(lang, label == "on", text))
    return found


def score(
    query: str,
    texts: Iterable[Labelled],
    entities: Mapping[str, EntitySpec] | None = None,
    translate: bool = False,
) -> dict[str, Score]:
    """The score of ``query`` per language, then over all texts under ``"all"``."""
    watchlist = compile_watchlist([WatchSpec("w", query, translate)], entities or {})
    scores: dict[str, Score] = {}
    for t in texts:
        matched = bool(watchlist.decide(Document("", t.text)))
        for key in (t.lang, "all"):
            scores[key] = scores.get(key, Score()).add(matched, t.on)
    scores["all"] = scores.pop("all", Score())
    return scores
