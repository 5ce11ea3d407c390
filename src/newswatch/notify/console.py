"""Console notifier: a readable alert on standard output, hits marked in the snippet."""

from __future__ import annotations

import sys
from typing import TextIO

from newswatch.alerts import Alert, Digest
from newswatch.config.model import ConsoleNotifier as ConsoleConfig
from newswatch.match.model import ConceptHit

_BOLD_YELLOW, _DIM, _RESET = "\033[1;33m", "\033[2m", "\033[0m"


def mark(text: str, marks: tuple[tuple[int, int], ...], start: str, end: str) -> str:
    """``text`` with each (start, end) span wrapped in ``start``/``end``."""
    out, last = [], 0
    for a, b in sorted(marks):
        if a < last:
            continue
        out += [text[last:a], start, text[a:b], end]
        last = b
    out.append(text[last:])
    return "".join(out)


def concept_line(concepts: tuple[ConceptHit, ...]) -> str:
    """``~peace → perdamaian, damai; ~talks → pertemuan``: each concept with the words that
    were its forms, in the order of their first hits."""
    words: dict[str, dict[str, str]] = {}  # concept -> folded term -> first spelling seen
    for c in concepts:
        words.setdefault(c.concept, {}).setdefault(c.term.casefold(), c.term)
    return "; ".join(f"~{c} → {', '.join(terms.values())}" for c, terms in words.items())


def render(alert: Alert, color: bool) -> str:
    """The alert as a few lines of text."""
    article = alert.article
    hi, lo, reset = (_BOLD_YELLOW, _DIM, _RESET) if color else ("", "", "")
    start, end = (hi, reset) if color else ("»", "«")
    facts = " · ".join(x for x in (article.feed, article.language, article.published) if x)
    terms = ", ".join(sorted({hit.term for hit in alert.hits}))
    update = f"{lo}(update){reset} " if alert.update_of else ""
    lines = [
        f"{hi}▶ [{alert.watch}]{reset} {update}{article.title}",
        f"  {lo}{facts}{reset}",
        f"  {article.url}",
        f"  {mark(article.snippet, alert.marks, start, end)}",
        f"  {lo}hits: {terms}{reset}",
    ]
    if alert.concepts:
        lines.append(f"  {lo}concepts: {concept_line(alert.concepts)}{reset}")
    if alert.entities:
        lines.append(f"  {lo}entities: {', '.join(alert.entities)}{reset}")
    return "\n".join(lines) + "\n"


class ConsoleNotifier:
    """Prints alerts; colour when the stream is a terminal unless the config says otherwise."""

    def __init__(self, name: str, config: ConsoleConfig, stream: TextIO | None = None) -> None:
        self.name = name
        self._stream = stream or sys.stdout
        self._color = config.color if config.color is not None else self._stream.isatty()

    async def send(self, alert: Alert) -> None:
        """Write the alert and flush."""
        self._stream.write(render(alert, self._color))
        self._stream.flush()

    async def send_digest(self, digest: Digest) -> None:
        """A header line, then each alert."""
        count = len(digest.alerts)
        plural = "" if count == 1 else "s"
        header = f"━━ digest: {count} alert{plural}, {digest.since} – {digest.until}\n"
        self._stream.write(header + "".join(render(a, self._color) for a in digest.alerts))
        self._stream.flush()

    async def aclose(self) -> None:
        """Nothing to release."""
