"""What signing and verifying remember can never stand in for a different answer.

The proof-configuration bytes are remembered (keyed by the whole configuration, contexts
included, the store and the line order), decoded keys by their text; credentials themselves
are never remembered.  Each test asks twice, so that the second answer comes from memory.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from insignia.core.jsonld.canonical import canonicalize
from insignia.core.jsonld.loader import ContextStore
from insignia.core.proofs import SUITES, canonical_proof_config, sign, verify_proofs
from insignia.core.proofs.model import copy_json
from insignia.core.proofs.suites import hash_data
from insignia.core.resolver import DidKeyResolver
from tests.core.proofs.helpers import EXAMPLES, VC2, credential, seed_signer

RESOLVER = DidKeyResolver()
RDFC = SUITES["eddsa-rdfc-2022"]
CREATED = "2026-01-01T00:00:00Z"
EXTRA = "https://contexts.example/cache"
EXTRA_A = "https://contexts.example/cache-a"
EXTRA_B = "https://contexts.example/cache-b"
STORE = ContextStore(
    extra={
        EXTRA_A: {"@context": {"note": "https://vocab.example/a#note"}},
        EXTRA_B: {"@context": {"note": "https://vocab.example/b#note"}},
    }
)


def config(**changes: Any) -> dict[str, Any]:
    _, vm = seed_signer()
    base = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": CREATED,
        "verificationMethod": vm,
        "proofPurpose": "assertionMethod",
        "@context": [VC2, EXAMPLES],
    }
    return {**base, **changes}


def remembered_and_fresh(cfg: dict[str, Any], store: ContextStore | None = None) -> bytes:
    store = store or ContextStore()
    first = RDFC.canonical_config(cfg, store)
    again = RDFC.canonical_config(copy.deepcopy(cfg), store)
    fresh = canonicalize(cfg, store=store).encode()
    assert first == again == fresh
    return first


@pytest.mark.parametrize(
    "change",
    [
        {"created": "2026-01-01T00:00:01Z"},
        {"verificationMethod": "did:key:z6MkOther#z6MkOther"},
        {"proofPurpose": "authentication"},
        {"domain": "https://verifier.example"},
        {"challenge": "1234"},
        {"expires": "2027-01-01T00:00:00Z"},
        {"id": "urn:uuid:0b5e6c2a-0000-4000-8000-000000000001"},
        {"previousProof": "urn:uuid:p1"},
        {"@context": [VC2, EXTRA_A], "note": "x"},
        {"@context": [VC2, EXTRA_B], "note": "x"},
    ],
)
def test_changing_any_proof_option_or_context_changes_the_hash(change: dict[str, Any]) -> None:
    plain = remembered_and_fresh(config(), STORE)
    changed = remembered_and_fresh(config(**change), STORE)
    assert changed != plain
    assert hash_data(changed, b"") != hash_data(plain, b"")


def test_contexts_that_mean_the_same_give_the_same_bytes_and_others_do_not() -> None:
    plain = remembered_and_fresh(config(), STORE)
    assert remembered_and_fresh(config(**{"@context": [VC2]}), STORE) == plain
    a = remembered_and_fresh(config(**{"@context": [VC2, EXTRA_A], "note": "x"}), STORE)
    b = remembered_and_fresh(config(**{"@context": [VC2, EXTRA_B], "note": "x"}), STORE)
    assert a != b


def test_the_store_and_the_line_order_are_part_of_the_key() -> None:
    cfg = config(**{"@context": [VC2, EXTRA]})
    ours = ContextStore(extra={EXTRA: {"@context": {"note": "https://vocab.example/a#note"}}})
    theirs = ContextStore(extra={EXTRA: {"@context": {"note": "https://vocab.example/b#note"}}})
    cfg["note"] = "x"
    assert remembered_and_fresh(cfg, ours) != remembered_and_fresh(cfg, theirs)
    store = ContextStore()
    tags = config(domain=["🎓 x", "！ x"])
    code_points = RDFC.canonical_config(tags, store)
    utf16 = RDFC.canonical_config(tags, store, utf16_order=True)
    assert code_points != utf16
    assert RDFC.canonical_config(tags, store) == code_points


def test_credentials_differing_in_one_value_never_share_a_signature() -> None:
    signer, vm = seed_signer()
    first = credential({"id": "did:example:s", "alumniOf": "A"})
    second = credential({"id": "did:example:s", "alumniOf": "B"})
    one = sign(first, signer, verification_method=vm, created=CREATED)
    other = sign(second, signer, verification_method=vm, created=CREATED)
    assert one["proof"]["proofValue"] != other["proof"]["proofValue"]
    for signed in (one, other, one, other):
        assert [r.verified for r in verify_proofs(signed, resolver=RESOLVER)] == [True]
    swapped = {**one, "proof": other["proof"]}
    assert [r.code for r in verify_proofs(swapped, resolver=RESOLVER)] == ["proof.bad_signature"]


def test_a_changed_proof_option_fails_after_the_original_was_remembered() -> None:
    signer, vm = seed_signer()
    signed = sign(credential({"alumniOf": "A"}), signer, verification_method=vm, created=CREATED)
    assert verify_proofs(signed, resolver=RESOLVER)[0].verified
    for member, value in (("created", "2026-01-01T00:00:01Z"), ("domain", "example.org")):
        tampered = copy.deepcopy(signed)
        tampered["proof"][member] = value
        assert verify_proofs(tampered, resolver=RESOLVER)[0].code == "proof.bad_signature"
    assert verify_proofs(signed, resolver=RESOLVER)[0].verified


def test_signing_and_verifying_share_the_proof_configuration_bytes() -> None:
    signer, vm = seed_signer()
    signed = sign(credential({"alumniOf": "A"}), signer, verification_method=vm, created=CREATED)
    from_proof = canonical_proof_config(signed, signed["proof"])
    options = {k: v for k, v in signed["proof"].items() if k != "proofValue"}
    assert from_proof == canonicalize({**options, "@context": signed["@context"]}).encode()


def test_copy_json_shares_nothing_mutable() -> None:
    doc: dict[str, Any] = {"a": [{"b": 1.5, "c": None}], "t": ("x", [1]), "s": "text"}
    copied = copy_json(doc)
    assert copied == doc
    assert copied["a"] is not doc["a"]
    assert copied["a"][0] is not doc["a"][0]
    assert copied["t"][1] is not doc["t"][1]  # anything else goes to copy.deepcopy
