"""Every DCC credential fixture verifies with the outcome SOURCES.md records for it.

The expectations are read from ``SOURCES.md`` itself (written by whoever collected the
vectors, not by us), so a fixture added there is tested here without a code change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from insignia.core.report import Outcome
from insignia.core.verify import VerifyOptions, verify_bytes
from tests.core.verify.conftest import offline_options
from tests.support.paths import VECTORS


@dataclass(frozen=True)
class Expectation:
    file: str
    text: str
    valid: bool
    failing: frozenset[str]


def _classify(file: str, text: str) -> Expectation:
    head = text.split("[", 1)[0]
    failing: set[str] = set()
    if "REVOKED" in head:
        failing.add("status.revocation")
    credential_expired = re.search(r"\bexpired\b", head, re.IGNORECASE) is not None
    if credential_expired and "status list expired" not in head:
        failing.add("dates.valid_until")
    if "not yet valid (validFrom" in head:
        failing.add("dates.valid_from")
    if "status check fails" in head:
        failing.add("status.list")
    if "tampered (signature fails)" in head or "did:web not resolvable" in head:
        failing.add("proof.signature")
    if "DID_WEB_UNRESOLVED" in head:
        failing.add("proof.signature")
    if "Relative @type reference" in head:
        failing.add("jsonld.safe_mode")
    valid = head.strip().startswith(("VALID", "VERIFIED"))
    if "experimentation fixture" in head:
        valid = False
        failing.add("proof.signature")
    return Expectation(file, text, valid, frozenset(failing))


def _expectations() -> list[Expectation]:
    rows = []
    for line in (VECTORS / "SOURCES.md").read_text("utf-8").splitlines():
        match = re.match(
            r"\| `(dcc-[^`]+?/(credentials|verifiableCredentials)/[^`]+\.json)` \|[^|]*\| (.*?) \|",
            line,
        )
        if match:
            rows.append(_classify(match.group(1), match.group(3)))
    return rows


EXPECTATIONS = _expectations()


def test_sources_list_many_dcc_credentials() -> None:
    assert len(EXPECTATIONS) >= 90
    assert sum(e.valid for e in EXPECTATIONS) >= 50


@pytest.fixture(scope="module")
def options() -> VerifyOptions:
    return offline_options()


@pytest.mark.parametrize("expected", EXPECTATIONS, ids=lambda e: e.file.split("/", 1)[1])
def test_dcc_fixture_outcome(expected: Expectation, options: VerifyOptions) -> None:
    report = verify_bytes((VECTORS / expected.file).read_bytes(), options)
    failed = {c.code for c in report.failures}
    assert report.valid is expected.valid, (expected.text, [c.to_dict() for c in report.failures])
    assert expected.failing <= failed, (expected.text, failed)


def test_revoked_and_expired_reports_both_reasons(options: VerifyOptions) -> None:
    report = verify_bytes(
        (VECTORS / "dcc-verifier-core/credentials/v2RevokedAndExpired.json").read_bytes(), options
    )
    assert report.outcome_of("status.revocation") is Outcome.FAIL
    assert report.outcome_of("dates.valid_until") is Outcome.FAIL
    assert report.outcome_of("proof.signature") is Outcome.PASS


def test_expired_badge_is_valid_before_it_expired() -> None:
    early = offline_options(now=offline_options().now.replace(year=2010, month=6))
    report = verify_bytes(
        (VECTORS / "dcc-verifier-core/credentials/v2Expired.json").read_bytes(), early
    )
    assert report.outcome_of("dates.valid_until") is Outcome.PASS


def test_bad_status_url_is_a_warning_not_a_verdict(options: VerifyOptions) -> None:
    report = verify_bytes(
        (VECTORS / "dcc-verifier-core/credentials/v2DoubleSigWithBadStatusUrl.json").read_bytes(),
        options,
    )
    assert report.valid
    assert report.outcome_of("status.list") is Outcome.WARNING
