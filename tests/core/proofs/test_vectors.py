"""Published vectors, reproduced byte for byte: W3C vc-di-eddsa, proof sets and chains,
the 1EdTech implementation guide, and the W3C Data Integrity test-suite chain inputs."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from insignia.core import multibase
from insignia.core.jsonld.canonical import canonicalize
from insignia.core.keys import Ed25519Signer
from insignia.core.proofs import canonical_document, canonical_proof_config, sign, verify_proofs
from insignia.core.proofs.suites import hash_data
from insignia.core.resolver import DidKeyResolver
from tests.core.proofs.helpers import (
    CHAIN,
    DI_SUITE,
    EDDSA,
    ONE_ED,
    chain_signers,
    load,
    onedtech_resolver,
    vector_signer,
)

RESOLVER = DidKeyResolver()


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8").strip()


SUITE_FILES = {
    "eddsa-rdfc-2022": ("eddsa-rdfc-2022", "DataInt", "signedDataInt.json"),
    "eddsa-jcs-2022": ("eddsa-jcs-2022", "JCS", "signedJCS.json"),
    "Ed25519Signature2020": ("Ed25519Signature2020", "EdSig", "signedEdSig.json"),
}


@pytest.mark.parametrize("suite", list(SUITE_FILES))
def test_every_intermediate_value_of_the_w3c_vectors(suite: str) -> None:
    folder, tag, signed_name = SUITE_FILES[suite]
    base = EDDSA / folder
    signed = load(base / signed_name)
    proof = signed["proof"]

    doc_bytes = canonical_document(signed, suite)
    config_bytes = canonical_proof_config(signed, proof)
    assert doc_bytes == (base / f"canonDoc{tag}.txt").read_bytes()
    assert config_bytes == (base / f"proofCanon{tag}.txt").read_bytes()
    assert hashlib.sha256(doc_bytes).hexdigest() == text(base / f"docHash{tag}.txt")
    assert hashlib.sha256(config_bytes).hexdigest() == text(base / f"proofHash{tag}.txt")
    combined = hash_data(config_bytes, doc_bytes)
    # The JCS folder's "combinedHash" file holds only the proof hash; the others hold both.
    assert combined.hex().startswith(text(base / f"combinedHash{tag}.txt"))

    signer, _ = vector_signer()
    signature = signer.sign(combined)
    assert signature.hex() == text(base / f"sigHex{tag}.txt")
    assert (
        multibase.encode(signature, "z") == text(base / f"sigBTC58{tag}.txt") == proof["proofValue"]
    )

    (result,) = verify_proofs(signed, resolver=RESOLVER)
    assert result.verified, result.message
    assert result.controller == "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_signing_reproduces_the_whole_signed_document(suite: str) -> None:
    folder, _, signed_name = SUITE_FILES[suite]
    config = load(EDDSA / folder / f"proofConfig{SUITE_FILES[suite][1]}.json")
    signer, vm = vector_signer()
    assert vm == config["verificationMethod"]
    signed = sign(
        load(EDDSA / "unsigned.json"),
        signer,
        verification_method=vm,
        cryptosuite=suite,
        created=config["created"],
    )
    assert signed == load(EDDSA / folder / signed_name)
    assert list(signed["proof"]) == list(load(EDDSA / folder / signed_name)["proof"])


def test_proof_set_vectors_are_reproduced() -> None:
    (k1, vm1), (k2, vm2), _, _ = chain_signers()
    unsigned = load(CHAIN / "unsigned.json")
    first = load(CHAIN / "proofSetConfig1.json")
    second = load(CHAIN / "proofSetConfig2.json")
    one = sign(
        unsigned, k1, verification_method=vm1, created=first["created"], proof_id=first["id"]
    )
    assert one == load(CHAIN / "signedProofSet1.json")
    two = sign(one, k2, verification_method=vm2, created=second["created"], proof_id=second["id"])
    assert two == load(CHAIN / "signedProofSet2.json")
    assert [r.verified for r in verify_proofs(two, resolver=RESOLVER)] == [True, True]


def test_proof_chain_vectors_are_reproduced() -> None:
    _, _, (k3, vm3), (k4, vm4) = chain_signers()
    set_of_two = load(CHAIN / "signedProofSet2.json")
    config1 = load(CHAIN / "proofChainConfig1.json")
    config2 = load(CHAIN / "proofChainConfig2.json")

    temp1 = {**load(CHAIN / "unsigned.json"), "proof": set_of_two["proof"]}
    assert temp1 == load(CHAIN / "proofChainTempDoc1.json")
    chain1 = sign(
        set_of_two,
        k3,
        verification_method=vm3,
        created=config1["created"],
        proof_id=config1["id"],
        previous_proof=config1["previousProof"],
    )
    assert chain1 == load(CHAIN / "signedProofChain1.json")
    assert chain1["proof"][2] == load(CHAIN / "proofChainConfigSigned1.json")

    chain2 = sign(
        chain1,
        k4,
        verification_method=vm4,
        created=config2["created"],
        previous_proof=config2["previousProof"],
    )
    assert chain2 == load(CHAIN / "signedProofChain2.json")
    assert chain2["proof"][3] == load(CHAIN / "proofChainConfigSigned2.json")
    # Each chained proof signs the document with exactly the proofs it names.
    temp2 = load(CHAIN / "proofChainTempDoc2.json")
    assert canonical_document(chain2, for_proof=chain2["proof"][3]) == canonicalize(temp2).encode()
    assert canonical_document(chain1, for_proof=chain1["proof"][2]) == canonicalize(temp1).encode()


@pytest.mark.parametrize(
    "name", ["signedProofSet1", "signedProofSet2", "signedProofChain1", "signedProofChain2"]
)
def test_proof_set_and_chain_vectors_verify(name: str) -> None:
    results = verify_proofs(load(CHAIN / f"{name}.json"), resolver=RESOLVER)
    assert results and all(r.verified for r in results), [r.code for r in results]


@pytest.mark.parametrize("folder", ["obv3p0", "clrv2p0"])
def test_1edtech_implementation_guide_vector(folder: str) -> None:
    base = ONE_ED / folder
    pair = load(base / "keyPair.json")
    options = load(base / "proofOptions.json")
    hashes = load(base / "hashes.json")
    signer = Ed25519Signer.from_multibase(pair["secretKeyMultibase"])  # 64-byte secret form
    assert signer.seed.hex() == pair["privateKeyHex"][:64]

    signed = sign(
        load(base / "unsigned.json"),
        signer,
        verification_method=options["verificationMethod"],
        created=options["created"],
    )
    expected = load(base / "signed.json")
    expected_proof = (
        expected["proof"][0] if isinstance(expected["proof"], list) else expected["proof"]
    )
    assert signed["proof"] == expected_proof == {**options, "proofValue": hashes["proofValue"]}
    assert {k: v for k, v in signed.items() if k != "proof"} == {
        k: v for k, v in expected.items() if k != "proof"
    }

    doc_bytes = canonical_document(signed)
    config_bytes = canonical_proof_config(signed, signed["proof"])
    assert doc_bytes == (base / "document-canon.txt").read_bytes()
    assert config_bytes == (base / "proof-canon.txt").read_bytes()
    assert hashlib.sha256(doc_bytes).hexdigest() == hashes["documentHashHex"]
    assert hashlib.sha256(config_bytes).hexdigest() == hashes["proofHashHex"]
    assert hash_data(config_bytes, doc_bytes).hex() == hashes["dataToSignHex"]

    (result,) = verify_proofs(expected, resolver=onedtech_resolver(folder))
    assert result.verified, result.message
    assert result.controller == "https://example.edu/issuers/565049"
    (unresolvable,) = verify_proofs(expected, resolver=RESOLVER)
    assert not unresolvable.verified
    assert unresolvable.code == "resolve.unsupported_method"


CHAIN_INPUTS = sorted((DI_SUITE / "inputs" / "eddsa-rdfc-2022").glob("*.json"))


@pytest.mark.parametrize("path", CHAIN_INPUTS, ids=[p.stem for p in CHAIN_INPUTS])
def test_data_integrity_suite_chain_inputs(path: Path) -> None:
    results = verify_proofs(load(path), resolver=RESOLVER)
    assert len(results) == 2
    if "Ok" in path.stem:
        assert all(r.verified for r in results), [r.code for r in results]
    else:
        assert not results[1].verified
        expected = (
            "proof.previous_proof_invalid"
            if "NotString" in path.stem
            else "proof.previous_proof_missing"
        )
        assert results[1].code == expected


def test_pre_rename_cryptosuite_is_refused_by_name() -> None:
    (result,) = verify_proofs(
        load(DI_SUITE / "tests" / "fixtures" / "issuedVc.json"), resolver=RESOLVER
    )
    assert not result.verified
    assert result.code == "proof.unsupported_cryptosuite"
    assert result.cryptosuite == "eddsa-2022"
