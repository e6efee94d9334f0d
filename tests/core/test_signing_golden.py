"""Signing output is frozen byte for byte: VC-JWT tokens and eddsa-jcs-2022 proofs.

The engine's signing paths are tuned for speed; none of that may change a byte of output.
Ed25519 is deterministic, so the tokens and signed documents recorded in
``data/signing_golden.json`` (made by the code before any tuning) must come out again.
Rerun this module as a script only when an output change is intended and reviewed.
"""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from insignia.core import proofs, vcjwt
from insignia.core.keys import Ed25519Signer
from tests.support.paths import VECTORS

GOLDEN = Path(__file__).parent / "data" / "signing_golden.json"
SIGNER = Ed25519Signer.from_seed(bytes.fromhex("a1" * 32))
VM = SIGNER.public_key.did_key_verification_method
CREATED = "2026-01-01T00:00:00Z"
UNSIGNED = VECTORS / "1edtech-ob-spec" / "impl-guide-test-vectors" / "obv3p0" / "unsigned.json"


def _base() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(UNSIGNED.read_text(encoding="utf-8"))
    doc.pop("proof", None)
    doc["issuer"] = {**doc["issuer"], "id": SIGNER.public_key.did_key}
    doc["id"] = "urn:uuid:7a1c2e7e-3c43-4d4b-9a52-1b1f0b8c2f11"
    return doc


def _variants() -> Iterator[tuple[str, dict[str, Any]]]:
    """Credentials that exercise every branch of claims, JSON text and JCS ordering."""
    base = _base()
    yield "base", base
    yield "issuer-string", {**base, "issuer": SIGNER.public_key.did_key}
    subject = dict(base["credentialSubject"])
    subject.pop("id", None)
    yield "subject-without-id", {**base, "credentialSubject": subject}
    yield "subject-list-one", {**base, "credentialSubject": [base["credentialSubject"]]}
    yield "subject-list-two", {**base, "credentialSubject": [subject, subject]}
    yield (
        "dates-offset-fraction",
        {
            **base,
            "validFrom": "2024-02-29T23:59:59.999+05:30",
            "validUntil": "2031-01-01T00:00:00Z",
        },
    )
    dated = {k: v for k, v in base.items() if k not in ("validFrom", "validUntil")}
    yield (
        "vc11-dates",
        {
            **dated,
            "issuanceDate": "2010-01-01T00:00:00-08:00",
            "expirationDate": "2099-12-31T23:59:59Z",
        },
    )
    yield "no-dates-no-id", {k: v for k, v in dated.items() if k != "id"}
    yield (
        "unicode",
        {
            **base,
            "name": 'Ré\u0301sumé «naïve» 日本語 \U0001f393 "quoted" \\ back\tslash\n',
            "description": "\u0000\u0001\u001f\u007f\u0080\u2028\u2029\ufeff\ud7ff\ue000\uffff",
            "zeta\U0001f600": "astral key",
            "zeta\ue000": "private-use key",
            "zeta\uffff": "last BMP key",
            "Zeta": "upper",
            "zeta": "lower",
            "é": "latin key",
            "": "empty key",
        },
    )
    yield (
        "numbers",
        {
            **base,
            "extra": {
                "ints": [0, -1, 1, 2**31, -(2**53) + 1, 2**53 - 1, 2**60, -(2**64), 10**21],
                "floats": [0.5, -1.25, 1e21, 1e-7, 123456789.125, 5e-324, 1.7976931348623157e308],
                "flags": [True, False, None],
                "nested": [[], {}, [[{"b": 1, "a": [None]}]], {"": {"": ""}}],
            },
        },
    )


def _outputs() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, doc in _variants():
        before = copy.deepcopy(doc)
        entry: dict[str, Any] = {
            "jwt_kid": vcjwt.sign_vc_jwt(doc, SIGNER, kid=VM),
            "jwt_jwk": vcjwt.sign_vc_jwt(doc, SIGNER, embed_jwk=True),
            "jwt_both": vcjwt.sign_vc_jwt(doc, SIGNER, kid="kid\u00e9", embed_jwk=True),
        }
        signed = proofs.sign(
            doc, SIGNER, verification_method=VM, cryptosuite="eddsa-jcs-2022", created=CREATED
        )
        entry["jcs"] = signed
        entry["jcs_set"] = proofs.sign(
            {**signed, "proof": {**signed["proof"], "id": "urn:proof:1"}},
            SIGNER,
            verification_method=VM,
            cryptosuite="eddsa-jcs-2022",
            created="2026-01-02T00:00:00Z",
            proof_id="urn:proof:2",
            previous_proof="urn:proof:1",
        )
        entry["jcs_canonical"] = proofs.canonical_document(doc, "eddsa-jcs-2022").decode("utf-8")
        assert doc == before, "signing must not change its input"
        out[name] = entry
    return out


@pytest.fixture(scope="module")
def golden() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(GOLDEN.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def outputs() -> dict[str, Any]:
    return _outputs()


@pytest.mark.parametrize("name", [name for name, _ in _variants()])
def test_signing_output_is_unchanged(
    name: str, golden: dict[str, Any], outputs: dict[str, Any]
) -> None:
    assert outputs[name]["jwt_kid"] == golden[name]["jwt_kid"]
    assert outputs[name]["jwt_jwk"] == golden[name]["jwt_jwk"]
    assert outputs[name]["jwt_both"] == golden[name]["jwt_both"]
    assert outputs[name]["jcs_canonical"] == golden[name]["jcs_canonical"]
    # Compared as JSON text too, so that member order counts.
    for key in ("jcs", "jcs_set"):
        assert json.dumps(outputs[name][key]) == json.dumps(golden[name][key])


def test_golden_covers_every_variant(golden: dict[str, Any]) -> None:
    assert sorted(golden) == sorted(name for name, _ in _variants())


if __name__ == "__main__":  # record: python -m tests.core.test_signing_golden --record
    if "--record" in sys.argv:
        GOLDEN.write_text(
            json.dumps(_outputs(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
