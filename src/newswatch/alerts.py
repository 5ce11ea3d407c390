"""Alerts: one per (watch, story), with a stable id, and their webhook payload (version 1)."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

from newswatch.match.model import Hit, Match

PAYLOAD_VERSION = 1


def alert_id(watch: str, canonical_url: str) -> str:
    """The stable id of (watch, story): the same article never alerts a watch twice."""
    return hashlib.sha256(f"{watch}\n{canonical_url}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class ArticleInfo:
    """The article as the payload describes it."""

    url: str
    title: str
    feed: str
    published: str | None
    language: str | None
    author: str | None
    snippet: str
    text: str


@dataclass(frozen=True)
class Alert:
    """An alert on its way: ``notify`` names its notifiers, ``marks`` its hits in the snippet."""

    id: str
    watch: str
    detected_at: str
    article: ArticleInfo
    hits: tuple[Hit, ...]
    entities: tuple[str, ...] = ()
    notify: tuple[str, ...] = ()
    marks: tuple[tuple[int, int], ...] = field(default=())

    def payload(self) -> dict[str, Any]:
        """The webhook payload, version 1 (DESIGN.md)."""
        return {
            "version": PAYLOAD_VERSION,
            "id": self.id,
            "watch": self.watch,
            "detected_at": self.detected_at,
            "article": asdict(self.article),
            "hits": [asdict(hit) for hit in self.hits],
            "entities": list(self.entities),
        }

    def to_message(self) -> dict[str, Any]:
        """The ``alerts`` stream message: the payload plus routing and display data."""
        return {
            "payload": self.payload(),
            "notify": list(self.notify),
            "marks": [list(m) for m in self.marks],
        }

    @classmethod
    def from_message(cls, message: dict[str, Any]) -> Alert:
        """Rebuild an alert read from the ``alerts`` stream."""
        payload = message["payload"]
        return cls(
            id=payload["id"],
            watch=payload["watch"],
            detected_at=payload["detected_at"],
            article=ArticleInfo(**payload["article"]),
            hits=tuple(Hit(**hit) for hit in payload["hits"]),
            entities=tuple(payload.get("entities", ())),
            notify=tuple(message.get("notify", ())),
            marks=tuple((int(a), int(b)) for a, b in message.get("marks", ())),
        )


def build_alert(
    match: Match,
    article: ArticleInfo,
    canonical_url: str,
    detected_at: str,
    notify: tuple[str, ...],
) -> Alert:
    """The alert for a watch that matched an article."""
    snippet = match.snippet
    return Alert(
        id=alert_id(match.watch, canonical_url),
        watch=match.watch,
        detected_at=detected_at,
        article=ArticleInfo(**{**asdict(article), "snippet": snippet.text}),
        hits=match.hits,
        entities=match.entities,
        notify=notify,
        marks=snippet.marks,
    )
