"""Properties: any string value signs and verifies; independent paths agree where cheap."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pyoxigraph as ox
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from insignia.core.errors import ProofError
from insignia.core.jsonld.canonical import to_quads
from insignia.core.proofs import canonical_document, sign, verify_proofs
from insignia.core.resolver import DidKeyResolver
from tests.core.proofs.helpers import credential, nquad_lines, seed_signer

RESOLVER = DidKeyResolver()
WHEN = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)
SUITES = st.sampled_from(["eddsa-rdfc-2022", "eddsa-jcs-2022"])
# Surrogates cannot be encoded as UTF-8 at all, so they never reach a credential.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)


@settings(max_examples=40, deadline=None)
@given(TEXT, TEXT, SUITES)
def test_any_strings_round_trip_sign_then_verify(name: str, other: str, suite: str) -> None:
    signer, vm = seed_signer()
    doc = credential({"name": name, "alumniOf": other})
    try:
        signed = sign(doc, signer, verification_method=vm, cryptosuite=suite, created=WHEN)
    except ProofError as exc:  # only content JavaScript would sort differently is refused
        assert exc.code == "proof.ambiguous_order"
        return
    (result,) = verify_proofs(signed, resolver=RESOLVER)
    assert result.verified, result.message
    if name != other:
        swapped = {**signed, "credentialSubject": {"name": other, "alumniOf": name}}
        assert not verify_proofs(swapped, resolver=RESOLVER)[0].verified


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.text("abcdefghij", min_size=1, max_size=6), TEXT, max_size=5))
def test_jcs_equals_sorted_compact_json_for_string_values(values: dict[str, str]) -> None:
    """Two independent paths: rfc8785 and the standard library agree on ASCII keys + strings."""
    doc = credential(values)
    expected = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert canonical_document(doc, "eddsa-jcs-2022") == expected.encode("utf-8")


@settings(max_examples=40, deadline=None)
@given(TEXT, TEXT)
def test_rdfc_equals_oxigraph_when_no_blank_nodes_look_alike(name: str, other: str) -> None:
    """Our RDFC-1.0 and oxigraph's agree when no n-degree hashing is needed."""
    assume(max(name + other + " ") < "\ue000")  # keep clear of the UTF-16 ordering corner
    doc = credential({"name": name, "alumniOf": other})
    dataset = ox.Dataset(to_quads(doc))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    text = ox.serialize(dataset, format=ox.RdfFormat.N_QUADS).decode("utf-8")
    assert canonical_document(doc) == "".join(sorted(nquad_lines(text))).encode()


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_signature_changes_with_every_signed_member(suite: str) -> None:
    signer, vm = seed_signer()

    def value(subject: str = "x", **options: Any) -> str:
        options = {"verification_method": vm, "created": WHEN, **options}
        signed = sign(credential({"name": subject}), signer, cryptosuite=suite, **options)
        return str(signed["proof"]["proofValue"])

    values = {
        value(),
        value("y"),
        value(created="2026-11-28T12:00:01Z"),
        value(proof_purpose="authentication"),
        value(verification_method=vm + "x"),
    }
    assert len(values) == 5
