"""Verification fixtures: offline options over the shared DID documents and status lists."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from insignia.core.localdocs import FolderFetcher
from insignia.core.resolver import DefaultResolver, documents_from_folder
from insignia.core.verify import VerifyOptions
from tests.support.paths import VECTORS

#: The date the DCC fixtures' expectations were recorded against (SOURCES.md).
SESSION_DAY = datetime(2026, 11, 28, tzinfo=UTC)

DID_FOLDERS = [VECTORS / "dcc-verifier-core" / "did-web", VECTORS / "dcc-vc-test-fixtures" / "dids"]
STATUS_FOLDERS = [
    VECTORS / "dcc-verifier-core" / "status",
    VECTORS / "dcc-vc-test-fixtures" / "statusLists",
]


def offline_options(now: datetime = SESSION_DAY, **overrides: object) -> VerifyOptions:
    """Options that resolve did:web keys and status lists from the shared folders only."""
    fetcher = FolderFetcher(STATUS_FOLDERS)
    documents: dict[str, dict[str, object]] = {}
    for folder in DID_FOLDERS:
        documents.update(documents_from_folder(Path(folder)))
    resolver = DefaultResolver(fetcher=None, documents=documents)
    return VerifyOptions(now=now, resolver=resolver, fetcher=fetcher, **overrides)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def options() -> VerifyOptions:
    return offline_options()
