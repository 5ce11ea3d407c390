"""The command line, run through click's runner against real files and a real Redis."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from newswatch.cli import main
from newswatch.config import load_config
from newswatch.daemon.runner import run_once
from newswatch.daemon.stats import Stats
from tests.support.http import Route, Server
from tests.support.paths import seed_file
from tests.support.site import FIXTURES, serve_site

SEED_PAGE = FIXTURES / "seed.html"

BAD = """\
polling:
  intervall: 5m
feeds:
  - url: http://127.0.0.1:1/rss
notifiers:
  hook: {type: webhook, url: "http://127.0.0.1:1/", secret: "${NW_UNSET_SECRET_FOR_TEST}"}
watches:
  - id: w
    query: 'Ukraine AND (peace OR'
    notify: [hook, nowhere]
"""


def test_check_reports_every_problem_with_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NW_UNSET_SECRET_FOR_TEST", raising=False)
    path = tmp_path / "bad.yaml"
    path.write_text(BAD)
    result = CliRunner().invoke(main, ["check", "--config", str(path)])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert f"{path}:2:3: unknown key 'intervall' (did you mean 'interval'?)" in lines
    assert any(
        line.startswith(f"{path}:6:") and "NW_UNSET_SECRET_FOR_TEST" in line for line in lines
    )
    assert any(line.startswith(f"{path}:10:") and "nowhere" in line for line in lines)
    assert any(line.startswith(f"{path}:9:") and "watch 'w'" in line for line in lines)


LANGS = """\
feeds:
  - url: http://127.0.0.1:1/rss
notifiers:
  out: {type: console}
watches:
  - {id: norway, query: 'lang:no AND skatt', notify: [out]}
  - {id: cornish, query: 'kernow AND lang:kw', notify: [out]}
"""


def test_check_rejects_a_language_that_is_never_detected(tmp_path: Path) -> None:
    path = tmp_path / "langs.yaml"
    path.write_text(LANGS)
    result = CliRunner().invoke(main, ["check", "--config", str(path)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"{path}:7:43: watch 'cornish', column 17: Cornish ('kw') is never detected; "
        "docs/query-language.md lists what is"
    ]


def test_check_accepts_the_example_config(monkeypatch: pytest.MonkeyPatch) -> None:
    example = Path(__file__).parents[2] / "config" / "newswatch.yaml"
    result = CliRunner().invoke(main, ["check", "--config", str(example)])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output


def test_yaml_syntax_errors_are_located(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("feeds:\n  - url: [unclosed\n")
    result = CliRunner().invoke(main, ["check", "--config", str(path)])
    assert result.exit_code == 2
    assert result.output.startswith(f"{path}:") and "invalid YAML" in result.output


def test_check_warns_when_a_config_would_do_nothing(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("")
    result = CliRunner().invoke(main, ["check", "--config", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{path}: OK (0 feeds, 0 watches, 0 notifiers)\n"
    assert result.stderr.splitlines() == [
        f"{path}:1:1: warning: no feeds: nothing will be polled (add `feeds: [{{url: ...}}]`)",
        f"{path}:1:1: warning: no watches: no article can raise an alert (add `watches:`)",
    ]
    path.write_text("feeds: [{url: 'http://127.0.0.1:1/rss'}]\nwatches: [{id: w, query: x}]\n")
    result = CliRunner().invoke(main, ["check", "--config", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{path}: OK (1 feed, 1 watch, 0 notifiers)\n"
    assert result.stderr.startswith(f"{path}:1:1: warning: no notifiers: alerts are only listed")


def test_check_counts_one_of_each_in_the_singular(tmp_path: Path) -> None:
    path = tmp_path / "one.yaml"
    path.write_text(
        "feeds: [{url: 'http://127.0.0.1:1/rss'}]\nwatches: [{id: w, query: x}]\n"
        "notifiers: {screen: {type: console}}\n"
    )
    result = CliRunner().invoke(main, ["check", "--config", str(path)])
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == f"{path}: OK (1 feed, 1 watch, 1 notifier)\n"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "ftp://example.org/x",
            "ftp://example.org/x: scheme 'ftp' is not allowed (http/https only)",
        ),
        ("file:///etc/hostname", "file:///etc/hostname: scheme 'file' is not allowed"),
        ("missing.html", "missing.html: no such file (give an http(s) URL, an HTML file or a .txt"),
        (".", ".: a folder, not a file"),
    ],
)
def test_test_command_says_what_it_cannot_read(tmp_path: Path, source: str, message: str) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(EXPLAIN_CONFIG)
    result = CliRunner().invoke(main, ["test", "--config", str(config), source])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"newswatch: {message}"), result.stderr


EXPLAIN_CONFIG = """\
entities:
  zelenskyy: {names: [Volodymyr Zelenskyy]}
watches:
  - {id: peace, query: '(Ukraine OR Ukraina) AND (perdamaian OR peace) AND pertemuan'}
  - {id: zelenskyy, query: 'entity:zelenskyy'}
  - {id: football, query: 'Persib'}
"""


def explain_json(tmp_path: Path, source: Path) -> dict[str, Any]:
    """``newswatch test --json`` of ``source`` with EXPLAIN_CONFIG, parsed."""
    config = tmp_path / "c.yaml"
    config.write_text(EXPLAIN_CONFIG)
    result = CliRunner().invoke(main, ["test", "--config", str(config), str(source), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def test_test_command_explains_matches_as_json(tmp_path: Path) -> None:
    data = explain_json(tmp_path, SEED_PAGE)
    assert set(data) == {"article", "matches"}
    assert data["article"]["language"] == "id"
    assert [m["watch"] for m in data["matches"]] == ["peace", "zelenskyy"]
    text = data["article"]["text"]
    for match in data["matches"]:
        assert match["hits"]
        for hit in match["hits"]:
            source = text if hit["field"] == "body" else data["article"]["title"]
            assert source[hit["start"] : hit["end"]] == hit["term"]
    assert data["matches"][1]["entities"] == ["zelenskyy"]


def test_test_command_reads_a_text_file_as_the_article_body(tmp_path: Path) -> None:
    seed = seed_file()
    data = explain_json(tmp_path, seed)
    assert data["article"]["text"] == seed.read_text(encoding="utf-8").strip()
    assert data["article"]["language"] == "id"
    assert [m["watch"] for m in data["matches"]] == ["peace", "zelenskyy"]


def test_test_command_fetches_a_url_and_marks_hits(tmp_path: Path, http_server: Server) -> None:
    http_server.route("/a", Route(body=SEED_PAGE.read_bytes(),
                                  headers={"Content-Type": "text/html"}))  # fmt: skip
    config = tmp_path / "c.yaml"
    config.write_text(EXPLAIN_CONFIG)
    result = CliRunner().invoke(main, ["test", "--config", str(config), http_server.url + "/a"])
    assert result.exit_code == 0, result.output
    assert "✔ zelenskyy" in result.output and "✔ peace" in result.output
    assert "»Volodymyr Zelenskyy«" in result.output
    assert "football" not in result.output


async def test_status_shows_streams_feed_health_and_latest_alerts(
    tmp_path: Path, redis_url_clean: str, make_http_server: Callable[[], Server]
) -> None:
    site, receiver = make_http_server(), make_http_server()
    receiver.route("/hook", Route(body=b"ok"))
    config = tmp_path / "c.yaml"
    config.write_text(
        f'redis: {{url: "{redis_url_clean}"}}\npolling: {{host_delay: 0s}}\n'
        f'feeds: [{{url: "{serve_site(site)["feed"]}"}}, {{url: "{site.url}/missing.xml"}}]\n'
        + EXPLAIN_CONFIG
        + f'notifiers: {{hook: {{type: webhook, url: "{receiver.url}/hook"}}}}\n'
    )
    await run_once(load_config(config))

    result = await asyncio.to_thread(
        CliRunner().invoke, main, ["status", "--config", str(config), "--json"]
    )
    assert result.exit_code == 0, result.output
    status = json.loads(result.output)
    streams = {s["name"]: s for s in status["streams"]}
    assert streams["entries"]["length"] == 3 and streams["entries"]["lag"] == 0
    assert streams["alerts"]["length"] == 2 and streams["alerts"]["pending"] == 0
    # The site's newest entry is from January 2026: far quieter than its usual gap, so silent.
    assert status["feeds"] == {"silent": 1, "failing": 1}
    assert {a["watch"] for a in status["latest_alerts"]} == {"peace", "zelenskyy"}
    archive = status["archive"]
    assert (archive["articles"], archive["alerts"]) == (3, 2) and archive["size_bytes"] > 0
    assert archive["oldest"].startswith(status["generated_at"][:4])
    text = await asyncio.to_thread(CliRunner().invoke, main, ["status", "--config", str(config)])
    assert "latest alerts:" in text.output and "[zelenskyy]" in text.output
    assert "archive: 3 articles, 2 alerts, oldest " in text.output


def test_the_once_summary_counts_in_the_right_number() -> None:
    summary = Stats(updates=1, delivery_failures=1, digests=1, retries_waiting=1).summary()
    assert "(1 story update)" in summary and "1 failed attempt," in summary
    assert "1 digest gathered" in summary and "queued for a later run: 1 retry" in summary
    summary = Stats(updates=2, delivery_failures=2, digests=2, retries_waiting=2).summary()
    assert "(2 story updates)" in summary and "2 failed attempts," in summary
    assert "2 digests gathered" in summary and "queued for a later run: 2 retries" in summary
