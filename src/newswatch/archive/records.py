"""Archive records: what the worker appends to the ``archive`` stream for each article it
processes, and the rows a batch of them becomes (pure).

A record is either an *article* (new, or a material change of its story: the whole article and
the alerts raised on it) or a *sighting* (an unchanged story seen again: its canonical URL and
when). Records carry no derived data: the archiver computes the presearch terms.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from newswatch.alerts import Alert, ArticleInfo
from newswatch.archive.schema import TERM_MAX_CHARS
from newswatch.match.normalize import tokens

RECORD_VERSION = 1


def article_record(
    info: ArticleInfo,
    canonical_url: str,
    site: str,
    from_page: bool,
    fingerprint: str,
    alerts: Sequence[Alert],
    seen_at: float,
    story_id: str | None = None,
) -> dict[str, Any]:
    """The record of an article the worker matched, with the alerts it stands for and the
    story it belongs to (None with stories off)."""
    article = asdict(info)
    del article["snippet"]  # per alert, below
    return {
        "v": RECORD_VERSION,
        "kind": "article",
        "canonical_url": canonical_url,
        "site": site,
        "from_page": from_page,
        "fingerprint": fingerprint,
        "seen_at": seen_at,
        "story_id": story_id,
        "article": article,
        "alerts": [alert_fields(alert) for alert in alerts],
    }


def sighting_record(canonical_url: str, seen_at: float) -> dict[str, Any]:
    """The record of a story seen again without a material change."""
    return {"v": RECORD_VERSION, "kind": "sighting", "canonical_url": canonical_url,
            "seen_at": seen_at}  # fmt: skip


def alert_fields(alert: Alert) -> dict[str, Any]:
    """What a record says of an alert."""
    return {
        "alert_id": alert.id,
        "watch": alert.watch,
        "update_of": alert.update_of,
        "detected_at": alert.detected_at,
        "hits": [asdict(hit) for hit in alert.hits],
        "snippet": alert.article.snippet,
        "marks": [list(mark) for mark in alert.marks],
        "entities": list(alert.entities),
    }


def epoch(rfc3339: str) -> float:
    """Unix seconds of an RFC 3339 time (``Z`` or an offset)."""
    return datetime.fromisoformat(rfc3339.replace("Z", "+00:00")).timestamp()


def terms(title: str, text: str) -> str:
    """The presearcher's input: the distinct folded tokens of title and text, space-separated."""
    found = set(tokens(title))
    found.update(tokens(text))
    return " ".join(sorted(t for t in found if len(t) <= TERM_MAX_CHARS))


@dataclass
class Batch:
    """A batch of records as rows: ``articles`` to upsert and ``sightings`` (canonical URL ->
    when) to note, one of either per story; ``matches`` with their story's canonical URL."""

    articles: dict[str, dict[str, Any]] = field(default_factory=dict)
    sightings: dict[str, float] = field(default_factory=dict)
    matches: dict[str, dict[str, Any]] = field(default_factory=dict)


def batch(records: Iterable[dict[str, Any]]) -> Batch:
    """The rows of ``records``; of two versions of one story in a batch, the later one wins; of
    two matches with one alert id (copies of a story), the first."""
    out = Batch()
    for record in records:
        url, seen = str(record["canonical_url"]), float(record["seen_at"])
        if record.get("kind") == "sighting":
            out.sightings[url] = max(seen, out.sightings.get(url, seen))
            continue
        out.articles[url] = article_row(record)
        for alert in record.get("alerts", ()):  # one alert id, several copies: the first's
            out.matches.setdefault(alert["alert_id"], match_row(url, alert))
    for url in out.articles.keys() & out.sightings.keys():
        row = out.articles[url]
        row["last_seen"] = max(row["last_seen"], out.sightings.pop(url))
    return out


def article_row(record: dict[str, Any]) -> dict[str, Any]:
    """The ``articles`` row of an article record."""
    article = record["article"]
    seen = float(record["seen_at"])
    return {
        "canonical_url": record["canonical_url"],
        "url": article["url"],
        "title": article["title"],
        "text": article["text"],
        "feed": article["feed"],
        "site": record["site"],
        "language": article.get("language"),
        "author": article.get("author"),
        "published": article.get("published"),
        "from_page": bool(record["from_page"]),
        "fingerprint": record["fingerprint"],
        "first_seen": seen,
        "seen_at": seen,
        "last_seen": seen,
        "versions": 1,
        "story_id": record.get("story_id"),
        "terms": terms(article["title"], article["text"]),
    }


def match_row(canonical_url: str, alert: dict[str, Any]) -> dict[str, Any]:
    """The ``matches`` row of an alert, with its story's canonical URL (``article_id`` later)."""
    return {
        "canonical_url": canonical_url,
        "alert_id": alert["alert_id"],
        "watch": alert["watch"],
        "update_of": alert.get("update_of"),
        "detected_at": epoch(alert["detected_at"]),
        "hits": alert["hits"],
        "snippet": alert["snippet"],
        "marks": alert["marks"],
        "entities": alert["entities"],
    }
