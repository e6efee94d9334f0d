"""VC-JWT (OB 3.0 §8.2 and W3C vc+jwt): signing, verification, vectors, and hostile tokens."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from insignia.core import dids, jose, keys
from insignia.core.errors import InputError
from insignia.core.multibase import b64url_encode
from insignia.core.report import Outcome
from insignia.core.resolver import DefaultResolver
from insignia.core.vcjwt import VcJwtResult, sign_vc_jwt, vc_jwt_claims, verify_vc_jwt
from tests.support.paths import VECTORS

JOSE = VECTORS / "w3c-vc-jose-cose-test-suite" / "input"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ISSUER = "https://example.com/issuers/876543"
RSA = keys.signer_from_pem(
    (VECTORS / "ob2-mozilla-openbadges-validator" / "rsa-private.pem").read_bytes()
)
ED = keys.Ed25519Signer.from_seed(bytes(range(32)))
EC = keys.EcSigner.generate()


def _credential(**changes: Any) -> dict[str, Any]:
    """The OB 3.0 spec's basic OpenBadgeCredential, optionally changed."""
    base = json.loads(
        (
            VECTORS / "1edtech-ob-spec" / "spec-examples" / "basicOpenBadgeCredential.json"
        ).read_text()
    )
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def _outcomes(result: VcJwtResult) -> dict[str, Outcome]:
    return {c.code: c.outcome for c in result.checks}


def _controller_resolver(
    *pairs: tuple[str, keys.PublicKey], controller: str = ISSUER
) -> DefaultResolver:
    document = dids.controller_document(controller, list(pairs))
    return DefaultResolver(documents={controller: document})


def _payload(token: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(jose.decode_jws(token).payload)
    return data


# ------------------------------------------------------------------------------ W3C vectors


@pytest.fixture(scope="module")
def vector_resolver() -> DefaultResolver:
    """The suite's keys, published in a controller document for its issuer."""
    controller = "https://example.issuer/vc-jose-cose"
    methods = [
        {
            k: v
            for k, v in json.loads((JOSE / f"{name}.json").read_text()).items()
            if k != "secretKeyJwk"
        }
        for name in ("vm-p256", "vm-p384", "vm-p521", "vm-ed25519")
    ]
    document = {
        "id": controller,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }
    return DefaultResolver(documents={controller: document})


# file -> (verified?, the check that must fail or None)
EXPECTED = {
    "credential-jose-minimal.txt": (True, None),
    "credential-issuer-match-signed.txt": (True, None),
    "credential-jose-bad-signature.txt": (False, "jwt.signature"),
    "credential-jose-bad-media-type.txt": (False, "jwt.header"),
    "credential-jose-unknown-extensions.txt": (False, "jwt.header"),  # ES512 is not allowed
    "credential-jose-vc-vp-claims.txt": (False, "jwt.format"),
    "presentation-jose-multiple.txt": (False, "jwt.format"),
    "presentation-jose-bad-credential.txt": (False, "jwt.format"),
    "presentation-jose-bad-media-type.txt": (False, "jwt.format"),
    "credential-sdjwt-selective.txt": (False, "jwt.format"),
    "credential-sdjwt-nested.txt": (False, "jwt.format"),
    "credential-sdjwt-bad-signature.txt": (False, "jwt.format"),
    "credential-sdjwt-bad-media-type.txt": (False, "jwt.format"),
    "presentation-sdjwt-selective.txt": (False, "jwt.format"),
    "presentation-sdjwt-bad-credential.txt": (False, "jwt.format"),
    "presentation-sdjwt-bad-media-type.txt": (False, "jwt.format"),
}


def test_every_jwt_vector_has_an_expectation() -> None:
    names = {p.name for p in JOSE.glob("*.txt") if "cose" not in p.name.replace("jose-cose", "")}
    assert names == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_w3c_vc_jose_vectors(name: str, vector_resolver: DefaultResolver) -> None:
    verified, failing = EXPECTED[name]
    result = verify_vc_jwt((JOSE / name).read_text(), resolver=vector_resolver, now=NOW)
    assert result.verified is verified, [c.to_dict() for c in result.checks]
    outcomes = _outcomes(result)
    if failing is not None:
        assert outcomes[failing] is Outcome.FAIL
    if verified:
        assert result.profile == "vc-jose"
        assert result.credential is not None
        assert result.credential["issuer"] == "https://example.issuer/vc-jose-cose"
        assert not set(jose_claims := ("iss", "jti", "iat")) & set(result.credential), jose_claims
        assert outcomes["jwt.claims"] is Outcome.WARNING  # iat is a string in the vectors


def test_signature_of_the_non_signature_failures_is_fine(vector_resolver: DefaultResolver) -> None:
    for name in ("credential-jose-bad-media-type.txt", "credential-jose-vc-vp-claims.txt"):
        result = verify_vc_jwt((JOSE / name).read_text(), resolver=vector_resolver, now=NOW)
        assert _outcomes(result)["jwt.signature"] is Outcome.PASS


def test_es512_vector_verifies_when_the_caller_allows_es512(
    vector_resolver: DefaultResolver,
) -> None:
    token = (JOSE / "credential-jose-unknown-extensions.txt").read_text()
    result = verify_vc_jwt(
        token, resolver=vector_resolver, now=NOW, algorithms=jose.SUPPORTED_ALGORITHMS
    )
    assert result.verified


# ------------------------------------------------------------------------------ round trips


@pytest.mark.parametrize("signer", [RSA, EC, ED], ids=lambda s: s.algorithm)
def test_round_trip_with_a_kid_in_the_issuers_controller_document(signer: Any) -> None:
    credential = _credential(validUntil="2030-01-01T00:00:00Z")
    token = sign_vc_jwt(credential, signer, kid=f"{ISSUER}#key-1")
    header = jose.decode_jws(token).header
    assert header == {"alg": signer.algorithm, "typ": "JWT", "kid": f"{ISSUER}#key-1"}
    payload = _payload(token)
    assert {k: payload[k] for k in ("iss", "jti", "sub", "nbf", "exp")} == {
        "iss": ISSUER,
        "jti": "http://example.com/credentials/3527",
        "sub": "did:example:ebfeb1f712ebc6f1c276e12ec21",
        "nbf": 1262304000,
        "exp": 1893456000,
    }
    result = verify_vc_jwt(
        token, resolver=_controller_resolver(("key-1", signer.public_key)), now=NOW
    )
    assert result.verified, [c.to_dict() for c in result.checks]
    assert all(c.outcome is Outcome.PASS for c in result.checks)
    assert result.credential == credential
    assert result.profile == "ob"
    assert result.verification_method is not None
    assert result.verification_method.controller == ISSUER


def test_round_trip_with_did_key_and_relative_kid() -> None:
    did = ED.public_key.did_key
    credential = _credential(issuer={"id": did, "type": ["Profile"], "name": "Key Corp"})
    result = verify_vc_jwt(
        sign_vc_jwt(credential, ED, kid=ED.public_key.did_key_verification_method),
        resolver=DefaultResolver(),
        now=NOW,
    )
    assert result.verified
    relative = sign_vc_jwt(credential, ED, kid=ED.public_key.multibase)  # resolved as issuer#kid
    assert verify_vc_jwt(relative, resolver=DefaultResolver(), now=NOW).verified


def test_embedded_jwk_verifies_with_a_provenance_warning() -> None:
    token = sign_vc_jwt(_credential(), RSA, embed_jwk=True)
    header = jose.decode_jws(token).header
    assert header["jwk"] == RSA.public_key.to_jwk() and "d" not in header["jwk"]
    result = verify_vc_jwt(token, resolver=None, now=NOW)
    assert result.verified
    assert _outcomes(result)["jwt.key"] is Outcome.WARNING


def test_embedded_jwk_of_a_did_key_issuer_must_be_that_key() -> None:
    did_issuer = {"id": ED.public_key.did_key, "type": ["Profile"]}
    good = sign_vc_jwt(_credential(issuer=did_issuer), ED, embed_jwk=True)
    assert _outcomes(verify_vc_jwt(good, resolver=None, now=NOW))["jwt.key"] is Outcome.PASS
    other = keys.Ed25519Signer.from_seed(bytes(32))
    bad = sign_vc_jwt(_credential(issuer=did_issuer), other, embed_jwk=True)
    result = verify_vc_jwt(bad, resolver=None, now=NOW)
    assert not result.verified
    assert _outcomes(result)["jwt.key"] is Outcome.FAIL


def test_sub_is_omitted_for_subjects_without_id() -> None:
    credential = _credential()
    del credential["credentialSubject"]["id"]
    token = sign_vc_jwt(credential, ED, embed_jwk=True)
    assert "sub" not in _payload(token)
    result = verify_vc_jwt(token, resolver=None, now=NOW)
    assert _outcomes(result)["jwt.claims"] is Outcome.PASS


def test_signing_needs_a_key_reference_an_issuer_and_real_dates() -> None:
    with pytest.raises(InputError) as err:
        sign_vc_jwt(_credential(), ED)
    assert err.value.code == "jwt.no_key_reference"
    with pytest.raises(InputError) as err:
        sign_vc_jwt(_credential(issuer={"name": "no id"}), ED, embed_jwk=True)
    assert err.value.code == "jwt.no_issuer"
    with pytest.raises(InputError) as err:
        vc_jwt_claims(_credential(validFrom="2010-01-01T00:00:00"))  # no timezone
    assert err.value.code == "jose.bad_date"


# ----------------------------------------------------------------------- VC 1.1 'vc' claim


def _vc11_token(**vc_changes: Any) -> str:
    vc = {
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "credentialSubject": {"type": ["AchievementSubject"]},
        **vc_changes,
    }
    claims = {
        "iss": ISSUER,
        "jti": "urn:uuid:1",
        "nbf": 1262304000,
        "sub": "did:example:me",
        "vc": vc,
    }
    return jose.sign_jws(
        json.dumps(claims).encode(), ED, header={"typ": "JWT", "jwk": ED.public_key.to_jwk()}
    )


def test_vc11_vc_claim_is_read_and_rebuilt_from_the_claims() -> None:
    result = verify_vc_jwt(_vc11_token(), resolver=None, now=NOW)
    assert result.verified, [c.to_dict() for c in result.checks]
    assert result.credential is not None
    assert result.credential["id"] == "urn:uuid:1"
    assert result.credential["issuer"] == ISSUER
    assert result.credential["issuanceDate"] == "2010-01-01T00:00:00Z"
    assert result.credential["credentialSubject"]["id"] == "did:example:me"


def test_vc_claim_with_a_vcdm2_credential_fails() -> None:
    token = _vc11_token(**{"@context": ["https://www.w3.org/ns/credentials/v2"]})
    result = verify_vc_jwt(token, resolver=None, now=NOW)
    assert _outcomes(result)["jwt.format"] is Outcome.FAIL


def test_vc_claim_that_is_not_an_object_fails() -> None:
    token = jose.sign_jws(b'{"vc": "x"}', ED, header={"jwk": ED.public_key.to_jwk()})
    result = verify_vc_jwt(token, resolver=None, now=NOW)
    assert result.credential is None
    assert _outcomes(result)["jwt.format"] is Outcome.FAIL


# ----------------------------------------------------------------------------- claim checks


def _signed_payload(payload: dict[str, Any], signer: Any = ED, **header: Any) -> str:
    header.setdefault("jwk", signer.public_key.to_jwk())
    return jose.sign_jws(json.dumps(payload).encode(), signer, header=header)


def _ob_payload(**claims: Any) -> dict[str, Any]:
    credential = _credential(validUntil="2030-01-01T00:00:00Z")
    payload = {**credential, **vc_jwt_claims(credential), **claims}
    return {k: v for k, v in payload.items() if v is not None}


@pytest.mark.parametrize(
    "claims",
    [
        {"iss": "https://evil.example/issuer"},
        {"jti": "urn:uuid:other"},
        {"sub": "did:example:someone-else"},
        {"nbf": 1262304001},
        {"exp": 1893456001},
        {"nbf": "2010-01-01T00:00:00Z"},
        {"exp": True},
        {"iss": 42},
    ],
)
def test_claims_contradicting_the_credential_fail(claims: dict[str, Any]) -> None:
    result = verify_vc_jwt(_signed_payload(_ob_payload(**claims)), resolver=None, now=NOW)
    assert _outcomes(result)["jwt.signature"] is Outcome.PASS
    assert _outcomes(result)["jwt.claims"] is Outcome.FAIL
    assert not result.verified


@pytest.mark.parametrize("missing", ["iss", "jti", "sub", "nbf", "exp"])
def test_missing_ob_claims_only_warn(missing: str) -> None:
    result = verify_vc_jwt(_signed_payload(_ob_payload(**{missing: None})), resolver=None, now=NOW)
    assert _outcomes(result)["jwt.claims"] is Outcome.WARNING
    assert result.verified


def test_vc_jose_profile_checks_only_iss() -> None:
    payload = _ob_payload(jti="urn:other", nbf=1262304001)
    assert verify_vc_jwt(_signed_payload(payload, typ="vc+jwt"), resolver=None, now=NOW).verified
    bad = _ob_payload(iss="https://evil.example")
    result = verify_vc_jwt(_signed_payload(bad, typ="vc+jwt"), resolver=None, now=NOW)
    assert _outcomes(result)["jwt.claims"] is Outcome.FAIL


def test_time_limits() -> None:
    token = _signed_payload(_ob_payload())
    valid_from, valid_until = datetime(2010, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC)
    early = verify_vc_jwt(token, resolver=None, now=valid_from - timedelta(seconds=1))
    assert _outcomes(early)["jwt.validity"] is Outcome.FAIL
    assert verify_vc_jwt(token, resolver=None, now=valid_from).verified
    assert verify_vc_jwt(
        token, resolver=None, now=valid_from - timedelta(seconds=1), leeway_seconds=5
    ).verified
    late = verify_vc_jwt(token, resolver=None, now=valid_until)
    assert _outcomes(late)["jwt.validity"] is Outcome.FAIL
    assert not late.verified
    no_limits = _signed_payload(_ob_payload(nbf=None, exp=None))
    assert (
        _outcomes(verify_vc_jwt(no_limits, resolver=None, now=NOW))["jwt.validity"]
        is Outcome.SKIPPED
    )


def test_absurd_numeric_dates_fail_cleanly() -> None:
    for value in (1e300, -1e20, 10**30):
        result = verify_vc_jwt(_signed_payload(_ob_payload(exp=value)), resolver=None, now=NOW)
        assert _outcomes(result)["jwt.claims"] is Outcome.FAIL


# ------------------------------------------------------------------------------ key checks


def test_a_key_controlled_by_someone_else_fails() -> None:
    other = "https://other.example/issuer"
    token = sign_vc_jwt(_credential(), ED, kid=f"{other}#key-1")
    result = verify_vc_jwt(
        token, resolver=_controller_resolver(("key-1", ED.public_key), controller=other), now=NOW
    )
    assert _outcomes(result)["jwt.signature"] is Outcome.PASS
    assert _outcomes(result)["jwt.key"] is Outcome.FAIL
    assert not result.verified


def test_a_bare_jwk_under_the_issuers_url_is_a_warning_elsewhere_a_failure() -> None:
    inside, outside = f"{ISSUER}/keys/1", "https://example.com/mallory/keys/1"
    resolver = DefaultResolver(
        documents={inside: RSA.public_key.to_jwk(), outside: RSA.public_key.to_jwk()}
    )
    ok = verify_vc_jwt(sign_vc_jwt(_credential(), RSA, kid=inside), resolver=resolver, now=NOW)
    assert ok.verified and _outcomes(ok)["jwt.key"] is Outcome.WARNING
    bad = verify_vc_jwt(sign_vc_jwt(_credential(), RSA, kid=outside), resolver=resolver, now=NOW)
    assert _outcomes(bad)["jwt.key"] is Outcome.FAIL


@pytest.mark.parametrize(
    ("header", "resolver"),
    [
        ({}, None),
        ({"kid": f"{ISSUER}#key-1"}, None),
        ({"kid": f"{ISSUER}#key-9"}, "controller"),
        ({"jwk": "not an object"}, None),
        (
            {"jwk": keys.Ed25519Signer.from_seed(bytes(range(32))).to_jwk(include_private=True)},
            None,
        ),
        (
            {
                "kid": f"{ISSUER}#key-1",
                "jwk": keys.Ed25519Signer.from_seed(bytes(32)).public_key.to_jwk(),
            },
            "controller",
        ),
    ],
)
def test_unusable_key_references_fail(header: dict[str, Any], resolver: str | None) -> None:
    token = jose.sign_jws(json.dumps(_ob_payload()).encode(), ED, header={"typ": "JWT", **header})
    used = _controller_resolver(("key-1", ED.public_key)) if resolver else None
    result = verify_vc_jwt(token, resolver=used, now=NOW)
    assert _outcomes(result)["jwt.key"] is Outcome.FAIL
    assert _outcomes(result)["jwt.signature"] is Outcome.FAIL
    assert not result.verified


def test_unresolvable_kid_falls_back_to_the_embedded_jwk() -> None:
    token = jose.sign_jws(
        json.dumps(_ob_payload()).encode(),
        ED,
        header={"kid": "https://gone.example/k#1", "jwk": ED.public_key.to_jwk()},
    )
    result = verify_vc_jwt(token, resolver=DefaultResolver(), now=NOW)
    assert result.verified
    assert _outcomes(result)["jwt.key"] is Outcome.WARNING


# ------------------------------------------------------------------------ hostile tokens


def _swap(token: str, index: int, value: str) -> str:
    parts = token.split(".")
    parts[index] = value
    return ".".join(parts)


def _b64json(value: Any) -> str:
    return b64url_encode(json.dumps(value).encode())


def test_tampered_header_payload_and_signature() -> None:
    token = sign_vc_jwt(_credential(), ED, kid=f"{ISSUER}#key-1")
    resolver = _controller_resolver(("key-1", ED.public_key))
    header = jose.decode_jws(token).header
    tampered_payload = copy.deepcopy(_payload(token))
    tampered_payload["credentialSubject"]["achievement"]["name"] = "Brain Surgery"
    for bad in (
        _swap(token, 1, _b64json(tampered_payload)),
        _swap(token, 0, _b64json({**header, "typ": "vc+jwt"})),
        _swap(token, 2, b64url_encode(bytes(64))),
    ):
        result = verify_vc_jwt(bad, resolver=resolver, now=NOW)
        assert not result.verified
        assert _outcomes(result)["jwt.signature"] is Outcome.FAIL


def test_alg_confusion_rs256_header_with_an_ed25519_key() -> None:
    token = sign_vc_jwt(_credential(), ED, embed_jwk=True)
    header = {**jose.decode_jws(token).header, "alg": "RS256"}
    result = verify_vc_jwt(_swap(token, 0, _b64json(header)), resolver=None, now=NOW)
    assert not result.verified
    signature = next(c for c in result.checks if c.code == "jwt.signature")
    assert signature.detail["reason"] == "jose.alg_mismatch"


@pytest.mark.parametrize("alg", ["none", "HS256", "PS256", "ES384"])
def test_refused_algorithms(alg: str) -> None:
    header = {"alg": alg, "typ": "JWT", "jwk": ED.public_key.to_jwk()}
    token = f"{_b64json(header)}.{_b64json(_ob_payload())}."
    result = verify_vc_jwt(token, resolver=None, now=NOW)
    assert _outcomes(result)["jwt.header"] is Outcome.FAIL
    assert _outcomes(result)["jwt.signature"] is Outcome.FAIL
    assert result.credential is not None  # still shown, never trusted


def test_crit_header_is_refused() -> None:
    token = _signed_payload(_ob_payload(), crit=["exp"], exp=1)
    assert _outcomes(verify_vc_jwt(token, resolver=None, now=NOW))["jwt.header"] is Outcome.FAIL


@pytest.mark.parametrize(
    "token",
    [
        "",
        "   ",
        "not a jwt",
        "a.b.c",
        "a.b",
        "eyJhbGciOiJFZERTQSJ9.bm90IGpzb24.AAAA",
        "eyJhbGciOiJFZERTQSJ9.WzFd.AAAA",
        "x" * (jose.MAX_TOKEN_LENGTH + 1),
        "eyJhbGciOiJFZERTQSJ9." + b64url_encode(b"[" * 100 + b"]" * 100) + ".AAAA",
    ],
)
def test_junk_fails_as_format(token: str) -> None:
    result = verify_vc_jwt(token, resolver=DefaultResolver(), now=NOW)
    assert not result.verified
    assert result.checks[0].code == "jwt.format"
    assert result.checks[0].outcome is Outcome.FAIL


def test_a_naive_time_is_a_caller_error() -> None:
    with pytest.raises(InputError) as err:
        verify_vc_jwt("a.b.c", resolver=None, now=datetime(2026, 1, 1))
    assert err.value.code == "input.naive_time"


_b64 = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", max_size=40
)
_json = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)
_claims = st.fixed_dictionaries(
    {},
    optional=dict.fromkeys(
        (
            "iss",
            "sub",
            "jti",
            "nbf",
            "exp",
            "iat",
            "vc",
            "vp",
            "issuer",
            "credentialSubject",
            "type",
        ),
        _json,
    ),
)


@settings(max_examples=300, deadline=None)
@given(
    token=st.one_of(
        st.text(max_size=100),
        st.tuples(_b64, _b64, _b64).map(".".join),
        st.tuples(
            st.dictionaries(st.sampled_from(["alg", "typ", "kid", "jwk", "cty", "crit"]), _json),
            _claims,
        ).map(lambda t: f"{_b64json(t[0])}.{_b64json(t[1])}.{b64url_encode(bytes(64))}"),
    )
)
def test_random_tokens_never_raise_and_never_verify(token: str) -> None:
    result = verify_vc_jwt(token, resolver=DefaultResolver(), now=NOW)
    assert not result.verified
    assert any(c.outcome is Outcome.FAIL for c in result.checks)


@settings(max_examples=100, deadline=None)
@given(claims=_claims)
def test_random_payloads_signed_for_real_never_raise(claims: dict[str, Any]) -> None:
    token = _signed_payload(claims)
    result = verify_vc_jwt(token, resolver=None, now=NOW)
    assert isinstance(result.checks, list) and result.checks


def test_tokens_from_files_keep_working_after_whitespace(tmp_path: Path) -> None:
    token = sign_vc_jwt(_credential(), ED, embed_jwk=True)
    (tmp_path / "badge.jwt").write_text(f"\n{token}\n")
    assert verify_vc_jwt((tmp_path / "badge.jwt").read_text(), resolver=None, now=NOW).verified
