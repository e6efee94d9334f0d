"""Fixtures for operations tests: the earning fixtures (a badge with a file requirement, a
learner, a private evidence directory per test) are reused as they are."""

from tests.web.earning.conftest import assessed, evidence_dir, learner  # noqa: F401
