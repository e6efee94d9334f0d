"""Fixtures of the talent tests: three published badges whose alignments use issuers' own
wordings (matched to the seeded skills through synonyms)."""

from __future__ import annotations

import pytest

from tests.web.talent.test_talent import _badge


@pytest.fixture
def badges(org, staff):
    return {
        "python": _badge(org, staff, "Python", [("Use Python", "ESCO"), ("Data analysis", "")]),
        "sql": _badge(org, staff, "Databases", [("Query databases", ""), ("Teamwork", "")]),
        "aid": _badge(org, staff, "First Aid", [("Provide first aid", "")], expiry_months=12),
    }
