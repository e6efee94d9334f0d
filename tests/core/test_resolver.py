"""Key resolution: did:key/did:jwk offline, did:web and https through documents or a fetcher."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from insignia.core import keys, multibase
from insignia.core.errors import InsigniaError, ResolutionError
from insignia.core.fetch import FetchedDocument, MappingFetcher
from insignia.core.resolver import (
    DefaultResolver,
    DidKeyResolver,
    VerificationMethod,
    documents_from_folder,
    resolve_did_jwk,
    resolve_did_key,
)
from tests.support.paths import VECTORS

DCC_DID_WEB = VECTORS / "dcc-verifier-core" / "did-web"
DCC_DIDS = VECTORS / "dcc-vc-test-fixtures" / "dids"
JOSE = VECTORS / "w3c-vc-jose-cose-test-suite" / "input"
ED = keys.Ed25519Signer.from_seed(bytes(range(32))).public_key
OTHER = keys.Ed25519Signer.from_seed(bytes(32)).public_key


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def _vm_of(credential: Path) -> str:
    proof = _load(credential)["proof"]
    method: str = (proof[0] if isinstance(proof, list) else proof)["verificationMethod"]
    return method


class _Recording:
    """A fetcher over a mapping that remembers which URLs were asked for."""

    def __init__(self, documents: dict[str, Any]) -> None:
        self.inner = MappingFetcher(documents)
        self.urls: list[str] = []

    def fetch(self, url: str, *, accept: str) -> FetchedDocument:
        self.urls.append(url)
        assert "application/did+json" in accept
        return self.inner.fetch(url, accept=accept)


# ------------------------------------------------------------------------ did:key, did:jwk


def test_did_key_standard_form() -> None:
    vm = resolve_did_key(ED.did_key_verification_method)
    assert vm == VerificationMethod(ED.did_key_verification_method, ED.did_key, "Multikey", ED)


def test_bare_did_key_is_accepted_with_a_warning() -> None:
    vm = DefaultResolver().resolve(ED.did_key)
    assert vm.public_key == ED
    assert vm.id == ED.did_key_verification_method
    assert vm.warnings and "bare did:key" in vm.warnings[0]


def test_p256_did_key() -> None:
    value = "zDnaegE6RR3atJtHKwTRTWHsJ3kNHqFwv7n9YjTgmU7TyfU76"
    vm = DidKeyResolver().resolve(f"did:key:{value}#{value}")
    assert isinstance(vm.public_key, keys.EcPublicKey)


@pytest.mark.parametrize(
    ("vm_id", "purpose", "code"),
    [
        (f"{ED.did_key}#{OTHER.multibase}", "assertionMethod", "resolve.fragment_mismatch"),
        (
            "did:key:zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme",
            "assertionMethod",
            "resolve.unsupported_key",
        ),
        ("did:key:not-base58!", "assertionMethod", "resolve.unsupported_key"),
        (ED.did_key_verification_method, "keyAgreement", "resolve.not_authorized"),
        ("did:web:example.com#k", "assertionMethod", "resolve.unsupported_method"),
    ],
)
def test_did_key_refusals(vm_id: str, purpose: str, code: str) -> None:
    with pytest.raises(ResolutionError) as err:
        DidKeyResolver().resolve(vm_id, purpose=purpose)
    assert err.value.code == code


def test_did_jwk() -> None:
    did = "did:jwk:" + multibase.b64url_encode(json.dumps(ED.to_jwk()).encode())
    vm = resolve_did_jwk(f"{did}#0")
    assert (vm.id, vm.controller, vm.public_key, vm.warnings) == (f"{did}#0", did, ED, ())
    assert DefaultResolver().resolve(did).warnings
    with pytest.raises(ResolutionError) as err:
        resolve_did_jwk(f"{did}#1")
    assert err.value.code == "resolve.fragment_mismatch"
    secret = keys.Ed25519Signer.from_seed(bytes(32)).to_jwk(include_private=True)
    leaked = "did:jwk:" + multibase.b64url_encode(json.dumps(secret).encode())
    with pytest.raises(ResolutionError) as err:
        resolve_did_jwk(leaked)
    assert err.value.code == "resolve.unsupported_key"
    with pytest.raises(ResolutionError):
        resolve_did_jwk("did:jwk:!!!")


# --------------------------------------------------------------------- did:web (DCC vectors)

DCC_CASES = [
    # (credential whose proof names the method, expected key, legacy type warning?)
    (
        VECTORS / "dcc-verifier-core/credentials/v2didWebMultikeyWithValidStatus.json",
        "z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q",
        False,
    ),
    (
        VECTORS / "dcc-verifier-core/credentials/v2didWebWithValidStatus.json",
        "z6MknNQD1WHLGGraFi6zcbGevuAgkVfdyCdtZnQTGWVVvR5Q",
        True,
    ),
    (
        VECTORS
        / "dcc-vc-test-fixtures/verifiableCredentials/v2/ed25519/didWeb"
        / "oidf-noStatus-notExpired.json",
        "z6MkjXe1vZvPRqFuc9nRBtZ3e1Y9XKDFSbjFAfzLfW2bD6cZ",
        False,
    ),
    (
        VECTORS
        / "dcc-vc-test-fixtures/verifiableCredentials/v1/dataIntegrityProof/didWeb"
        / "legacy-noStatus-noExpiry.json",
        "z6MkjXe1vZvPRqFuc9nRBtZ3e1Y9XKDFSbjFAfzLfW2bD6cZ",
        True,
    ),
]


@pytest.fixture(scope="module")
def dcc_documents() -> dict[str, dict[str, Any]]:
    documents = documents_from_folder(DCC_DID_WEB)
    documents.update(documents_from_folder(DCC_DIDS))
    return documents


@pytest.mark.parametrize(
    ("credential", "multikey", "legacy"), DCC_CASES, ids=lambda v: str(v)[-40:]
)
def test_dcc_did_web_methods_resolve_from_a_local_folder(
    dcc_documents: dict[str, dict[str, Any]], credential: Path, multikey: str, legacy: bool
) -> None:
    vm_id = _vm_of(credential)
    issuer = _load(credential)["issuer"]
    vm = DefaultResolver(documents=dcc_documents).resolve(vm_id)
    assert vm.id == vm_id
    assert vm.controller == (issuer if isinstance(issuer, str) else issuer["id"])
    assert vm.public_key == keys.Ed25519PublicKey.from_multibase(multikey)
    assert bool(vm.warnings) is legacy
    if legacy:
        assert "Ed25519VerificationKey2020" in vm.warnings[0]


@pytest.mark.parametrize(
    ("credential", "multikey", "legacy"), DCC_CASES, ids=lambda v: str(v)[-40:]
)
def test_dcc_did_web_methods_resolve_through_a_fetcher_at_the_mapped_url(
    credential: Path, multikey: str, legacy: bool
) -> None:
    served = {
        "https://digitalcredentials.github.io/dcc-did-web/did.json": DCC_DID_WEB
        / "dcc-did-web/did.json",
        "https://digitalcredentials.github.io/dcc-did-web/multikey/did.json": DCC_DID_WEB
        / "dcc-did-web/multikey/did.json",
        "https://digitalcredentials.github.io/vc-test-fixtures/dids/oidf/did.json": DCC_DIDS
        / "oidf/did.json",
        "https://digitalcredentials.github.io/vc-test-fixtures/dids/legacy/did.json": DCC_DIDS
        / "legacy/did.json",
    }
    fetcher = _Recording({url: path.read_bytes() for url, path in served.items()})
    vm = DefaultResolver(fetcher=fetcher).resolve(_vm_of(credential))
    assert vm.public_key == keys.Ed25519PublicKey.from_multibase(multikey)
    assert len(fetcher.urls) == 1 and fetcher.urls[0] in served


def test_unresolvable_did_web_fails_offline_and_online(dcc_documents: dict[str, Any]) -> None:
    bad = VECTORS / "dcc-vc-test-fixtures/verifiableCredentials/v2/ed25519/didWeb/badDidWeb.json"
    vm_id = _vm_of(bad)
    with pytest.raises(ResolutionError) as err:
        DefaultResolver(documents=dcc_documents).resolve(vm_id)
    assert err.value.code == "resolve.offline"
    with pytest.raises(ResolutionError) as err:
        DefaultResolver(fetcher=MappingFetcher({})).resolve(vm_id)
    assert err.value.code == "resolve.not_found"


def test_no_documents_and_no_fetcher_means_offline() -> None:
    with pytest.raises(ResolutionError) as err:
        DefaultResolver().resolve("did:web:example.com#key-1")
    assert err.value.code == "resolve.offline"
    with pytest.raises(ResolutionError) as err:
        DefaultResolver().resolve("https://example.com/keys#key-1")
    assert err.value.code == "resolve.offline"


# -------------------------------------------------------------------- controller checks

DID = "did:web:issuer.example"


def _doc(**overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": DID,
        "verificationMethod": [
            {
                "id": "#key-1",
                "type": "Multikey",
                "controller": DID,
                "publicKeyMultibase": ED.multibase,
            }
        ],
        "assertionMethod": ["#key-1"],
    }
    doc.update(overrides)
    return doc


def _resolve_doc(doc: dict[str, Any], vm_id: str = f"{DID}#key-1") -> VerificationMethod:
    return DefaultResolver(
        fetcher=MappingFetcher({"https://issuer.example/.well-known/did.json": doc})
    ).resolve(vm_id)


def test_relative_ids_resolve_against_the_document() -> None:
    vm = _resolve_doc(_doc())
    assert (vm.id, vm.controller, vm.public_key, vm.warnings) == (f"{DID}#key-1", DID, ED, ())


@pytest.mark.parametrize(
    ("doc", "vm_id", "code"),
    [
        (_doc(id="did:web:evil.example"), f"{DID}#key-1", "resolve.id_mismatch"),
        (_doc(), f"{DID}#key-2", "resolve.method_not_found"),
        (_doc(assertionMethod=[]), f"{DID}#key-1", "resolve.not_authorized"),
        (
            _doc(assertionMethod=None, authentication=["#key-1"]),
            f"{DID}#key-1",
            "resolve.not_authorized",
        ),
        (
            _doc(
                verificationMethod=[
                    {
                        "id": "#key-1",
                        "type": "Multikey",
                        "controller": "did:web:victim.example",
                        "publicKeyMultibase": ED.multibase,
                    }
                ]
            ),
            f"{DID}#key-1",
            "resolve.controller_mismatch",
        ),
        (
            _doc(verificationMethod="junk", assertionMethod="junk"),
            f"{DID}#key-1",
            "resolve.method_not_found",
        ),
    ],
)
def test_controller_document_must_be_the_right_one_and_authorise_the_key(
    doc: dict[str, Any], vm_id: str, code: str
) -> None:
    with pytest.raises(ResolutionError) as err:
        _resolve_doc(doc, vm_id)
    assert err.value.code == code


def test_methods_embedded_in_assertion_method_count() -> None:
    embedded = {
        "id": f"{DID}#key-9",
        "type": "Multikey",
        "controller": DID,
        "publicKeyMultibase": OTHER.multibase,
    }
    vm = _resolve_doc(_doc(assertionMethod=[embedded]), f"{DID}#key-9")
    assert vm.public_key == OTHER


def test_http_errors_and_junk_documents() -> None:
    class _NotFound:
        def fetch(self, url: str, *, accept: str) -> FetchedDocument:
            return FetchedDocument(url, 404, "text/plain", b"")

    with pytest.raises(ResolutionError) as err:
        DefaultResolver(fetcher=_NotFound()).resolve(f"{DID}#key-1")
    assert (err.value.code, err.value.detail["status"]) == ("resolve.http_status", 404)
    junk = MappingFetcher({"https://issuer.example/.well-known/did.json": b"<html>"})
    with pytest.raises(ResolutionError) as err:
        DefaultResolver(fetcher=junk).resolve(f"{DID}#key-1")
    assert err.value.code == "resolve.bad_document"


@pytest.mark.parametrize(
    ("vm_id", "code"),
    [
        ("", "resolve.bad_id"),
        ("did:web:127.0.0.1#k", "resolve.bad_id"),
        ("did:example:123#k", "resolve.unsupported_method"),
        ("urn:uuid:1234", "resolve.unsupported_method"),
        ("ftp://example.com/k", "resolve.unsupported_method"),
    ],
)
def test_unsupported_identifiers(vm_id: str, code: str) -> None:
    with pytest.raises(ResolutionError) as err:
        DefaultResolver(fetcher=MappingFetcher({})).resolve(vm_id)
    assert err.value.code == code


# ------------------------------------------------------------------------- https methods

ISSUER = "https://example.edu/issuers/565049"


def test_https_fragment_multikey_convention_is_accepted_with_a_warning() -> None:
    vm_id = f"{ISSUER}#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"  # 1EdTech OB 3.0 vector
    fetcher = _Recording({})  # the issuer's URL answers 404
    vm = DefaultResolver(fetcher=fetcher).resolve(vm_id)
    assert vm.controller == ISSUER
    assert vm.public_key.to_jwk()["x"] == multibase.b64url_encode(
        bytes.fromhex("4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5")
    )
    assert fetcher.urls == [ISSUER]  # asked the issuer first
    assert vm.warnings and "#fragment" in vm.warnings[0]
    offline = DefaultResolver().resolve(vm_id)  # no fetcher: the convention, with its warning
    assert offline.public_key == vm.public_key and "#fragment" in offline.warnings[0]


def test_an_ob_profile_without_keys_leaves_the_fragment_convention_standing() -> None:
    vm_id = f"{ISSUER}#{ED.multibase}"
    profile = {"id": ISSUER, "type": "Profile", "name": "Example University"}
    vm = DefaultResolver(fetcher=MappingFetcher({ISSUER: profile})).resolve(vm_id)
    assert vm.public_key == ED and "#fragment" in vm.warnings[0]


def test_an_issuer_document_listing_other_keys_refuses_a_fragment_key() -> None:
    """The forgery the convention allows: anyone can put their own key in the fragment of an
    issuer's URL.  When the issuer publishes its keys, a key it does not list fails."""
    forger = keys.Ed25519Signer.from_seed(b"\x07" * 32).public_key
    own = f"{ISSUER}#{ED.multibase}"
    doc = {
        "id": ISSUER,
        "verificationMethod": [
            {
                "id": own,
                "type": "Multikey",
                "controller": ISSUER,
                "publicKeyMultibase": ED.multibase,
            }
        ],
        "assertionMethod": [own],
    }
    fetcher = MappingFetcher({ISSUER: doc})
    assert DefaultResolver(fetcher=fetcher).resolve(own).warnings == ()
    with pytest.raises(ResolutionError) as err:
        DefaultResolver(fetcher=fetcher).resolve(f"{ISSUER}#{forger.multibase}")
    assert err.value.code in {"resolve.method_not_found", "resolve.not_authorized"}


def test_a_local_controller_document_takes_precedence_over_the_fragment_convention() -> None:
    vm_id = f"{ISSUER}#{ED.multibase}"
    doc = {
        "id": ISSUER,
        "verificationMethod": [
            {
                "id": vm_id,
                "type": "Multikey",
                "controller": ISSUER,
                "publicKeyMultibase": ED.multibase,
            }
        ],
        "assertionMethod": [vm_id],
    }
    vm = DefaultResolver(documents={ISSUER: doc}).resolve(vm_id)
    assert vm.warnings == ()
    with pytest.raises(ResolutionError) as err:  # a document that does not list the key wins too
        DefaultResolver(documents={ISSUER: {**doc, "assertionMethod": []}}).resolve(vm_id)
    assert err.value.code == "resolve.not_authorized"


def test_https_controller_document_through_the_fetcher() -> None:
    doc = {
        "id": ISSUER,
        "verificationMethod": [
            {
                "id": "#rsa",
                "type": "JsonWebKey",
                "controller": ISSUER,
                "publicKeyJwk": _rsa().to_jwk(),
            }
        ],
        "assertionMethod": ["#rsa"],
    }
    vm = DefaultResolver(fetcher=MappingFetcher({ISSUER: doc})).resolve(f"{ISSUER}#rsa")
    assert vm.public_key == _rsa()
    assert vm.type == "JsonWebKey"


def _rsa() -> keys.AnyPublicKey:
    return keys.public_key_from_pem(
        (VECTORS / "ob2-mozilla-openbadges-validator" / "rsa-public.pem").read_bytes()
    )


def test_https_kid_serving_a_bare_jwk() -> None:
    url = "https://issuer.example/keys/2026"
    vm = DefaultResolver(fetcher=MappingFetcher({url: _rsa().to_jwk()})).resolve(url)
    assert (vm.controller, vm.public_key) == (url, _rsa())
    assert vm.warnings and "bare JWK" in vm.warnings[0]
    leaked = keys.EcSigner.generate().to_jwk(include_private=True)
    with pytest.raises(ResolutionError) as err:
        DefaultResolver(fetcher=MappingFetcher({url: leaked})).resolve(url)
    assert err.value.code == "resolve.unsupported_key"


# ----------------------------------------------- bare verification method documents (W3C)


@pytest.fixture(scope="module")
def jose_documents() -> dict[str, dict[str, Any]]:
    return documents_from_folder(JOSE)


@pytest.mark.parametrize(
    ("name", "alg"), [("vm-p256", "ES256"), ("vm-ed25519", "EdDSA"), ("vm-p384", "ES384")]
)
def test_w3c_method_documents_resolve_with_a_warning_when_the_controller_is_silent(
    jose_documents: dict[str, dict[str, Any]], name: str, alg: str
) -> None:
    method = _load(JOSE / f"{name}.json")
    vm = DefaultResolver(documents=jose_documents).resolve(method["id"])
    assert vm.public_key.algorithm == alg
    assert vm.controller == method["controller"]
    assert vm.warnings and "did not confirm" in vm.warnings[-1]


def test_a_controller_document_confirms_or_contradicts_a_method_document(
    jose_documents: dict[str, dict[str, Any]],
) -> None:
    method_id = "https://example.issuer/vc-jose-cose#key-1"
    controller = "https://example.issuer/vc-jose-cose"
    confirming = {"id": controller, "assertionMethod": [method_id]}
    vm = DefaultResolver(documents={**jose_documents, controller: confirming}).resolve(method_id)
    assert vm.warnings == ()
    contradicting = {"id": controller, "assertionMethod": ["#key-2"]}
    with pytest.raises(ResolutionError) as err:
        DefaultResolver(documents={**jose_documents, controller: contradicting}).resolve(method_id)
    assert err.value.code == "resolve.not_authorized"


def test_a_method_document_cannot_claim_someone_elses_controller() -> None:
    vm_id = "https://attacker.example/keys#1"
    forged = {
        "id": vm_id,
        "type": "Multikey",
        "controller": ISSUER,
        "publicKeyMultibase": ED.multibase,
    }
    with pytest.raises(ResolutionError) as err:
        DefaultResolver(documents={vm_id: forged}).resolve(vm_id)
    assert err.value.code == "resolve.unconfirmed_controller"


def test_vc_jose_thumbprint_kids_find_keys_in_the_controller_document(
    jose_documents: dict[str, dict[str, Any]],
) -> None:
    controller = "https://example.issuer/vc-jose-cose"
    methods = [
        {k: v for k, v in _load(JOSE / f"{n}.json").items() if k != "secretKeyJwk"}
        for n in ("vm-p256", "vm-p384", "vm-p521", "vm-ed25519")
    ]
    doc = {
        "id": controller,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }
    resolver = DefaultResolver(documents={controller: doc})
    for method in methods:
        vm = resolver.resolve(f"{controller}#{method['publicKeyJwk']['kid']}")
        assert vm.id == method["id"]
        assert vm.public_key == keys.public_key_from_jwk(method["publicKeyJwk"])
        assert vm.warnings and "thumbprint" in vm.warnings[0]


# ------------------------------------------------------------------------ folder loading


def test_documents_from_folder_indexes_ids_method_ids_and_did_web_urls(
    dcc_documents: dict[str, dict[str, Any]],
) -> None:
    did = "did:web:digitalcredentials.github.io:vc-test-fixtures:dids:oidf"
    doc = dcc_documents[did]
    assert dcc_documents[f"{did}#z6MkjXe1vZvPRqFuc9nRBtZ3e1Y9XKDFSbjFAfzLfW2bD6cZ"] is doc
    assert (
        dcc_documents["https://digitalcredentials.github.io/vc-test-fixtures/dids/oidf/did.json"]
        is doc
    )


def test_documents_from_folder_conflicts_and_junk(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps(_doc()))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.json").write_text(json.dumps(_doc(assertionMethod=[])))
    with pytest.raises(ResolutionError) as err:
        documents_from_folder(tmp_path)
    assert err.value.code == "resolve.conflict"
    (tmp_path / "sub" / "b.json").write_text(json.dumps({"id": DID, "type": "Profile"}))
    assert documents_from_folder(tmp_path)[DID]["assertionMethod"] == ["#key-1"]
    (tmp_path / "c.json").write_text("{not json")
    with pytest.raises(ResolutionError) as err:
        documents_from_folder(tmp_path)
    assert err.value.code == "resolve.bad_document"
    with pytest.raises(ResolutionError) as err:
        documents_from_folder(tmp_path / "a.json")
    assert err.value.code == "resolve.not_a_folder"


# ------------------------------------------------------------------------ hostile input

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
_fields = st.fixed_dictionaries(
    {},
    optional={
        "id": st.sampled_from([DID, "did:web:other.example", 3]) | _json,
        "verificationMethod": _json
        | st.just([{"id": "#key-1", "type": "Multikey", "publicKeyMultibase": "z6Mk"}]),
        "assertionMethod": _json | st.just(["#key-1"]),
        "controller": _json,
        "publicKeyMultibase": _json,
        "publicKeyJwk": _json,
        "type": st.sampled_from(["Multikey", "JsonWebKey"]) | _json,
        "kty": st.sampled_from(["OKP", "EC", "RSA"]) | _json,
    },
)


@settings(max_examples=300, deadline=None)
@given(doc=_fields, vm_id=st.sampled_from([f"{DID}#key-1", f"{DID}", "https://issuer.example/k#1"]))
def test_hostile_documents_never_raise_anything_but_resolution_errors(
    doc: dict[str, Any], vm_id: str
) -> None:
    documents = {
        "https://issuer.example/.well-known/did.json": doc,
        "https://issuer.example/k": doc,
        "https://issuer.example/k#1": doc,
    }
    try:
        vm = DefaultResolver(fetcher=MappingFetcher(documents)).resolve(vm_id)
    except InsigniaError as exc:
        assert exc.code.startswith("resolve.")
    else:
        assert isinstance(vm.public_key, keys.PublicKey)
