"""Alerts: one per (watch, story), with a stable id, and their webhook payloads (version 1).

Two kinds of messages travel on the ``alerts`` stream: a single alert (``kind`` absent or
``"alert"``) and a digest (``kind: "digest"``) that gathers one notifier's deferred alerts.
``Delivery`` is either of them: what a notifier sends in one go.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

from newswatch.match.model import ConceptHit, Hit, Match
from newswatch.stories.model import Story

PAYLOAD_VERSION = 1
DIGEST_KIND = "digest"


def alert_id(watch: str, story: str) -> str:
    """The stable id of (watch, story): the same story never alerts a watch twice. ``story``
    is the story id (``newswatch.stories``), or the canonical URL with stories off."""
    return hashlib.sha256(f"{watch}\n{story}".encode()).hexdigest()[:32]


def update_id(first_alert_id: str, text_fingerprint: str) -> str:
    """The stable id of an update: the first alert of the story and the new text's fingerprint."""
    return hashlib.sha256(f"{first_alert_id}\nupdate\n{text_fingerprint}".encode()).hexdigest()[:32]


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
    """An alert on its way: ``notify`` names its notifiers, ``marks`` its hits in the snippet.

    ``update_of`` is the id of the story's first alert when this one reports a material change
    of an article already alerted on. ``replay`` is set by ``newswatch dlq replay``: the alert
    goes straight to its notifier, past the watch's budget and quiet hours. ``story`` is the
    story the article belongs to (None with stories off); its outlets are read again when the
    alert is sent.
    """

    id: str
    watch: str
    detected_at: str
    article: ArticleInfo
    hits: tuple[Hit, ...]
    entities: tuple[str, ...] = ()
    notify: tuple[str, ...] = ()
    marks: tuple[tuple[int, int], ...] = field(default=())
    update_of: str | None = None
    replay: bool = False
    concepts: tuple[ConceptHit, ...] = ()
    story: Story | None = None

    def payload(self) -> dict[str, Any]:
        """The webhook payload, version 1 (DESIGN.md)."""
        return {
            "version": PAYLOAD_VERSION,
            "id": self.id,
            "watch": self.watch,
            "detected_at": self.detected_at,
            "article": asdict(self.article),
            "hits": [asdict(hit) for hit in self.hits],
            "concepts": [asdict(c) for c in self.concepts],
            "entities": list(self.entities),
            "update_of": self.update_of,
            "story": self.story.payload() if self.story else None,
        }

    def to_message(self) -> dict[str, Any]:
        """The ``alerts`` stream message: the payload plus routing and display data."""
        message: dict[str, Any] = {
            "payload": self.payload(),
            "notify": list(self.notify),
            "marks": [list(m) for m in self.marks],
        }
        if self.replay:
            message["replay"] = True
        return message

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
            concepts=tuple(ConceptHit(**c) for c in payload.get("concepts", ())),
            entities=tuple(payload.get("entities", ())),
            notify=tuple(message.get("notify", ())),
            marks=tuple((int(a), int(b)) for a, b in message.get("marks", ())),
            update_of=payload.get("update_of"),
            replay=bool(message.get("replay", False)),
            story=Story.from_payload(payload.get("story")),
        )


@dataclass(frozen=True)
class Digest:
    """One notifier's deferred alerts, sent as one message; ``since``/``until`` bound the window."""

    id: str
    notifier: str
    created_at: str
    since: str
    until: str
    alerts: tuple[Alert, ...]

    @property
    def notify(self) -> tuple[str, ...]:
        """A digest goes to the notifier it was gathered for, only."""
        return (self.notifier,)

    @property
    def watch(self) -> str:
        """The watches it covers, for logs and dead letters."""
        return ",".join(sorted({a.watch for a in self.alerts}))

    def payload(self) -> dict[str, Any]:
        """The webhook digest payload: the alerts' own v1 payloads in a wrapper."""
        return {
            "version": PAYLOAD_VERSION,
            "type": DIGEST_KIND,
            "id": self.id,
            "created_at": self.created_at,
            "period": {"start": self.since, "end": self.until},
            "count": len(self.alerts),
            "alerts": [alert.payload() for alert in self.alerts],
        }

    def to_message(self) -> dict[str, Any]:
        """The ``alerts`` stream message of a digest."""
        return {
            "kind": DIGEST_KIND,
            "id": self.id,
            "notify": [self.notifier],
            "created_at": self.created_at,
            "since": self.since,
            "until": self.until,
            "alerts": [alert.to_message() for alert in self.alerts],
        }

    @classmethod
    def from_message(cls, message: dict[str, Any]) -> Digest:
        """Rebuild a digest read from the ``alerts`` stream."""
        return cls(
            id=message["id"],
            notifier=message["notify"][0],
            created_at=message["created_at"],
            since=message["since"],
            until=message["until"],
            alerts=tuple(Alert.from_message(m) for m in message["alerts"]),
        )


Delivery = Alert | Digest


def delivery_from_message(message: dict[str, Any]) -> Delivery:
    """The alert or digest an ``alerts`` stream message carries."""
    if message.get("kind") == DIGEST_KIND:
        return Digest.from_message(message)
    return Alert.from_message(message)


def build_alert(
    match: Match,
    article: ArticleInfo,
    canonical_url: str,
    detected_at: str,
    notify: tuple[str, ...],
    concepts: tuple[ConceptHit, ...] = (),
    story: Story | None = None,
) -> Alert:
    """The alert for a watch that matched an article (``concepts``: its concept hits), one per
    (watch, story): per canonical URL when the article has no story."""
    snippet = match.snippet
    return Alert(
        id=alert_id(match.watch, story.id if story else canonical_url),
        watch=match.watch,
        detected_at=detected_at,
        article=ArticleInfo(**{**asdict(article), "snippet": snippet.text}),
        hits=match.hits,
        entities=match.entities,
        notify=notify,
        concepts=concepts,
        marks=snippet.marks,
        story=story,
    )
