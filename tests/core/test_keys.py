"""Keys: Ed25519 / P-256 / RSA signers, JWK and PEM import, thumbprints, Multikey."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from insignia.core import keys, multibase
from insignia.core.errors import KeyFormatError, ProofError
from tests.support.paths import VECTORS

JOSE = VECTORS / "w3c-vc-jose-cose-test-suite" / "input"
MOZILLA = VECTORS / "ob2-mozilla-openbadges-validator"
HOIJUI = VECTORS / "ob2-hoijui-obadgen"


def _vm(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((JOSE / f"{name}.json").read_text())
    return data


# ----------------------------------------------------------------------- external vectors


@pytest.mark.parametrize(
    ("name", "alg"),
    [("vm-ed25519", "EdDSA"), ("vm-p256", "ES256"), ("vm-p384", "ES384"), ("vm-p521", "ES512")],
)
def test_w3c_jose_keys_read_and_their_kid_is_the_rfc7638_thumbprint(name: str, alg: str) -> None:
    vm = _vm(name)
    public = keys.public_key_from_jwk(vm["publicKeyJwk"])
    signer = keys.signer_from_jwk(vm["secretKeyJwk"])
    assert public.algorithm == alg
    assert signer.public_key == public
    assert keys.jwk_thumbprint(public) == vm["publicKeyJwk"]["kid"]
    assert keys.jwk_thumbprint(vm["publicKeyJwk"]) == vm["publicKeyJwk"]["kid"]
    public.verify(signer.sign(b"payload"), b"payload")


def test_the_secret_jwk_is_refused_where_a_public_key_is_expected() -> None:
    with pytest.raises(KeyFormatError) as err:
        keys.public_key_from_jwk(_vm("vm-p256")["secretKeyJwk"])
    assert err.value.code == "key.private_in_public"
    assert err.value.detail["members"] == ["d"]


def test_ob2_rsa_pem_pair_signs_and_verifies_rs256() -> None:
    public = keys.public_key_from_pem((MOZILLA / "rsa-public.pem").read_bytes())
    signer = keys.signer_from_pem((MOZILLA / "rsa-private.pem").read_text())
    wrong = keys.public_key_from_pem((MOZILLA / "rsa-wrong-public.pem").read_text())
    assert isinstance(public, keys.RsaPublicKey)
    assert signer.public_key == public
    assert public.n.bit_length() == 2048
    signature = signer.sign(b"assertion")
    assert signature == signer.sign(b"assertion")  # PKCS#1 v1.5 is deterministic
    public.verify(signature, b"assertion")
    with pytest.raises(ProofError) as err:
        wrong.verify(signature, b"assertion")
    assert err.value.code == "proof.bad_signature"


def test_ob2_p256_private_pem_matches_the_published_cryptographic_key() -> None:
    signer = keys.signer_from_pem((HOIJUI / "issuer-key.priv.pem").read_bytes())
    published = json.loads((HOIJUI / "issuer-key.json").read_text())["publicKeyPem"]
    assert isinstance(signer, keys.EcSigner)
    assert keys.public_key_from_pem(published) == signer.public_key
    assert signer.algorithm == "ES256"


def test_p256_multikey_from_the_w3c_employment_vector_reads_and_round_trips() -> None:
    value = "zDnaegE6RR3atJtHKwTRTWHsJ3kNHqFwv7n9YjTgmU7TyfU76"  # issuer of employmentAuth.json
    assert (
        value in (VECTORS / "w3c-vc-di-eddsa" / "TestVectors" / "employmentAuth.json").read_text()
    )
    key = keys.public_key_from_multibase(value)
    assert isinstance(key, keys.EcPublicKey)
    assert key.curve == "P-256"
    assert key.multibase == value
    assert keys.public_key_from_jwk(key.to_jwk()) == key


def test_ed25519_multikey_dispatch() -> None:
    signer = keys.Ed25519Signer.from_seed(bytes(range(32)))
    assert keys.public_key_from_multibase(signer.public_key.multibase) == signer.public_key


# ------------------------------------------------------------------------------ round trips


@pytest.mark.parametrize(
    "make",
    [
        keys.Ed25519Signer.generate,
        keys.EcSigner.generate,
        lambda: keys.RsaSigner.generate(2048),
    ],
    ids=["EdDSA", "ES256", "RS256"],
)
def test_jwk_round_trip_for_every_supported_signer(make: Any) -> None:
    signer = make()
    public_jwk = signer.to_jwk()
    assert not keys.PRIVATE_JWK_MEMBERS.intersection(public_jwk)
    assert public_jwk == signer.public_key.to_jwk()
    assert keys.public_key_from_jwk(public_jwk) == signer.public_key
    again = keys.signer_from_jwk(signer.to_jwk(include_private=True))
    assert again.public_key == signer.public_key
    signer.public_key.verify(again.sign(b"data"), b"data")
    with pytest.raises(ProofError):
        signer.public_key.verify(again.sign(b"data"), b"other data")


def test_es256_signatures_are_raw_r_s_of_64_bytes_and_der_is_refused() -> None:
    signer = keys.EcSigner.generate()
    signature = signer.sign(b"x")
    assert len(signature) == 64
    der = signer._private.sign(b"x", ec.ECDSA(hashes.SHA256()))
    with pytest.raises(ProofError):
        signer.public_key.verify(der, b"x")


def test_rsa_private_jwk_with_only_d_recovers_the_primes() -> None:
    signer = keys.signer_from_pem((MOZILLA / "rsa-private.pem").read_bytes())
    full = signer.to_jwk(include_private=True)
    minimal = {k: full[k] for k in ("kty", "n", "e", "d")}
    assert keys.signer_from_jwk(minimal).public_key == signer.public_key


def test_signers_never_print_secrets() -> None:
    for signer in (keys.Ed25519Signer.generate(), keys.EcSigner.generate()):
        text = repr(signer)
        assert signer.to_jwk(include_private=True)["d"] not in text


# --------------------------------------------------------------------------- refusals


def _rsa_jwk(bits: int) -> dict[str, Any]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    nums = private.public_key().public_numbers()
    return {
        "kty": "RSA",
        "n": multibase.b64url_encode(nums.n.to_bytes((bits + 7) // 8, "big")),
        "e": "AQAB",
    }


@pytest.mark.parametrize(
    ("jwk", "code"),
    [
        ({"kty": "oct", "k": "c2VjcmV0"}, "key.symmetric"),
        ({"kty": "OKP", "crv": "X25519", "x": "A" * 43}, "key.unsupported_curve"),
        ({"kty": "OKP", "crv": "Ed448", "x": "A" * 76}, "key.unsupported_curve"),
        ({"kty": "EC", "crv": "secp256k1", "x": "A" * 43, "y": "A" * 43}, "key.unsupported_curve"),
        ({"kty": "EC", "crv": "P-256", "x": "A" * 43, "y": "A" * 43}, "key.invalid_point"),
        ({"kty": "EC", "crv": "P-256", "x": "AAAA"}, "key.wrong_length"),
        ({"kty": "OKP", "crv": "Ed25519"}, "key.missing_member"),
        ({"kty": "OKP", "crv": "Ed25519", "x": "A" * 42 + "=="}, "key.bad_base64url"),
        ({"kty": "OKP", "crv": "Ed25519", "x": "A" * 42 + "B"}, "key.bad_base64url"),
        ({"kty": "OKP", "crv": "Ed25519", "x": "+" * 43}, "key.bad_base64url"),
        ({"kty": "OKP", "crv": "Ed25519", "x": 12}, "key.bad_base64url"),
        ({"kty": "DSA"}, "key.unsupported_type"),
        ({}, "key.unsupported_type"),
        ("not a mapping", "key.invalid"),
    ],
)
def test_bad_public_jwks_fail_with_clear_codes(jwk: Any, code: str) -> None:
    with pytest.raises(KeyFormatError) as err:
        keys.public_key_from_jwk(jwk)
    assert err.value.code == code


def test_jwk_alg_use_and_key_ops_are_honoured() -> None:
    jwk = keys.Ed25519Signer.generate().public_key.to_jwk()
    assert keys.public_key_from_jwk({**jwk, "alg": "EdDSA", "use": "sig"})
    for extra, code in (
        ({"alg": "RS256"}, "key.alg_mismatch"),
        ({"use": "enc"}, "key.wrong_use"),
        ({"key_ops": ["encrypt"]}, "key.wrong_use"),
    ):
        with pytest.raises(KeyFormatError) as err:
            keys.public_key_from_jwk({**jwk, **extra})
        assert err.value.code == code


def test_small_rsa_keys_are_refused_everywhere() -> None:
    with pytest.raises(KeyFormatError) as err:
        keys.public_key_from_jwk(_rsa_jwk(1024))
    assert err.value.code == "key.too_weak"
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    pem = small.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with pytest.raises(KeyFormatError, match="2048"):
        keys.signer_from_pem(pem)
    with pytest.raises(KeyFormatError):
        keys.RsaSigner.generate(1024)


def test_private_jwk_whose_public_half_belongs_to_another_key_is_refused() -> None:
    a, b = keys.EcSigner.generate(), keys.EcSigner.generate()
    mixed = {**a.to_jwk(include_private=True), "x": b.to_jwk()["x"], "y": b.to_jwk()["y"]}
    with pytest.raises(KeyFormatError) as err:
        keys.signer_from_jwk(mixed)
    assert err.value.code == "key.mismatch"
    with pytest.raises(KeyFormatError) as err:
        keys.signer_from_jwk(a.to_jwk())
    assert err.value.code == "key.not_private"


@pytest.mark.parametrize(
    "junk", [b"", b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", "x"]
)
def test_junk_pem_fails_clearly(junk: bytes | str) -> None:
    with pytest.raises(KeyFormatError) as err:
        keys.public_key_from_pem(junk)
    assert err.value.code == "key.bad_pem"
    with pytest.raises(KeyFormatError) as err:
        keys.signer_from_pem(junk)
    assert err.value.code == "key.bad_pem"


def test_secp256k1_pem_is_refused() -> None:
    private = ec.generate_private_key(ec.SECP256K1())
    pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(KeyFormatError) as err:
        keys.public_key_from_pem(pem)
    assert err.value.code == "key.unsupported_curve"


def test_multikey_of_other_codecs_is_refused() -> None:
    secret = keys.Ed25519Signer.generate().secret_multibase
    with pytest.raises(KeyFormatError) as err:
        keys.public_key_from_multibase(secret)
    assert err.value.code == "key.wrong_type"
    p256 = multibase.encode(multibase.P256_PUB + b"\x05" + bytes(32))
    with pytest.raises(KeyFormatError):
        keys.public_key_from_multibase(p256)


def test_wrong_length_signatures_fail_as_bad_signatures() -> None:
    for signer in (keys.Ed25519Signer.generate(), keys.EcSigner.generate()):
        with pytest.raises(ProofError) as err:
            signer.public_key.verify(b"\0" * 10, b"x")
        assert err.value.code == "proof.bad_signature"


def test_strict_base64url() -> None:
    assert keys.b64url_strict("") == b""
    assert keys.b64url_strict("AQAB") == b"\x01\x00\x01"
    for bad in ("AQAB=", "A", "AQ B", "AR", object()):
        with pytest.raises(KeyFormatError):
            keys.b64url_strict(bad)


def test_w3c_eddsa_key_pair_matches_and_exports_as_jwk() -> None:
    pair = json.loads((VECTORS / "w3c-vc-di-eddsa" / "TestVectors" / "keyPair.json").read_text())
    signer = keys.Ed25519Signer.from_multibase(pair["privateKeyMultibase"])
    assert signer.public_key.multibase == pair["publicKeyMultibase"]
    jwk = signer.to_jwk(include_private=True)
    again = keys.signer_from_jwk(jwk)
    assert isinstance(again, keys.Ed25519Signer)
    assert again.seed == signer.seed
    assert keys.public_key_from_jwk(signer.to_jwk()) == signer.public_key


# ----------------------------------------------------------------------- remembered keys


def test_remembered_multikeys_are_the_keys_their_text_names() -> None:
    first, second = keys.Ed25519Signer.generate(), keys.Ed25519Signer.generate()
    for _ in range(2):  # the second round is answered from memory
        assert keys.public_key_from_multibase(first.public_key.multibase) == first.public_key
        assert keys.public_key_from_multibase(second.public_key.multibase) == second.public_key
    p256 = keys.EcSigner.generate().public_key
    assert isinstance(p256, keys.EcPublicKey)
    for _ in range(2):
        assert keys.public_key_from_multibase(p256.multibase) == p256


def test_refused_multikeys_are_refused_every_time() -> None:
    for _ in range(2):
        with pytest.raises(KeyFormatError):
            keys.public_key_from_multibase("z6MkNotAKey0OIl")


def test_remembered_verifiers_never_accept_another_keys_signature() -> None:
    first, second = keys.Ed25519Signer.generate(), keys.Ed25519Signer.generate()
    data = b"the same data"
    for _ in range(2):
        first.public_key.verify(first.sign(data), data)
        second.public_key.verify(second.sign(data), data)
        with pytest.raises(ProofError):
            first.public_key.verify(second.sign(data), data)
        with pytest.raises(ProofError):
            second.public_key.verify(first.sign(data), data)
