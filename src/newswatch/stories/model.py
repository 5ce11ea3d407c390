"""A story as alerts carry it: its id and the outlets that reported it (pure)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Outlet:
    """One copy of a story: where it was published, its URL, headline and publication time.
    ``seen`` (Unix seconds) orders the outlets; it is not part of the payload."""

    site: str
    url: str
    title: str
    published: str | None
    seen: float = 0.0

    def payload(self) -> dict[str, Any]:
        """The payload's view: site, url, title, published."""
        return {"site": self.site, "url": self.url, "title": self.title,
                "published": self.published}  # fmt: skip

    def encode(self) -> str:
        """As stored in Redis."""
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def decode(cls, raw: str | dict[str, Any]) -> Outlet:
        """An outlet from its stored JSON or its payload."""
        data = json.loads(raw) if isinstance(raw, str) else raw
        return cls(str(data.get("site") or ""), str(data.get("url") or ""),
                   str(data.get("title") or ""), data.get("published"),
                   float(data.get("seen") or 0.0))  # fmt: skip


@dataclass(frozen=True)
class Story:
    """The story an alert belongs to, with the outlets known when it was sent (first first)."""

    id: str
    outlets: tuple[Outlet, ...] = ()

    def payload(self) -> dict[str, Any]:
        """The webhook payload's ``story``."""
        return {"id": self.id, "outlets": [o.payload() for o in self.outlets]}

    @classmethod
    def from_payload(cls, data: dict[str, Any] | None) -> Story | None:
        """The story of a payload (None when it has none)."""
        if not data:
            return None
        return cls(str(data["id"]), tuple(Outlet.decode(o) for o in data.get("outlets", ())))


def ordered(outlets: dict[str, str]) -> tuple[Outlet, ...]:
    """Stored outlets (canonical URL -> JSON), the first seen first."""
    decoded = [Outlet.decode(raw) for raw in outlets.values()]
    return tuple(sorted(decoded, key=lambda o: (o.seen, o.url)))
