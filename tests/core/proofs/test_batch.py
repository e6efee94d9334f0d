"""Cohort signing: ``sign_many`` returns what ``sign`` returns, in one process or several,
and its fast-path proofValues equal the reference peer's."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

from insignia.core.errors import InputError, SafeModeError
from insignia.core.jsonld import shapes
from insignia.core.jsonld.canonical import canonicalize_checked
from insignia.core.jsonld.loader import DEFAULT_STORE
from insignia.core.proofs import batch, sign, sign_many, verify_proofs
from insignia.core.resolver import DidKeyResolver
from tests.core.proofs.helpers import CREATED, ONE_ED, SEED_HEX, load, peer_jsonl, seed_signer

ALPHABET = 'aé🎓"\\\n\x01\x7f \u2028z'


def cohort(n: int, seed: int = 7) -> list[dict[str, Any]]:
    """``n`` OB 3.0 credentials of one shape: ids, names and hashes differ, some oddly."""
    signer, _ = seed_signer()
    rng = random.Random(seed)
    base = load(ONE_ED / "obv3p0" / "unsigned.json")
    base.pop("proof", None)
    base["issuer"]["id"] = signer.public_key.did_key
    docs = []
    for i in range(n):
        doc = copy.deepcopy(base)
        doc["id"] = f"urn:uuid:00000000-0000-4000-8000-{i:012d}"
        doc["credentialSubject"]["id"] = f"did:example:learner-{rng.randrange(10**9)}"
        doc["name"] = "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(12)))
        docs.append(doc)
    return docs


def sign_one(doc: dict[str, Any]) -> dict[str, Any]:
    signer, vm = seed_signer()
    return sign(doc, signer, verification_method=vm, created=CREATED)


@pytest.mark.parametrize("processes", [1, 2])
def test_sign_many_equals_sign(processes: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "CHUNK", 20)
    signer, vm = seed_signer()
    docs = cohort(90)
    many = sign_many(docs, signer, verification_method=vm, created=CREATED, processes=processes)
    assert many == [sign_one(d) for d in docs]
    assert all(verify_proofs(s, resolver=DidKeyResolver())[0].verified for s in many[:5])


def test_cohort_takes_the_template_route() -> None:
    docs = cohort(30)
    for doc in docs:
        fast = shapes.canonical(doc, DEFAULT_STORE)
        assert fast is not None
        assert fast == canonicalize_checked(doc)


@pytest.mark.parametrize("processes", [1, 2])
def test_sign_many_raises_the_first_error_as_sign_does(
    processes: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "CHUNK", 10)
    signer, vm = seed_signer()
    docs = cohort(40)
    docs[25]["credentialSubject"]["fooUnknown"] = "not signed, so refused"
    with pytest.raises(SafeModeError) as many:
        sign_many(docs, signer, verification_method=vm, created=CREATED, processes=processes)
    with pytest.raises(SafeModeError) as one:
        sign_one(docs[25])
    assert many.value.to_dict() == one.value.to_dict()


def test_processes_must_be_positive() -> None:
    signer, vm = seed_signer()
    with pytest.raises(InputError):
        sign_many([], signer, verification_method=vm, created=CREATED, processes=0)


@pytest.mark.peer
def test_fast_path_proof_values_equal_the_peers() -> None:
    signer, vm = seed_signer()
    docs = cohort(60, seed=11)
    ours = sign_many(docs, signer, verification_method=vm, created=CREATED)
    theirs = peer_jsonl(
        ["sign", "--seed", SEED_HEX, "--suite", "eddsa-rdfc-2022", "--created", CREATED], docs
    )
    assert [s["proof"]["proofValue"] for s in ours] == [t["proof"]["proofValue"] for t in theirs]
