"""Installing builds the matcher's engine without alarming a newcomer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_the_build_configuration_is_read_without_warnings() -> None:
    """pip reads setup.py and pyproject.toml three times per install; setuptools warned at each
    that ``[tool.setuptools.ext-modules]`` is experimental. setup.py's ext_modules is not."""
    result = subprocess.run(
        [sys.executable, "-W", "always", "setup.py", "--name"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert (result.returncode, result.stderr, result.stdout) == (0, "", "newswatch\n")
