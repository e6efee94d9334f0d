"""Cross-checks with the JavaScript reference peer (Digital Bazaar stack, safe mode on).

Same seed, same ``created``, same verification method: the canonical bytes and the
proofValues must be identical, each side must verify the other's credentials, and both must
reject the same tampering.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from insignia.core.proofs import (
    canonical_document,
    canonical_proof_config,
    sign,
    verify_proofs,
)
from insignia.core.resolver import DidKeyResolver
from tests.core.proofs.helpers import (
    CREATED,
    EDDSA,
    SEED_HEX,
    corpus,
    credential,
    load,
    peer_jsonl,
    seed_signer,
)
from tests.support.peer import require_peer

pytestmark = pytest.mark.peer

RESOLVER = DidKeyResolver()
ED2020 = "https://w3id.org/security/suites/ed25519-2020/v1"


@pytest.fixture(scope="module")
def docs() -> list[dict[str, Any]]:
    """The corpus, issued by the seed key so that the peer's issuer check passes."""
    require_peer()
    signer, _ = seed_signer()
    out = corpus()
    for doc in out:
        doc["issuer"] = signer.public_key.did_key
    return out


def ours(doc: dict[str, Any], suite: str) -> dict[str, Any]:
    signer, vm = seed_signer()
    return sign(doc, signer, verification_method=vm, cryptosuite=suite, created=CREATED)


def peer_sign(docs: list[dict[str, Any]], suite: str) -> list[dict[str, Any]]:
    signed = peer_jsonl(["sign", "--seed", SEED_HEX, "--suite", suite, "--created", CREATED], docs)
    assert len(signed) == len(docs)
    assert all("error" not in s for s in signed), [s.get("error") for s in signed]
    return signed


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_canonical_documents_equal_the_peers(docs: list[dict[str, Any]], suite: str) -> None:
    theirs = peer_jsonl(["canonize", "--suite", suite], docs)
    assert [canonical_document(d, suite).decode("utf-8") for d in docs] == theirs


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_canonical_proof_configs_equal_the_peers(docs: list[dict[str, Any]], suite: str) -> None:
    signed = [ours(d, suite) for d in docs]
    theirs = peer_jsonl(["canonize", "--proof", "--suite", suite], signed)
    assert [canonical_proof_config(s, s["proof"]).decode("utf-8") for s in signed] == theirs


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_proof_values_equal_the_peers(docs: list[dict[str, Any]], suite: str) -> None:
    theirs = peer_sign(docs, suite)
    assert [ours(d, suite)["proof"] for d in docs] == [t["proof"] for t in theirs]


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_the_peer_verifies_ours(docs: list[dict[str, Any]], suite: str) -> None:
    reports = peer_jsonl(["verify", "--skip-status"], [ours(d, suite) for d in docs])
    assert [r["verified"] for r in reports] == [True] * len(docs), [r["errors"] for r in reports]


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022", "Ed25519Signature2020"])
def test_we_verify_the_peers(docs: list[dict[str, Any]], suite: str) -> None:
    if suite == "Ed25519Signature2020":
        docs = [{**d, "@context": [*d["@context"], ED2020]} for d in docs]
    signer, _ = seed_signer()
    for signed in peer_sign(docs, suite):
        (result,) = verify_proofs(signed, resolver=RESOLVER)
        assert result.verified, (result.code, result.message)
        assert result.controller == signer.public_key.did_key


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_both_reject_the_same_tampering(docs: list[dict[str, Any]], suite: str) -> None:
    tampered = []
    for doc in docs[:6]:
        signed = ours(doc, suite)
        signed["validFrom"] = "2024-01-02T00:00:00Z"
        tampered.append(signed)
    other = ours(docs[0], suite)
    stolen = ours(docs[1], suite)
    stolen["proof"]["proofValue"] = other["proof"]["proofValue"]
    tampered.append(stolen)
    reports = peer_jsonl(["verify", "--skip-status"], tampered)
    assert not any(r["verified"] for r in reports)
    for signed in tampered:
        assert verify_proofs(signed, resolver=RESOLVER)[0].code == "proof.bad_signature"


def test_proof_sets_made_by_each_side_verify_on_the_other(docs: list[dict[str, Any]]) -> None:
    doc = docs[0]
    ours_then_peer = peer_sign([ours(doc, "eddsa-rdfc-2022")], "eddsa-jcs-2022")[0]
    assert [r.verified for r in verify_proofs(ours_then_peer, resolver=RESOLVER)] == [True, True]
    signer, vm = seed_signer()
    peer_then_ours = sign(
        peer_sign([doc], "eddsa-jcs-2022")[0], signer, verification_method=vm, created=CREATED
    )
    values = {p["proofValue"] for p in ours_then_peer["proof"]}
    assert {p["proofValue"] for p in peer_then_ours["proof"]} == values
    (report,) = peer_jsonl(["verify", "--skip-status"], [peer_then_ours])
    assert [p["verified"] for p in report["proofs"]] == [True, True]


def test_w3c_vectors_are_what_the_peer_makes() -> None:
    require_peer()
    unsigned = load(EDDSA / "unsigned.json")
    vector_seed = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
    (theirs,) = peer_jsonl(["sign", "--seed", vector_seed, "--created", CREATED], [unsigned])
    assert theirs == load(EDDSA / "eddsa-rdfc-2022" / "signedDataInt.json")


def test_chained_proofs_the_peer_checks_one_by_one(docs: list[dict[str, Any]]) -> None:
    """The peer (data-integrity 2.5) verifies each proof alone: it passes the first proof of
    our chain and fails the chained one, which signs the first proof too and which we verify
    with the previousProof algorithm."""
    signer, vm = seed_signer()
    first = sign(docs[0], signer, verification_method=vm, created=CREATED, proof_id="urn:uuid:a")
    chained = sign(
        first,
        signer,
        verification_method=vm,
        created=CREATED,
        proof_id="urn:uuid:b",
        previous_proof="urn:uuid:a",
    )
    (report,) = peer_jsonl(["verify", "--skip-status"], [copy.deepcopy(chained)])
    assert [p["verified"] for p in report["proofs"]] == [True, False]
    assert [r.verified for r in verify_proofs(chained, resolver=RESOLVER)] == [True, True]


def test_javascript_line_order_is_accepted_with_a_warning() -> None:
    """rdf-canonize sorts by UTF-16 code units; we sign in RDFC-1.0 code point order and
    refuse where they differ, but accept the peer's signature there with a warning."""
    require_peer()
    signer, _ = seed_signer()
    doc = credential({"tag": ["🎓 graduate", "！important"]})
    doc["issuer"] = signer.public_key.did_key
    (signed,) = peer_sign([doc], "eddsa-rdfc-2022")
    (result,) = verify_proofs(signed, resolver=RESOLVER)
    assert result.verified
    assert any("UTF-16" in w for w in result.warnings)
