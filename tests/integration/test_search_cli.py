"""``newswatch search`` against an archive on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from newswatch.archive.database import Archive
from newswatch.archive.write import write_records
from newswatch.cli import main
from tests.support.archive import alert, record

CONFIG = """
archive: {{url: "{archive}"}}
entities:
  zelenskyy: {{names: [Volodymyr Zelenskyy]}}
"""
OLD, NEW = "https://example.org/old", "https://news.example.org/new"


@pytest.fixture
def config(tmp_path: Path, archive: Archive, archive_url: str) -> Path:
    now = time.time()
    write_records(archive, [
        record(OLD, "Peace talks in Jakarta", "Zelenskyy said nothing.", seen_at=now - 2 * 86400),
        record(NEW, "Talks resume", "Volodymyr Zelenskyy welcomed the peace talks.",
               seen_at=now - 3600, alerts=(alert("zelenskyy", NEW),)),
        record("https://example.org/other", "Football", "Persib won the derby.", seen_at=now),
    ])  # fmt: skip
    path = tmp_path / "c.yaml"
    path.write_text(CONFIG.format(archive=archive_url))
    return path


def search(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["search", "--config", str(config), *args])
    return result.exit_code, result.output


def test_search_lists_matches_newest_first_with_hits_and_snippets(config: Path) -> None:
    code, output = search(config, "peace AND talks")
    assert code == 0, output
    assert output.index("Talks resume") < output.index("Peace talks in Jakarta")
    assert "hits: title:Talks@0, body:peace@33, body:talks@39" in output
    assert "welcomed the »peace« »talks«" in output
    assert "alerted: zelenskyy" in output and "Football" not in output
    assert output.rstrip().endswith("2 articles")


def test_search_json_has_the_documented_shape(config: Path) -> None:
    code, output = search(config, "entity:zelenskyy", "--json")
    assert code == 0, output
    data = json.loads(output)
    assert data["query"] == "entity:zelenskyy" and data["count"] == 1
    [article] = data["articles"]
    assert set(article) == {"url", "title", "site", "feed", "language", "published", "seen_at",
                            "watches", "hits", "snippet", "story"}  # fmt: skip
    assert article["url"] == NEW and article["watches"] == ["zelenskyy"]
    assert article["story"] is None and article["site"] == "example.org"
    assert article["hits"] == [
        {"field": "body", "term": "Volodymyr Zelenskyy", "start": 0, "end": 19}
    ]
    assert article["snippet"].startswith("Volodymyr Zelenskyy welcomed")


def test_since_and_limit(config: Path) -> None:
    _, recent = search(config, "talks", "--since", "1d", "--json")
    assert [a["url"] for a in json.loads(recent)["articles"]] == [NEW]
    _, first = search(config, "talks", "--limit", "1", "--json")
    assert [a["url"] for a in json.loads(first)["articles"]] == [NEW]


def test_a_bad_query_is_reported_like_in_a_config(config: Path) -> None:
    code, output = search(config, "peace AND (talks OR")
    assert code == 2
    assert output.strip().startswith("newswatch: column 20: ")
    code, output = search(config, "entity:nobody")
    assert code == 2 and "column 8: unknown entity" in output
