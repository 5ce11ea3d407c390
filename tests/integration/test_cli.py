"""The command line, run through click's runner against real files and a real Redis."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from newswatch.cli import main

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
