"""Where the tests find their data: the repository, and the seed story in the project's shared
folder beside the checkout (``NEWSWATCH_SEED_DIR`` points elsewhere)."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SEED_DIR = Path(os.environ.get("NEWSWATCH_SEED_DIR") or REPO.parent / "shared" / "seed")
SEED_FILE = SEED_DIR / "000_ab3a7f44538729f2.txt"
