"""DID identifiers and the documents we publish: did:key, did:web, controller documents, JWKS."""

from __future__ import annotations

import json
from typing import Any

import pytest

from insignia.core import dids, keys, multibase
from insignia.core.errors import KeyFormatError, ResolutionError
from insignia.core.resolver import DefaultResolver
from tests.support.paths import VECTORS

ED = keys.Ed25519Signer.from_seed(bytes(range(32))).public_key
P256 = keys.public_key_from_multibase("zDnaegE6RR3atJtHKwTRTWHsJ3kNHqFwv7n9YjTgmU7TyfU76")
RSA = keys.public_key_from_pem(
    (VECTORS / "ob2-mozilla-openbadges-validator" / "rsa-public.pem").read_bytes()
)

# ---------------------------------------------------------------------------------- did:key


def test_did_key_document_for_an_ed25519_key() -> None:
    did = ED.did_key
    doc = dids.did_key_document(did)
    vm_id = f"{did}#{ED.multibase}"
    assert doc["id"] == did
    assert doc["@context"] == [dids.DID_V1, dids.MULTIKEY_V1]
    assert doc["verificationMethod"] == [
        {"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": ED.multibase}
    ]
    for relationship in ("authentication", "assertionMethod", "capabilityInvocation"):
        assert doc[relationship] == [vm_id]
    assert "keyAgreement" not in doc


def test_did_key_document_for_a_p256_key() -> None:
    doc = dids.did_key_document(f"did:key:{P256.multibase}")
    assert doc["verificationMethod"][0]["publicKeyMultibase"].startswith("zDn")


@pytest.mark.parametrize(
    "did", ["did:web:example.com", f"did:key:{ED.multibase}#{ED.multibase}", "did:key:zABC", 7]
)
def test_did_key_document_refuses_other_input(did: Any) -> None:
    with pytest.raises(KeyFormatError):
        dids.did_key_document(did)


# ---------------------------------------------------------------------------------- did:web


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:example.com", "https://example.com/.well-known/did.json"),
        ("did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"),
        ("did:web:example.com%3A3000", "https://example.com:3000/.well-known/did.json"),
        ("did:web:example.com%3a3000:a:b", "https://example.com:3000/a/b/did.json"),
        ("did:web:Example.COM", "https://example.com/.well-known/did.json"),
        ("did:web:example.com:a%20b", "https://example.com/a%20b/did.json"),
        (
            "did:web:digitalcredentials.github.io:vc-test-fixtures:dids:oidf",
            "https://digitalcredentials.github.io/vc-test-fixtures/dids/oidf/did.json",
        ),
    ],
)
def test_did_web_maps_to_its_document_url(did: str, url: str) -> None:
    assert dids.did_web_to_url(did) == url


@pytest.mark.parametrize(
    "did",
    [
        "did:web:",
        "did:key:z6Mk",
        "did:web:example.com#key-1",
        "did:web:example.com?service=x",
        "did:web:example.com/path",
        "did:web:example.com:",
        "did:web:example.com::a",
        "did:web:example.com:..",
        "did:web:example.com:a%2",
        "did:web:-bad.com",
        "did:web:exa_mple.com",
        "did:web:example.com%3A",
        "did:web:example.com%3A99999",
        "did:web:example.com%3Aabc",
        "did:web:127.0.0.1",
        "did:web:exämple.com",
        "did:web:user@example.com",
    ],
)
def test_malformed_did_web_is_refused(did: str) -> None:
    with pytest.raises(KeyFormatError) as err:
        dids.did_web_to_url(did)
    assert err.value.code == "did.invalid"


@pytest.mark.parametrize(
    ("url", "did"),
    [
        ("https://example.com", "did:web:example.com"),
        ("https://example.com/", "did:web:example.com"),
        ("https://example.com/.well-known/did.json", "did:web:example.com"),
        ("https://insignia.example/orgs/acme", "did:web:insignia.example:orgs:acme"),
        ("https://insignia.example/orgs/acme/did.json", "did:web:insignia.example:orgs:acme"),
        ("https://localhost:8443/orgs/acme", "did:web:localhost%3A8443:orgs:acme"),
    ],
)
def test_did_web_from_url(url: str, did: str) -> None:
    assert dids.did_web_from_url(url) == did
    assert dids.did_web_from_url(dids.did_web_to_url(did)) == did


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/",
        "https://127.0.0.1/x",
        "https://example.com/?q=1",
        "https://example.com/#f",
        "https://u:p@example.com/",
        "https://example.com/a/../b",
    ],
)
def test_did_web_from_url_refuses_what_cannot_be_a_did_web(url: str) -> None:
    with pytest.raises(KeyFormatError):
        dids.did_web_from_url(url)


# -------------------------------------------------------------------------------- documents


def test_did_web_document_for_an_issuer_organisation() -> None:
    did = "did:web:insignia.example:orgs:acme"
    doc = dids.did_web_document(
        did,
        [("key-1", ED), ("jwt-rsa", RSA), ("jwt-p256", P256)],
        also_known_as=["https://insignia.example/orgs/acme"],
    )
    assert doc["@context"] == [dids.DID_V1, dids.MULTIKEY_V1, dids.JWK_V1]
    assert doc["id"] == did
    assert doc["alsoKnownAs"] == ["https://insignia.example/orgs/acme"]
    ed, rsa, p256 = doc["verificationMethod"]
    assert ed == {
        "id": f"{did}#key-1",
        "type": "Multikey",
        "controller": did,
        "publicKeyMultibase": ED.multibase,
    }
    assert rsa["type"] == "JsonWebKey"
    assert rsa["publicKeyJwk"] == RSA.to_jwk()
    assert p256["publicKeyJwk"]["crv"] == "P-256"
    ids = [f"{did}#key-1", f"{did}#jwt-rsa", f"{did}#jwt-p256"]
    assert doc["assertionMethod"] == ids
    assert doc["authentication"] == ids
    json.dumps(doc)  # serialisable as is


def test_ed25519_only_documents_need_no_jwk_context() -> None:
    doc = dids.did_web_document("did:web:example.com", [("k", ED)])
    assert doc["@context"] == [dids.DID_V1, dids.MULTIKEY_V1]
    assert "service" not in doc and "alsoKnownAs" not in doc


def test_documents_we_publish_resolve_with_our_own_resolver() -> None:
    did = "did:web:insignia.example:orgs:acme"
    doc = dids.did_web_document(did, [("key-1", ED), ("jwt", RSA)])
    resolver = DefaultResolver(documents={did: doc})
    for fragment, key in (("key-1", ED), ("jwt", RSA)):
        vm = resolver.resolve(f"{did}#{fragment}")
        assert vm.public_key == key
        assert vm.controller == did
        assert vm.warnings == ()
        assert resolver.resolve(f"{did}#{fragment}", purpose="authentication").public_key == key
    with pytest.raises(ResolutionError) as err:
        resolver.resolve(f"{did}#key-1", purpose="capabilityInvocation")
    assert err.value.code == "resolve.not_authorized"


@pytest.mark.parametrize(
    ("fragments", "code"),
    [
        (["a", "a"], "did.duplicate_fragment"),
        (["a#b"], "did.invalid_fragment"),
        ([""], "did.invalid_fragment"),
        (["has space"], "did.invalid_fragment"),
    ],
)
def test_bad_fragments(fragments: list[str], code: str) -> None:
    with pytest.raises(KeyFormatError) as err:
        dids.did_web_document("did:web:example.com", [(f, ED) for f in fragments])
    assert err.value.code == code


def test_did_web_document_refuses_a_non_did_web_id() -> None:
    with pytest.raises(KeyFormatError):
        dids.did_web_document("https://example.com", [("k", ED)])
    assert dids.controller_document("https://example.com/issuer", [("k", ED)])["id"] == (
        "https://example.com/issuer"
    )


def test_services_are_copied() -> None:
    service = {"id": "#ob", "type": "OpenBadgesService", "serviceEndpoint": "https://x.example"}
    doc = dids.did_web_document("did:web:x.example", [("k", ED)], services=[service])
    assert doc["service"] == [service]


# ------------------------------------------------------------------------------------ JWKS


def test_jwks_with_thumbprint_kids_and_issuer() -> None:
    jwk_set = dids.jwks([RSA, ("p256-2026", P256)], issuer="https://insignia.example/orgs/acme")
    first, second = jwk_set["keys"]
    assert first == {
        **RSA.to_jwk(),
        "kid": keys.jwk_thumbprint(RSA),
        "alg": "RS256",
        "use": "sig",
        "iss": "https://insignia.example/orgs/acme",
    }
    assert second["kid"] == "p256-2026"
    assert second["alg"] == "ES256"
    for entry in jwk_set["keys"]:
        assert not keys.PRIVATE_JWK_MEMBERS.intersection(entry)
        keys.public_key_from_jwk({k: v for k, v in entry.items() if k != "iss"})


def test_jwks_refuses_duplicate_kids() -> None:
    with pytest.raises(KeyFormatError) as err:
        dids.jwks([RSA, RSA])
    assert err.value.code == "jwks.duplicate_kid"
    assert dids.jwks([]) == {"keys": []}


# ------------------------------------------------------------------- reading method entries


@pytest.mark.parametrize(
    ("method", "warned"),
    [
        ({"type": "Multikey", "publicKeyMultibase": ED.multibase}, False),
        ({"type": "Ed25519VerificationKey2020", "publicKeyMultibase": ED.multibase}, True),
        (
            {
                "type": "Ed25519VerificationKey2018",
                "publicKeyBase58": multibase.b58encode(ED.raw),
            },
            True,
        ),
        ({"type": "JsonWebKey", "publicKeyJwk": ED.to_jwk()}, False),
        ({"type": "JsonWebKey2020", "publicKeyJwk": ED.to_jwk()}, True),
        ({"type": "MultiKey", "publicKeyMultibase": ED.multibase}, True),
    ],
)
def test_key_from_method_reads_current_and_legacy_forms(
    method: dict[str, Any], warned: bool
) -> None:
    key, warnings = dids.key_from_method(method)
    assert key == ED
    assert bool(warnings) is warned


@pytest.mark.parametrize(
    ("method", "code"),
    [
        (
            {"type": "EcdsaSecp256k1VerificationKey2019", "publicKeyMultibase": "z"},
            "resolve.unsupported_type",
        ),
        ({"publicKeyMultibase": ED.multibase}, "resolve.unsupported_type"),
        ({"type": "Multikey"}, "resolve.ambiguous_key"),
        (
            {"type": "Multikey", "publicKeyMultibase": ED.multibase, "publicKeyJwk": ED.to_jwk()},
            "resolve.ambiguous_key",
        ),
        (
            {"type": "Ed25519VerificationKey2020", "publicKeyMultibase": P256.multibase},
            "resolve.unsupported_key",
        ),
        ({"type": "Multikey", "publicKeyBase58": "abc"}, "resolve.unsupported_key"),
        ({"type": "Multikey", "publicKeyMultibase": 12}, "resolve.unsupported_key"),
        (
            {"type": "JsonWebKey", "publicKeyJwk": {"kty": "oct", "k": "AA"}},
            "resolve.unsupported_key",
        ),
    ],
)
def test_key_from_method_refusals(method: dict[str, Any], code: str) -> None:
    with pytest.raises(ResolutionError) as err:
        dids.key_from_method(method)
    assert err.value.code == code
