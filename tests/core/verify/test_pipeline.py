"""The verifier end to end: formats, order of checks, recipients, and hostile input."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from insignia.core import proofs
from insignia.core.baking import bake_png, bake_svg
from insignia.core.errors import InputError, InsigniaError
from insignia.core.keys import Ed25519Signer
from insignia.core.report import Outcome
from insignia.core.resolver import DidKeyResolver
from insignia.core.vcjwt import sign_vc_jwt
from insignia.core.verify import Recipient, VerifyOptions, verify_bytes, verify_credential
from insignia.core.verify.recipient import identity_matches
from tests.support.paths import VECTORS

NOW = datetime(2026, 11, 28, tzinfo=UTC)
SIGNER = Ed25519Signer.from_seed(bytes(range(32)))
OB = VECTORS / "1edtech-ob-spec"
HEART = (VECTORS / "ob2-concentricsky-openbadges-bakery" / "public_domain_heart.png").read_bytes()
SVG = (VECTORS / "ob2-concentricsky-openbadges-bakery" / "unbaked_example.svg").read_bytes()


def options(**kw: Any) -> VerifyOptions:
    return VerifyOptions(now=NOW, resolver=DidKeyResolver(), **kw)


def badge(**changes: Any) -> dict[str, Any]:
    """An OB 3.0 credential issued by SIGNER's did:key to a hashed email, unsigned."""
    doc = json.loads((OB / "impl-guide-test-vectors/obv3p0/unsigned.json").read_text())
    doc["issuer"]["id"] = SIGNER.public_key.did_key
    doc["credentialSubject"].pop("id", None)
    doc["credentialSubject"]["identifier"] = [
        {
            "type": "IdentityObject",
            "identityHash": "sha256$"
            + "b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399",
            "identityType": "emailAddress",
            "hashed": True,
            "salt": "Kosher",
        }
    ]
    doc.update(changes)
    return doc


def sign(doc: dict[str, Any], suite: str = "eddsa-rdfc-2022") -> dict[str, Any]:
    return proofs.sign(
        doc,
        SIGNER,
        verification_method=SIGNER.public_key.did_key_verification_method,
        cryptosuite=suite,
        created="2026-01-01T00:00:00Z",
    )


SIGNED = sign(badge())


def test_checks_run_in_the_ob3_order() -> None:
    report = verify_credential(SIGNED, options())
    codes = [c.code for c in report.checks]
    order = [
        "context",
        "type",
        "jsonld.safe_mode",
        "schema.vcdm",
        "schema.ob3",
        "proof.signature",
        "status",
        "dates.valid_from",
        "dates.valid_until",
        "recipient",
    ]
    assert codes == order
    assert report.valid, [c.to_dict() for c in report.failures]


def test_the_1edtech_implementation_guide_vector_verifies_with_a_warning() -> None:
    """Its key sits in an https URL fragment: accepted as 1EdTech does, but said aloud."""
    report = verify_bytes(
        (OB / "impl-guide-test-vectors/obv3p0/signed.json").read_bytes(), VerifyOptions(now=NOW)
    )
    assert report.outcome_of("proof.signature") is Outcome.WARNING
    assert report.valid


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_every_suite_verifies(suite: str) -> None:
    assert verify_credential(sign(badge(), suite), options()).valid


def test_vc_jwt_verifies_through_the_same_pipeline() -> None:
    token = sign_vc_jwt(badge(), SIGNER, kid=SIGNER.public_key.did_key_verification_method)
    report = verify_bytes(token.encode(), options())
    assert report.format == "ob3-jwt"
    assert report.valid, [c.to_dict() for c in report.failures]
    assert report.outcome_of("jwt.signature") is Outcome.PASS


def test_tampered_jwt_fails() -> None:
    token = sign_vc_jwt(badge(), SIGNER, kid=SIGNER.public_key.did_key_verification_method)
    head, payload, sig = token.split(".")
    forged = ".".join([head, payload, sig[:-4] + ("AAAA" if sig[-4:] != "AAAA" else "BBBB")])
    assert not verify_bytes(forged.encode(), options()).valid


@pytest.mark.parametrize("image", ["png", "svg"])
@pytest.mark.parametrize("form", ["json", "jwt"])
def test_baked_images_verify(image: str, form: str) -> None:
    payload = (
        json.dumps(SIGNED)
        if form == "json"
        else sign_vc_jwt(badge(), SIGNER, kid=SIGNER.public_key.did_key_verification_method)
    )
    baked = bake_png(HEART, payload) if image == "png" else bake_svg(SVG, payload)
    report = verify_bytes(baked, options())
    assert report.valid, [c.to_dict() for c in report.failures]
    assert report.format.startswith(f"ob3-{image}")
    assert report.checks[0].code == "input.baked"


@pytest.mark.parametrize(
    "name",
    [
        "ob2-concentricsky-openbadges-bakery/baked_heart.png",
        "ob2-concentricsky-openbadges-bakery/baked_example.svg",
        "ob2-mozilla-openbadges-bakery/baked.svg",
        "ob2-1edtech-validator-core/baked_heart_a0a5385.png",
    ],
)
def test_ob2_baked_badges_go_to_the_ob2_verifier(name: str) -> None:
    report = verify_bytes((VECTORS / name).read_bytes(), options())
    assert report.format.startswith("ob2")
    assert report.checks[0].code == "input.baked"
    assert report.checks[1].code == "ob2.parse"


def test_recipient_matches_the_salted_hash() -> None:
    good = verify_credential(SIGNED, options(recipient=Recipient("a@example.com")))
    bad = verify_credential(SIGNED, options(recipient=Recipient("b@example.com")))
    assert good.outcome_of("recipient") is Outcome.PASS
    assert bad.outcome_of("recipient") is Outcome.FAIL
    assert not bad.valid


def test_identity_hash_compares_hex_case_insensitively() -> None:
    entry = dict(SIGNED["credentialSubject"]["identifier"][0])
    entry["identityHash"] = entry["identityHash"].upper().replace("SHA256$", "sha256$")
    assert identity_matches(entry, Recipient("a@example.com"))


def test_non_ascii_addresses_and_hashes_compare_without_error() -> None:
    """Found by fuzzing: ``hmac.compare_digest`` raises TypeError on non-ASCII ``str``."""
    import hashlib

    from insignia.core.ob2.recipient import recipient_matches

    entry = dict(SIGNED["credentialSubject"]["identifier"][0])
    assert not identity_matches(entry, Recipient("jürgen@example.com"))
    plain = {"identityType": "emailAddress", "hashed": False, "identityHash": "jürgen@example.com"}
    assert identity_matches(plain, Recipient("jürgen@example.com"))
    assert not identity_matches({**plain, "identityHash": "zoë@example.com"}, Recipient("z@x.y"))
    digest = hashlib.sha256("jürgen@example.com".encode()).hexdigest()
    assert recipient_matches(
        {"type": "email", "hashed": True, "identity": f"sha256${digest}"}, "jürgen@example.com"
    )
    assert not recipient_matches({"type": "email", "hashed": False, "identity": "é"}, "e")


def test_not_yet_valid_and_expired() -> None:
    future = verify_credential(sign(badge(validFrom="2030-01-01T00:00:00Z")), options())
    assert future.outcome_of("dates.valid_from") is Outcome.FAIL
    past = verify_credential(sign(badge(validUntil="2020-01-01T00:00:00Z")), options())
    assert past.outcome_of("dates.valid_until") is Outcome.FAIL


def test_key_not_controlled_by_the_issuer_fails() -> None:
    other = Ed25519Signer.from_seed(b"\x07" * 32)
    doc = proofs.sign(
        badge(),
        other,
        verification_method=other.public_key.did_key_verification_method,
        created="2026-01-01T00:00:00Z",
    )
    report = verify_credential(doc, options())
    assert report.outcome_of("proof.issuer_key") is Outcome.FAIL
    assert not report.valid


def test_unsigned_credential_fails() -> None:
    report = verify_credential(badge(), options())
    assert report.outcome_of("proof") is Outcome.FAIL


def test_undefined_term_added_after_signing_fails_safe_mode() -> None:
    doc = copy.deepcopy(SIGNED)
    doc["credentialSubject"]["achievement"]["secretLevel"] = "expert"
    report = verify_credential(doc, options())
    assert report.outcome_of("jsonld.safe_mode") is Outcome.FAIL
    assert not report.valid


def test_endorsement_inside_a_credential_is_verified() -> None:
    endorsement = json.loads((OB / "spec-examples" / "endorsement.json").read_text())
    endorsement["issuer"] = {
        "id": SIGNER.public_key.did_key,
        "type": ["Profile"],
        "name": "Endorser",
    }
    endorsement.pop("proof", None)
    signed_endorsement = sign(endorsement)
    doc = badge()
    doc["credentialSubject"]["achievement"]["endorsement"] = [signed_endorsement]
    report = verify_credential(sign(doc), options())
    outcomes = [c for c in report.checks if c.code == "endorsement"]
    assert outcomes and outcomes[0].outcome is Outcome.PASS


def test_naive_time_is_refused() -> None:
    with pytest.raises(InputError):
        VerifyOptions(now=datetime(2026, 1, 1))


@pytest.mark.parametrize(
    "data",
    [
        b"[" * 10_000 + b"]" * 10_000,
        b'{"a": "' + b"x" * (20 * 1024 * 1024) + b'"}',
        b"<?xml version='1.0'?><!DOCTYPE l [<!ENTITY a 'aaaa'><!ENTITY b '&a;&a;&a;&a;'>]>"
        b"<svg xmlns='http://www.w3.org/2000/svg'>&b;</svg>",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"[1, 2, 3]",
        b"null",
    ],
    ids=["deep", "huge", "xml-bomb", "truncated-png", "array", "null"],
)
def test_hostile_input_is_a_clear_error(data: bytes) -> None:
    with pytest.raises(InsigniaError) as err:
        verify_bytes(data, options())
    assert err.value.code.split(".")[0] in {"input", "bake"}


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
    max_leaves=8,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


PATHS = _paths(SIGNED)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PATHS), JSON_VALUES)
def test_any_mutation_of_a_signed_badge_gives_a_report_never_a_crash(
    path: tuple[Any, ...], value: Any
) -> None:
    doc = copy.deepcopy(SIGNED)
    node: Any = doc
    for key in path[:-1]:
        node = node[key]
    if node[path[-1]] == value:
        return
    node[path[-1]] = value
    report = verify_credential(doc, options())
    assert report.checks
    if report.valid:  # only a change that means the same RDF may keep the signature valid
        assert proofs.canonical_document(doc, "eddsa-rdfc-2022") == proofs.canonical_document(
            SIGNED, "eddsa-rdfc-2022"
        )
        assert doc["proof"] == SIGNED["proof"]


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_crash_the_verifier(data: bytes) -> None:
    try:
        report = verify_bytes(data, options())
    except InsigniaError:
        return
    assert report.checks
