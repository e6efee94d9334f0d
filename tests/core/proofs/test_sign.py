"""Signing: options, times, proof sets and chains, refusals, canonical bytes."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from insignia.core.errors import InputError, JsonLdError, ProofError, SafeModeError
from insignia.core.keys import Ed25519Signer
from insignia.core.proofs import (
    SUITES,
    canonical_document,
    canonical_proof_config,
    sign,
    suite_for,
    suite_named,
    verify_proofs,
)
from insignia.core.resolver import DidKeyResolver
from tests.core.proofs.helpers import EDDSA, credential, load, seed_signer

RESOLVER = DidKeyResolver()
WHEN = datetime(2026, 11, 28, 12, 0, 0, 987654, tzinfo=UTC)


def signed_with(doc: dict[str, Any] | None = None, **options: Any) -> dict[str, Any]:
    signer, vm = seed_signer()
    options.setdefault("created", WHEN)
    return sign(doc or load(EDDSA / "unsigned.json"), signer, verification_method=vm, **options)


def test_created_is_whole_utc_seconds() -> None:
    eastern = datetime(2026, 11, 28, 7, 0, 0, 123, tzinfo=timezone(timedelta(hours=-5)))
    assert signed_with(created=WHEN)["proof"]["created"] == "2026-11-28T12:00:00Z"
    assert signed_with(created=eastern)["proof"]["created"] == "2026-11-28T12:00:00Z"


def test_created_string_is_kept_and_none_leaves_it_out() -> None:
    assert signed_with(created="2026-11-28T13:00:00+01:00")["proof"]["created"] == (
        "2026-11-28T13:00:00+01:00"
    )
    proof = signed_with(created=None)["proof"]
    assert "created" not in proof
    assert verify_proofs(signed_with(created=None), resolver=RESOLVER)[0].verified


@pytest.mark.parametrize(
    "created",
    [
        datetime(2026, 1, 1),
        "2026-11-28",
        "2026-11-28T12:00:00",
        "2026-02-30T00:00:00Z",
        "yesterday",
    ],
)
def test_bad_created_is_refused(created: Any) -> None:
    with pytest.raises(ProofError) as err:
        signed_with(created=created)
    assert err.value.code == "proof.invalid_created"


def test_proof_members_follow_the_vector_order() -> None:
    proof = signed_with(proof_id="urn:uuid:p1")["proof"]
    assert list(proof) == [
        "type",
        "id",
        "cryptosuite",
        "created",
        "verificationMethod",
        "proofPurpose",
        "proofValue",
    ]
    jcs = signed_with(cryptosuite="eddsa-jcs-2022")["proof"]
    assert list(jcs)[-2:] == ["@context", "proofValue"]


def test_input_document_is_not_changed() -> None:
    doc = load(EDDSA / "unsigned.json")
    before = copy.deepcopy(doc)
    signed = signed_with(doc)
    assert doc == before
    signed["credentialSubject"]["alumniOf"] = "changed"
    assert doc == before


def test_a_second_signature_makes_a_proof_set() -> None:
    once = signed_with(proof_id="urn:uuid:p1")
    twice = signed_with(once, cryptosuite="eddsa-jcs-2022")
    assert isinstance(twice["proof"], list)
    assert twice["proof"][0] == once["proof"]
    assert [r.verified for r in verify_proofs(twice, resolver=RESOLVER)] == [True, True]


def test_a_chained_proof_signs_the_proofs_it_names() -> None:
    first = signed_with(proof_id="urn:uuid:p1")
    chained = signed_with(first, previous_proof="urn:uuid:p1", proof_id="urn:uuid:p2")
    assert chained["proof"][1]["previousProof"] == "urn:uuid:p1"
    assert all(r.verified for r in verify_proofs(chained, resolver=RESOLVER))
    with_first = canonical_document(chained, for_proof=chained["proof"][1])
    without = canonical_document(chained)
    assert with_first != without
    assert b"proofValue" not in without
    assert first["proof"]["proofValue"].encode() in with_first


def test_jcs_chain_signs_the_matching_proofs_as_a_list() -> None:
    first = signed_with(cryptosuite="eddsa-jcs-2022", proof_id="urn:uuid:p1")
    chained = signed_with(first, cryptosuite="eddsa-jcs-2022", previous_proof=["urn:uuid:p1"])
    assert (
        canonical_document(chained, "eddsa-jcs-2022", for_proof=chained["proof"][1]).count(
            b'"proof":[{'
        )
        == 1
    )
    assert all(r.verified for r in verify_proofs(chained, resolver=RESOLVER))


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ({"previous_proof": "urn:uuid:nowhere"}, "proof.previous_proof_missing"),
        ({"previous_proof": []}, "proof.previous_proof_invalid"),
        ({"previous_proof": ["ok", 5]}, "proof.previous_proof_invalid"),
        ({"proof_id": "urn:uuid:p1"}, "proof.duplicate_id"),
        ({"proof_id": ""}, "proof.malformed"),
        ({"cryptosuite": "eddsa-2022"}, "proof.unsupported_cryptosuite"),
        ({"cryptosuite": "Ed25519Signature2020"}, "proof.sign_unsupported"),
        ({"proof_purpose": ""}, "proof.malformed"),
    ],
)
def test_refusals_have_stable_codes(options: dict[str, Any], code: str) -> None:
    first = signed_with(proof_id="urn:uuid:p1")
    with pytest.raises(ProofError) as err:
        signed_with(first, **options)
    assert err.value.code == code


def test_an_empty_verification_method_is_refused() -> None:
    signer, _ = seed_signer()
    with pytest.raises(ProofError):
        sign(load(EDDSA / "unsigned.json"), signer, verification_method="", created=WHEN)


class _FakeP256Signer:
    algorithm = "ES256"

    @property
    def public_key(self) -> Any:  # pragma: no cover - never reached
        raise AssertionError

    def sign(self, data: bytes) -> bytes:  # pragma: no cover - never reached
        raise AssertionError


def test_a_key_of_another_algorithm_is_refused() -> None:
    with pytest.raises(ProofError) as err:
        sign(credential({"a": "b"}), _FakeP256Signer(), verification_method="did:x", created=WHEN)
    assert err.value.code == "proof.key_mismatch"


def test_undefined_terms_are_refused_before_signing() -> None:
    doc = credential({"id": "did:example:subject"}, contexts=())
    doc["undefinedTerm"] = "would escape the signature"
    with pytest.raises(SafeModeError) as err:
        signed_with(doc)
    assert err.value.code == "jsonld.undefined_term"
    assert err.value.detail["terms"] == ["undefinedTerm"]


def test_jcs_signs_what_json_ld_would_not_understand() -> None:
    doc = credential({"id": "did:example:subject"}, contexts=())
    doc["undefinedTerm"] = "covered by JCS bytes"
    signed = signed_with(doc, cryptosuite="eddsa-jcs-2022")
    assert verify_proofs(signed, resolver=RESOLVER)[0].verified


def test_content_javascript_would_order_differently_is_refused() -> None:
    with pytest.raises(ProofError) as err:
        signed_with(credential({"tag": ["🎓 graduate", "！important"]}))
    assert err.value.code == "proof.ambiguous_order"
    # Apart (different properties), the same characters are fine.
    signed = signed_with(credential({"tag": "🎓 graduate", "note": "！important"}))
    assert verify_proofs(signed, resolver=RESOLVER)[0].verified


def test_unknown_context_is_refused_when_signing() -> None:
    with pytest.raises(JsonLdError) as err:
        signed_with(credential({"a": "b"}, contexts=("https://unknown.example/ctx",)))
    assert err.value.code == "jsonld.unknown_context"


def test_only_objects_are_signed() -> None:
    signer, vm = seed_signer()
    with pytest.raises(InputError):
        sign([1, 2], signer, verification_method=vm, created=WHEN)  # type: ignore[arg-type]


def test_canonical_helpers_refuse_non_objects_and_unknown_suites() -> None:
    with pytest.raises(InputError):
        canonical_proof_config(load(EDDSA / "unsigned.json"), ["not a proof"])  # type: ignore[arg-type]
    with pytest.raises(InputError):
        canonical_document("text")  # type: ignore[arg-type]
    with pytest.raises(ProofError) as err:
        canonical_document(load(EDDSA / "unsigned.json"), "rsa-2018")
    assert err.value.code == "proof.unsupported_cryptosuite"


def test_registry_is_an_explicit_read_only_allow_list() -> None:
    assert set(SUITES) == {"eddsa-rdfc-2022", "eddsa-jcs-2022", "Ed25519Signature2020"}
    with pytest.raises(TypeError):
        SUITES["mine"] = SUITES["eddsa-rdfc-2022"]  # type: ignore[index]
    assert suite_named("eddsa-jcs-2022").proof_has_context
    assert not suite_named("Ed25519Signature2020").can_sign
    assert suite_for({"type": "Ed25519Signature2020"}).name == "Ed25519Signature2020"
    for proof in ({"type": "Ed25519Signature2018"}, {"type": "DataIntegrityProof"}, {"type": 3}):
        with pytest.raises(ProofError):
            suite_for(proof)


def test_signing_is_deterministic() -> None:
    signer = Ed25519Signer.from_seed(bytes(32))
    doc = load(EDDSA / "unsigned.json")
    one = sign(doc, signer, verification_method="did:key:x#y", created=WHEN)
    two = sign(doc, signer, verification_method="did:key:x#y", created=WHEN)
    assert one == two
