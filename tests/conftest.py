from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEED_ARTICLE = SHARED / "seed" / "000_f6f6ab7d25ed7fbc.txt"

# The tagger's dispatch tables (dateline/temporal/dispatch_cache.py) go to a folder of this test session, not to
# the user's cache folder; set before any test module imports the tagger.
os.environ.setdefault("DATELINE_CACHE_DIR", tempfile.mkdtemp(prefix="dateline-cache-"))


@pytest.fixture
def seed_text() -> str:
    if not SEED_ARTICLE.exists():
        pytest.skip(f"the user's example article is not at {SEED_ARTICLE} (../shared is absent)")
    return SEED_ARTICLE.read_text(encoding="utf-8")
