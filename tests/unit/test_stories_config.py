"""``stories:`` in the config: defaults, and errors located like every other."""

from __future__ import annotations

from pathlib import Path

import pytest

from newswatch.config import load_config
from newswatch.errors import ConfigError


def test_stories_are_on_by_default_with_a_72_hour_window(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("data_dir: data\n")
    stories = load_config(path).config.stories
    assert stories.enabled and stories.window == 72 * 3600.0 and stories.threshold == 0.4


def test_stories_mistakes_are_reported_at_their_place(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("stories:\n  threshold: 1.5\n  window: 10s\n  treshold: 0.3\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    lines = [str(p).removeprefix(f"{path}:") for p in caught.value.problems]
    assert any(line.startswith("2:14: stories.threshold:") for line in lines), lines
    assert any(line.startswith("3:11: stories.window:") for line in lines), lines
    assert "4:3: unknown key 'treshold' (did you mean 'threshold'?)" in lines
