"""``newswatch stories`` and the story in ``search --json``, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from newswatch.archive.database import Archive
from newswatch.archive.write import write_records
from newswatch.cli import main
from tests.support.archive import record

CONFIG = """
archive: {{url: "{archive}"}}
"""


@pytest.fixture
def config(tmp_path: Path, archive: Archive, archive_url: str) -> Path:
    now = time.time()
    write_records(archive, [
        record("https://wire.example/talks", "Talks resume in Jakarta", "Peace talks resumed.",
               site="wire.example", seen_at=now - 3000, story_id="big"),
        record("https://daily.example/talks", "Jakarta talks <resume>", "Peace talks resumed.",
               site="daily.example", seen_at=now - 2000, story_id="big",
               published="2026-01-02T08:00:00Z"),
        record("https://post.example/talks", "Talks resume", "Peace talks resumed again.",
               site="post.example", seen_at=now - 1000, story_id="big"),
        record("https://wire.example/derby", "Derby", "Persib won the derby.",
               site="wire.example", seen_at=now - 500, story_id="small"),
        record("https://old.example/x", "Old story", "Old peace talks.", site="old.example",
               seen_at=now - 5 * 86400, story_id="old"),
        record("https://none.example/x", "No story", "Talks without a story.", seen_at=now),
    ])  # fmt: skip
    path = tmp_path / "c.yaml"
    path.write_text(CONFIG.format(archive=archive_url))
    return path


def run(config: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [args[0], "--config", str(config), *args[1:]])
    return result.exit_code, result.output


def test_stories_lists_the_biggest_first_with_every_outlet(config: Path) -> None:
    code, output = run(config, "stories", "--since", "1d")
    assert code == 0, output
    lines = output.splitlines()
    assert lines[0].startswith("big  3 outlets  Talks resume in Jakarta")
    assert [line.split()[1] for line in lines[1:4]] == [
        "wire.example", "daily.example", "post.example"
    ]  # fmt: skip
    assert lines[4].startswith("small  1 outlet  Derby")
    assert "old.example" not in output and "No story" not in output
    assert lines[-1] == "2 stories"


def test_stories_json_and_limit(config: Path) -> None:
    code, output = run(config, "stories", "--json", "--limit", "1")
    assert code == 0, output
    data = json.loads(output)
    assert data["count"] == 1
    [story] = data["stories"]
    assert story["id"] == "big" and story["size"] == 3
    assert story["outlets"][1] == {
        "site": "daily.example", "url": "https://daily.example/talks",
        "title": "Jakarta talks <resume>", "published": "2026-01-02T08:00:00Z",
        "first_seen": story["outlets"][1]["first_seen"],
    }  # fmt: skip
    _, everything = run(config, "stories", "--json")
    assert [s["id"] for s in json.loads(everything)["stories"]] == ["big", "small", "old"]


def test_search_json_carries_each_articles_story_with_its_outlets(config: Path) -> None:
    code, output = run(config, "search", "peace AND again", "--json")
    assert code == 0, output
    [article] = json.loads(output)["articles"]
    assert article["story"]["id"] == "big"
    assert [o["site"] for o in article["story"]["outlets"]] == [
        "wire.example", "daily.example", "post.example"
    ]  # fmt: skip
    _, alone = run(config, "search", "without", "--json")
    assert json.loads(alone)["articles"][0]["story"] is None
