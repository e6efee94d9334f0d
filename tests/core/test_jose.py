"""Compact JWS: the W3C VC-JOSE vectors, round trips, and every refusal an attacker would try."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from insignia.core import jose, keys
from insignia.core.errors import InputError, InsigniaError, ProofError
from insignia.core.multibase import b64url_encode
from tests.support.paths import VECTORS

JOSE = VECTORS / "w3c-vc-jose-cose-test-suite" / "input"
MOZILLA = VECTORS / "ob2-mozilla-openbadges-validator"
RSA_SIGNER = keys.signer_from_pem((MOZILLA / "rsa-private.pem").read_bytes())
ED_SIGNER = keys.Ed25519Signer.from_seed(bytes(range(32)))
EC_SIGNER = keys.EcSigner.generate()


def _keys_by_kid() -> dict[str, keys.AnyPublicKey]:
    found = {}
    for path in JOSE.glob("vm-*.json"):
        jwk = json.loads(path.read_text())["publicKeyJwk"]
        found[jwk["kid"]] = keys.public_key_from_jwk(jwk)
    return found


JWS_VECTORS = sorted(
    p for p in JOSE.glob("*.txt") if "-jose-" in p.name or "-sdjwt-" in p.name or "signed" in p.name
)


def _issuer_signed_part(path: Path) -> str:
    """The JWS itself (an SD-JWT appends ~disclosures after it)."""
    return path.read_text().strip().split("~", 1)[0]


def test_the_vector_list_is_complete() -> None:
    assert len(JWS_VECTORS) == 16


@pytest.mark.parametrize("path", JWS_VECTORS, ids=lambda p: p.name)
def test_w3c_jose_vectors_verify_except_the_bad_signature_ones(path: Path) -> None:
    token = _issuer_signed_part(path)
    key = _keys_by_kid()[jose.decode_jws(token).header["kid"]]
    if "bad-signature" in path.name:
        with pytest.raises(ProofError) as err:
            jose.verify_jws(token, key, algorithms=jose.SUPPORTED_ALGORITHMS)
        assert err.value.code == "jose.bad_signature"
    else:
        jws = jose.verify_jws(token, key, algorithms=jose.SUPPORTED_ALGORITHMS)
        assert json.loads(jws.payload)["@context"][0] == "https://www.w3.org/ns/credentials/v2"


@pytest.mark.parametrize("name", ["credential-sdjwt-nested.txt", "presentation-jose-multiple.txt"])
def test_es384_and_es512_are_outside_the_default_allow_list(name: str) -> None:
    token = _issuer_signed_part(JOSE / name)
    key = _keys_by_kid()[jose.decode_jws(token).header["kid"]]
    with pytest.raises(ProofError) as err:
        jose.verify_jws(token, key)
    assert err.value.code == "jose.alg_not_allowed"


# ------------------------------------------------------------------------------ round trips


@pytest.mark.parametrize("signer", [RSA_SIGNER, ED_SIGNER, EC_SIGNER], ids=lambda s: s.algorithm)
def test_round_trip(signer: Any) -> None:
    token = jose.sign_jws(b'{"hello":"world"}', signer, header={"typ": "JWT", "kid": "k1"})
    jws = jose.verify_jws(token, signer.public_key)
    assert jws.payload == b'{"hello":"world"}'
    assert jws.header == {"typ": "JWT", "kid": "k1", "alg": signer.algorithm}
    assert jws.algorithm == signer.algorithm


def test_eddsa_and_rs256_tokens_are_deterministic() -> None:
    for signer in (ED_SIGNER, RSA_SIGNER):
        assert jose.sign_jws(b"x", signer) == jose.sign_jws(b"x", signer)


def test_sign_refuses_a_header_naming_another_algorithm() -> None:
    with pytest.raises(InputError) as err:
        jose.sign_jws(b"x", ED_SIGNER, header={"alg": "RS256"})
    assert err.value.code == "jose.alg_mismatch"


# ------------------------------------------------------------------------------- tampering


def _token(signer: Any = ED_SIGNER, payload: bytes = b'{"a":1}', **header: Any) -> str:
    return jose.sign_jws(payload, signer, header=header)


def _swap(token: str, index: int, value: str) -> str:
    parts = token.split(".")
    parts[index] = value
    return ".".join(parts)


def _b64json(value: Any) -> str:
    return b64url_encode(json.dumps(value).encode())


def test_tampered_payload_header_and_signature_fail() -> None:
    token = _token()
    cases = [
        _swap(token, 1, _b64json({"a": 2})),
        _swap(token, 0, _b64json({"alg": "EdDSA", "kid": "other"})),
        _swap(token, 2, b64url_encode(bytes(64))),
        _swap(token, 2, ""),
    ]
    for bad in cases:
        with pytest.raises(ProofError) as err:
            jose.verify_jws(bad, ED_SIGNER.public_key)
        assert err.value.code == "jose.bad_signature"


def test_alg_confusion_rs256_header_with_an_ed25519_key() -> None:
    forged = _swap(_token(), 0, _b64json({"alg": "RS256"}))
    with pytest.raises(ProofError) as err:
        jose.verify_jws(forged, ED_SIGNER.public_key)
    assert err.value.code == "jose.alg_mismatch"
    with pytest.raises(ProofError) as err:  # and a real RS256 token against the Ed25519 key
        jose.verify_jws(_token(RSA_SIGNER), ED_SIGNER.public_key)
    assert err.value.code == "jose.alg_mismatch"


def test_hs256_signed_with_the_public_key_as_secret_is_refused() -> None:
    """The classic attack: HMAC keyed with the verifier's own public key bytes."""
    header, payload = _b64json({"alg": "HS256"}), _b64json({"a": 1})
    secret = json.dumps(RSA_SIGNER.public_key.to_jwk()).encode()
    mac = hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    with pytest.raises(ProofError) as err:
        jose.verify_jws(f"{header}.{payload}.{b64url_encode(mac)}", RSA_SIGNER.public_key)
    assert err.value.code == "jose.alg_symmetric"


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ({"alg": "none"}, "jose.alg_none"),
        ({"alg": "None"}, "jose.alg_none"),
        ({"alg": "HS512"}, "jose.alg_symmetric"),
        ({"alg": "PS256"}, "jose.alg_unsupported"),
        ({"alg": "ES256K"}, "jose.alg_unsupported"),
        ({"alg": "EdDSA", "crit": ["exp"], "exp": 1}, "jose.crit_unsupported"),
    ],
)
def test_refused_algorithms_and_extensions(header: dict[str, Any], code: str) -> None:
    token = f"{_b64json(header)}.{_b64json({'a': 1})}."
    with pytest.raises(ProofError) as err:
        jose.verify_jws(token, ED_SIGNER.public_key)
    assert err.value.code == code


def test_allow_list_is_the_callers() -> None:
    with pytest.raises(ProofError) as err:
        jose.verify_jws(_token(), ED_SIGNER.public_key, algorithms={"RS256"})
    assert err.value.code == "jose.alg_not_allowed"
    with pytest.raises(ProofError) as err:  # an allow-list cannot switch HMAC on
        jose.check_header({"alg": "HS256"}, algorithms={"HS256"})
    assert err.value.code == "jose.alg_symmetric"


@pytest.mark.parametrize(
    ("token", "code"),
    [
        ("", "jose.malformed"),
        ("abc", "jose.malformed"),
        ("a.b", "jose.malformed"),
        ("a.b.c.d", "jose.malformed"),
        ("a.b.c.d.e", "jose.malformed"),
        ("eyJhbGciOiJFZERTQSJ9.e30=.AAAA", "jose.malformed"),
        ("eyJhbGciOiJFZERTQSJ9.e30.AA+A", "jose.malformed"),
        ("eyJhbGciOiJFZERTQSJ9.e3.AAAA", "jose.malformed"),
        ("eyJhbGciOiJFZERTQSJ9 .e30.AAAA", "jose.malformed"),
        (f"{b64url_encode(b'not json')}.e30.AAAA", "jose.bad_header"),
        (f"{b64url_encode(b'[1]')}.e30.AAAA", "jose.bad_header"),
        (b64url_encode(b'{"alg":"EdDSA","alg":"none"}') + ".e30.AAAA", "jose.bad_header"),
        (f"{_b64json({'typ': 'JWT'})}.e30.AAAA", "jose.bad_header"),
        (f"{_b64json({'alg': 'EdDSA', 'b64': False})}.e30.AAAA", "jose.bad_header"),
        (f"{_b64json({'alg': 'EdDSA', 'pad': 'x' * 9000})}.e30.AAAA", "jose.bad_header"),
        (f"{b64url_encode(bytes([0xFF, 0xFE]))}.e30.AAAA", "jose.bad_header"),
    ],
)
def test_malformed_tokens(token: str, code: str) -> None:
    with pytest.raises(InputError) as err:
        jose.verify_jws(token, ED_SIGNER.public_key)
    assert err.value.code == code


def test_oversized_tokens_are_refused_before_decoding() -> None:
    token = _token(payload=b"x" * 2000)
    with pytest.raises(InputError) as err:
        jose.verify_jws(token, ED_SIGNER.public_key, max_length=1000)
    assert err.value.code == "jose.too_large"
    with pytest.raises(InputError) as err:
        jose.decode_jws("a" * (jose.MAX_TOKEN_LENGTH + 1))
    assert err.value.code == "jose.too_large"


def test_non_text_tokens() -> None:
    with pytest.raises(InputError):
        jose.decode_jws(b"a.b.c")  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ property

_b64 = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", max_size=60
)


@settings(max_examples=400, deadline=None)
@given(
    token=st.one_of(
        st.text(max_size=200),
        st.tuples(_b64, _b64, _b64).map(".".join),
        st.tuples(st.dictionaries(st.text(max_size=5), st.text(max_size=8)), _b64, _b64).map(
            lambda t: f"{_b64json({**t[0], 'alg': 'EdDSA'})}.{t[1]}.{t[2]}"
        ),
    )
)
def test_random_tokens_fail_cleanly(token: str) -> None:
    with pytest.raises(InsigniaError) as err:
        jose.verify_jws(token, ED_SIGNER.public_key)
    assert err.value.code.startswith("jose.")
