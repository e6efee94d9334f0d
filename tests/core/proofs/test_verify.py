"""Verification: malformed proofs, tampering, proof purposes, chains, results."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from insignia.core import multibase
from insignia.core.errors import InputError
from insignia.core.proofs import (
    ProofResult,
    canonical_document,
    canonical_proof_config,
    sign,
    verify_proofs,
)
from insignia.core.proofs.suites import hash_data
from insignia.core.resolver import DidKeyResolver
from tests.core.proofs.helpers import CHAIN, EDDSA, credential, load, seed_signer

RESOLVER = DidKeyResolver()
WHEN = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)


def signed(
    suite: str = "eddsa-rdfc-2022", doc: dict[str, Any] | None = None, **options: Any
) -> dict[str, Any]:
    signer, vm = seed_signer()
    return sign(
        doc or load(EDDSA / "unsigned.json"),
        signer,
        verification_method=vm,
        cryptosuite=suite,
        created=WHEN,
        **options,
    )


def only(document: dict[str, Any], **kwargs: Any) -> ProofResult:
    (result,) = verify_proofs(document, resolver=RESOLVER, **kwargs)
    return result


def with_proof(
    change: dict[str, Any], drop: tuple[str, ...] = (), suite: str = "eddsa-rdfc-2022"
) -> dict[str, Any]:
    doc = signed(suite)
    doc["proof"].update(change)
    for name in drop:
        del doc["proof"][name]
    return doc


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ({**load(EDDSA / "unsigned.json"), "proof": "zABC"}, "proof.malformed"),
        ({**load(EDDSA / "unsigned.json"), "proof": [None]}, "proof.malformed"),
        (with_proof({}, drop=("type",)), "proof.malformed"),
        (with_proof({"type": ["DataIntegrityProof"]}), "proof.malformed"),
        (with_proof({}, drop=("cryptosuite",)), "proof.malformed"),
        (with_proof({"cryptosuite": "ecdsa-rdfc-2019"}), "proof.unsupported_cryptosuite"),
        (with_proof({"type": "RsaSignature2018"}), "proof.unsupported_type"),
        (with_proof({}, drop=("verificationMethod",)), "proof.malformed"),
        (with_proof({"verificationMethod": {"id": "did:key:x"}}), "proof.malformed"),
        (with_proof({}, drop=("proofPurpose",)), "proof.malformed"),
        (with_proof({"proofPurpose": "authentication"}), "proof.purpose_mismatch"),
        (with_proof({}, drop=("proofValue",)), "proof.malformed"),
        (with_proof({"proofValue": 12}), "proof.malformed"),
        (with_proof({"proofValue": "uAAAA"}), "proof.bad_proof_value"),
        (with_proof({"proofValue": "z0OIl"}), "proof.bad_proof_value"),
        (
            with_proof({"proofValue": "z3yMApqCuCjXDWPrbjfR5mjCPTHqFG8Pux1TxQrEM35jj"}),
            "proof.bad_proof_value",
        ),
        (with_proof({"created": "28/11/2026"}), "proof.invalid_created"),
        (with_proof({"created": 1700000000}), "proof.invalid_created"),
        (with_proof({"expires": "soon"}), "proof.invalid_expires"),
        (with_proof({"id": 7}), "proof.malformed"),
        (with_proof({"domain": ["ok", 1]}), "proof.malformed"),
        (with_proof({"previousProof": 456321}), "proof.previous_proof_invalid"),
        (with_proof({"previousProof": "urn:uuid:nowhere"}), "proof.previous_proof_missing"),
        (
            with_proof({"@context": ["https://www.w3.org/ns/credentials/v2"]}),
            "proof.context_mismatch",
        ),
        (
            with_proof({"verificationMethod": "did:web:example.com#key-1"}),
            "resolve.unsupported_method",
        ),
        (with_proof({"vocabMappedMember": "x"}), "proof.bad_signature"),
        (with_proof({"created": "2026-11-28T12:00:01Z"}), "proof.bad_signature"),
    ],
)
def test_bad_proofs_fail_with_stable_codes_and_never_raise(
    document: dict[str, Any], code: str
) -> None:
    result = only(document)
    assert not result.verified
    assert result.code == code
    assert result.message


def test_results_describe_what_they_can_of_a_broken_proof() -> None:
    result = only(with_proof({"cryptosuite": 5}))
    assert (result.type, result.cryptosuite, result.index) == ("DataIntegrityProof", None, 0)
    assert result.verification_method is not None and result.verification_method.startswith(
        "did:key:"
    )
    assert result.controller is None


def test_a_verified_result_names_the_controller() -> None:
    result = only(signed())
    signer, vm = seed_signer()
    assert result.verified and result.code == "proof.verified"
    assert result.verification_method == vm
    assert result.controller == signer.public_key.did_key
    assert result.to_dict()["verified"] is True


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d["credentialSubject"].update(alumniOf="The School of Forgery"),
        lambda d: d.update(validFrom="2023-01-02T00:00:00Z"),
        lambda d: d.update(issuer="https://evil.example/issuer"),
        lambda d: d["credentialSubject"].update(extra="added after signing"),
        lambda d: d.pop("description"),
    ],
    ids=["value", "date", "issuer", "added", "removed"],
)
def test_tampered_documents_fail(suite: str, tamper: Any) -> None:
    doc = signed(suite)
    tamper(doc)
    result = only(doc)
    assert not result.verified
    assert result.code == "proof.bad_signature"


def test_a_proof_value_from_another_document_fails() -> None:
    doc = signed()
    other = signed(doc=credential({"alumniOf": "Elsewhere"}))
    doc["proof"]["proofValue"] = other["proof"]["proofValue"]
    assert only(doc).code == "proof.bad_signature"


def test_a_term_added_after_signing_is_caught_by_safe_mode() -> None:
    doc = signed(doc=credential({"id": "did:example:subject"}, contexts=()))
    doc["notDefined"] = "smuggled"
    assert only(doc).code == "jsonld.undefined_term"


def test_an_undefined_proof_member_is_caught_by_safe_mode() -> None:
    doc = signed(doc=credential({"id": "did:example:subject"}, contexts=()))
    doc["proof"]["notDefined"] = "smuggled"
    assert only(doc).code == "jsonld.undefined_term"


def test_a_context_added_after_signing_fails() -> None:
    doc = signed()
    doc["@context"] = [*doc["@context"], {"alumniOf": "https://evil.example/alumniOf"}]
    assert only(doc).code == "proof.bad_signature"


def test_jcs_proof_context_must_be_the_documents() -> None:
    doc = signed("eddsa-jcs-2022")
    doc["@context"] = [*doc["@context"], "https://www.w3.org/ns/credentials/undefined-terms/v2"]
    assert only(doc).code == "proof.context_mismatch"


def test_expected_purpose_is_enforced() -> None:
    doc = signed(proof_purpose="authentication")
    assert only(doc).code == "proof.purpose_mismatch"
    assert only(doc, expected_purpose="authentication").verified


def hand_made(proof_options: dict[str, Any]) -> dict[str, Any]:
    """A proof built from the canonical helpers alone, outside ``sign``."""
    signer, vm = seed_signer()
    doc = load(EDDSA / "unsigned.json")
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "verificationMethod": vm,
        "proofPurpose": "assertionMethod",
        **proof_options,
    }
    data = hash_data(canonical_proof_config(doc, proof), canonical_document(doc))
    return {**doc, "proof": {**proof, "proofValue": multibase.encode(signer.sign(data), "z")}}


def test_expiry_is_left_to_the_caller_with_a_warning() -> None:
    doc = hand_made({"created": "2026-01-01T00:00:00Z", "expires": "2030-01-01T00:00:00Z"})
    result = only(doc)
    assert result.verified
    assert result.warnings == ("The proof expires at 2030-01-01T00:00:00Z; check it against now.",)
    doc["proof"]["expires"] = "2031-01-01T00:00:00Z"
    assert only(doc).code == "proof.bad_signature"  # expires is signed like any member


def test_domain_and_challenge_are_signed() -> None:
    doc = hand_made({"domain": "verifier.example", "challenge": "abc123"})
    assert only(doc).verified
    doc["proof"]["challenge"] = "replayed"
    assert only(doc).code == "proof.bad_signature"


def test_proof_set_order_does_not_matter_and_each_proof_stands_alone() -> None:
    doc = load(CHAIN / "signedProofSet2.json")
    doc["proof"].reverse()
    results = verify_proofs(doc, resolver=RESOLVER)
    assert [r.verified for r in results] == [True, True]
    assert [r.index for r in results] == [0, 1]
    doc["proof"][0]["proofValue"] = doc["proof"][1]["proofValue"]
    assert [r.code for r in verify_proofs(doc, resolver=RESOLVER)] == [
        "proof.bad_signature",
        "proof.verified",
    ]


def test_removing_a_chained_predecessor_breaks_the_chain() -> None:
    doc = load(CHAIN / "signedProofChain2.json")
    del doc["proof"][2]
    codes = [r.code for r in verify_proofs(doc, resolver=RESOLVER)]
    assert codes == ["proof.verified", "proof.verified", "proof.previous_proof_missing"]


def test_a_chain_fails_when_a_proof_it_names_fails() -> None:
    doc = load(CHAIN / "signedProofChain2.json")
    doc["proof"][0]["created"] = "2023-02-24T23:36:39Z"  # breaks proof 0, which 2 signed over
    codes = [r.code for r in verify_proofs(doc, resolver=RESOLVER)]
    assert codes[0] == "proof.bad_signature"
    assert codes[2:] == ["proof.bad_signature", "proof.previous_proof_failed"]


def test_reordering_a_chain_keeps_it_valid() -> None:
    doc = load(CHAIN / "signedProofChain2.json")
    doc["proof"].reverse()
    assert all(r.verified for r in verify_proofs(doc, resolver=RESOLVER))


def test_chain_cycles_fail() -> None:
    signer, vm = seed_signer()
    first = sign(
        load(EDDSA / "unsigned.json"),
        signer,
        verification_method=vm,
        created=WHEN,
        proof_id="urn:a",
    )
    second = sign(
        first,
        signer,
        verification_method=vm,
        created=WHEN,
        proof_id="urn:b",
        previous_proof="urn:a",
    )
    second["proof"][0]["previousProof"] = "urn:b"  # now a→b→a; a's signature no longer holds either
    assert not any(r.verified for r in verify_proofs(second, resolver=RESOLVER))


def test_no_proof_means_no_results() -> None:
    assert verify_proofs(load(EDDSA / "unsigned.json"), resolver=RESOLVER) == []
    assert verify_proofs({**load(EDDSA / "unsigned.json"), "proof": []}, resolver=RESOLVER) == []


def test_a_non_object_document_is_an_input_error() -> None:
    with pytest.raises(InputError):
        verify_proofs(["proof"], resolver=RESOLVER)  # type: ignore[arg-type]


def test_legacy_suite_needs_its_context() -> None:
    doc = load(EDDSA / "Ed25519Signature2020" / "signedEdSig.json")
    assert only(doc).verified
    doc["@context"] = doc["@context"][:2]
    assert only(doc).code == "proof.missing_suite_context"


def test_legacy_suite_requires_created() -> None:
    doc = load(EDDSA / "Ed25519Signature2020" / "signedEdSig.json")
    del doc["proof"]["created"]
    assert only(doc).code == "proof.invalid_created"


def test_input_is_not_modified() -> None:
    doc = load(CHAIN / "signedProofChain2.json")
    before = copy.deepcopy(doc)
    verify_proofs(doc, resolver=RESOLVER)
    assert doc == before
