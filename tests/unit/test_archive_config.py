"""``archive:`` in the config: defaults, and errors located like every other."""

from __future__ import annotations

from pathlib import Path

import pytest

from newswatch.archive.database import database_url
from newswatch.config import load_config
from newswatch.errors import ConfigError


def test_the_default_archive_is_an_sqlite_file_in_data_dir(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("data_dir: data\n")
    settings = load_config(path)
    archive = settings.config.archive
    assert archive.enabled and archive.keep == 30 * 86400.0
    assert database_url(archive, settings.data_dir) == f"sqlite:///{tmp_path}/data/archive.sqlite3"


def test_archive_mistakes_are_reported_at_their_place(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("archive:\n  url: mysql://db/nw\n  kep: 7d\n  keep: soon\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    lines = [str(p).removeprefix(f"{path}:") for p in caught.value.problems]
    assert "3:3: unknown key 'kep' (did you mean 'keep'?)" in lines
    assert any(line.startswith("4:9: archive.keep:") for line in lines), lines
    url = [line for line in lines if line.startswith("2:8: archive.url: must start with")]
    assert url and "postgresql://" in url[0], lines
