"""Shared fixtures: a real SQLite database in a temporary folder, the bundled corpus."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEEDS = sorted((CORPUS / "seeds").glob("*.txt"))
STEMS = [p.stem for p in SEEDS]


@pytest.fixture
def store(tmp_path):
    from store.db import Store

    with Store(tmp_path / "vanban.db") as s:
        yield s


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "vanban.db"
