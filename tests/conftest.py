"""Shared fixtures: the external vectors folder and a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.paths import VECTORS


@pytest.fixture(scope="session")
def vectors() -> Path:
    """The shared external test vectors (never written by this project)."""
    if not VECTORS.is_dir():
        pytest.fail(f"shared vectors not found at {VECTORS}; set INSIGNIA_VECTORS")
    return VECTORS


@pytest.fixture
def now() -> datetime:
    """A fixed moment for date checks: tests never read the real clock."""
    return datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)
