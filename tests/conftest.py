"""Shared fixtures: paths to the bundled corpus and the optional ../shared material."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
GOLD = ROOT / "tests" / "gold"
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed"
SEED_TEXT = SEED / "000_7ff98b53064f0008.txt"
REAL_PDFS = SHARED / "real-pdfs"


@pytest.fixture
def seed_path() -> Path:
    if not SEED_TEXT.exists():
        pytest.skip("../shared/seed not present: the seed acceptance tests need it")
    return SEED_TEXT


@pytest.fixture
def db(tmp_path):
    from extract.store import open_db

    return open_db(tmp_path / "test.db")
