"""The verifier over hostile input: random bytes and JSON, mutated signed credentials (both
Data Integrity suites), mutated VC-JWTs.  Every input ends in a report or one of the engine's
own errors, never another exception, within the time bound; a report never says a damaged
credential is valid."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from insignia.core.errors import InsigniaError
from insignia.core.report import VerificationReport
from insignia.core.verify import VerifyOptions, verify_bytes, verify_credential, verify_jwt
from tests.fuzz.conftest import FUZZ, bounded
from tests.fuzz.seeds import NOW, signed_documents, signed_jwt
from tests.fuzz.strategies import JSON, mutated_bytes, mutated_json, mutated_jwt

OPTIONS = VerifyOptions(now=NOW)  # offline: no fetcher, did:key resolves locally


def verify_any(data: bytes | str) -> VerificationReport | None:
    """The report, or None when the engine refused the input with its own error."""
    with bounded():
        try:
            report = verify_bytes(data, OPTIONS)
        except InsigniaError:
            return None
    assert isinstance(report, VerificationReport)
    return report


def seeds() -> list[Any]:
    return [json.loads(text) for text in signed_documents()]


def test_the_seeds_verify() -> None:
    """The fuzzers start from valid input (so mutations exercise the deep paths)."""
    for text in (*signed_documents(), signed_jwt()):
        report = verify_any(text)
        assert report is not None and report.valid


@FUZZ
@given(st.binary(max_size=2048))
def test_random_bytes(data: bytes) -> None:
    verify_any(data)


@FUZZ
@given(JSON)
def test_random_json(value: Any) -> None:
    verify_any(json.dumps(value))
    if isinstance(value, dict):
        with bounded(), contextlib.suppress(InsigniaError):
            verify_credential(value, OPTIONS)


@FUZZ
@given(mutated_json(seeds()[0]))
def test_mutated_rdfc_credentials(doc: Any) -> None:
    """RDF canonicalization: some changes keep the same graph (a value wrapped in a list) and
    rightly still verify; the property is only "no crash, no hang"."""
    verify_any(json.dumps(doc))


@FUZZ
@given(mutated_json(seeds()[1]))
def test_mutated_jcs_credentials(doc: Any) -> None:
    """JSON canonicalization signs the exact JSON: any change outside the proof must fail."""
    report = verify_any(json.dumps(doc))
    if report is not None and report.valid:
        seed = seeds()[1]
        assert isinstance(doc, dict)
        assert {k: v for k, v in doc.items() if k != "proof"} == {
            k: v for k, v in seed.items() if k != "proof"
        }, "a credential whose signed content changed still verifies"


@FUZZ
@given(st.sampled_from([0, 1]).flatmap(lambda i: mutated_bytes(signed_documents()[i].encode())))
def test_mutated_credential_bytes(data: bytes) -> None:
    verify_any(data)


@FUZZ
@given(mutated_jwt(signed_jwt()))
def test_mutated_jwts(token: str) -> None:
    with bounded():
        try:
            report = verify_jwt(token, OPTIONS)
        except InsigniaError:
            return
    if report.valid:
        assert token.split(".")[:2] == signed_jwt().split(".")[:2]
