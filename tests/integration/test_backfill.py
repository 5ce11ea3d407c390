"""``newswatch backfill``: a dry run lists what watches would have alerted on in the archive;
``--deliver`` raises it through the ``alerts`` stream, once per (watch, story)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import redis
from click.testing import CliRunner

from newswatch.alerts import Alert, alert_id
from newswatch.archive import read
from newswatch.archive.database import Archive
from newswatch.archive.write import write_records
from newswatch.cli import main
from newswatch.constants import ALERT_SEEN_PREFIX, ALERTS_STREAM
from tests.support.archive import record

CONFIG = """
redis: {{url: "{redis}"}}
archive: {{url: "{archive}"}}
entities:
  zelenskyy: {{names: [Volodymyr Zelenskyy]}}
watches:
  - {{id: zelenskyy, query: 'entity:zelenskyy', notify: [hook]}}
  - {{id: peace, query: 'peace AND talks', notify: [hook]}}
notifiers:
  hook: {{type: webhook, url: "http://127.0.0.1:9/hook"}}
"""
OLD, NEW = "https://example.org/old", "https://example.org/new"


@pytest.fixture
def config(tmp_path: Path, archive: Archive, archive_url: str, redis_url_clean: str) -> Path:
    now = time.time()
    write_records(archive, [
        record(OLD, "Peace talks in Jakarta", "Nothing more.", seen_at=now - 2 * 86400),
        record(NEW, "Talks resume", "Volodymyr Zelenskyy welcomed the peace talks.",
               seen_at=now - 3600),
        record("https://example.org/other", "Football", "Persib won the derby.", seen_at=now),
    ])  # fmt: skip
    client = redis.Redis.from_url(redis_url_clean)
    client.set(ALERT_SEEN_PREFIX + alert_id("zelenskyy", NEW), "1")  # alerted when it came in
    client.close()
    path = tmp_path / "c.yaml"
    path.write_text(CONFIG.format(redis=redis_url_clean, archive=archive_url))
    return path


def backfill(config: Path, *args: str) -> dict[str, object]:
    result = CliRunner().invoke(main, ["backfill", "--config", str(config), "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def alerts_on_stream(url: str) -> list[Alert]:
    client = redis.Redis.from_url(url, decode_responses=True)
    try:
        return [Alert.from_message(json.loads(f["data"])) for _, f in client.xrange(ALERTS_STREAM)]
    finally:
        client.close()


def test_a_dry_run_lists_what_each_watch_would_have_alerted_on(
    config: Path, redis_url_clean: str
) -> None:
    result = backfill(config)
    assert result == {"delivered": 0, "matches": [
        {"watch": "zelenskyy", "url": NEW, "title": "Talks resume",
         "alert_id": alert_id("zelenskyy", NEW), "already_alerted": True},
        {"watch": "peace", "url": NEW, "title": "Talks resume",
         "alert_id": alert_id("peace", NEW), "already_alerted": False},
        {"watch": "peace", "url": OLD, "title": "Peace talks in Jakarta",
         "alert_id": alert_id("peace", OLD), "already_alerted": False},
    ]}  # fmt: skip
    assert alerts_on_stream(redis_url_clean) == []
    only = backfill(config, "--watch", "peace", "--since", "1d")
    assert [(m["watch"], m["url"]) for m in only["matches"]] == [("peace", NEW)]  # type: ignore[index, union-attr]


def test_deliver_raises_the_new_alerts_once(
    config: Path, redis_url_clean: str, archive: Archive
) -> None:
    assert backfill(config, "--deliver")["delivered"] == 2

    raised = alerts_on_stream(redis_url_clean)
    assert sorted((a.watch, a.article.url) for a in raised) == [("peace", NEW), ("peace", OLD)]
    assert {a.id for a in raised} == {alert_id("peace", NEW), alert_id("peace", OLD)}
    assert all(a.notify == ("hook",) and a.hits and a.article.snippet for a in raised)
    assert {a.alert_id for a in read.latest_alerts(archive)} == {a.id for a in raised}

    again = backfill(config, "--deliver")
    assert again["delivered"] == 0
    assert all(m["already_alerted"] for m in again["matches"])  # type: ignore[index, union-attr]
    assert len(alerts_on_stream(redis_url_clean)) == 2


def test_an_unknown_watch_is_refused(config: Path) -> None:
    result = CliRunner().invoke(main, ["backfill", "--config", str(config), "--watch", "nope"])
    assert result.exit_code == 2 and "unknown watch 'nope'" in result.output
