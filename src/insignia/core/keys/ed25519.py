"""Signing keys and public keys, independent of how they are identified (DID, URL, JWK).

The engine signs with a :class:`Signer` and verifies with a :class:`PublicKey`; both name their
JOSE algorithm (``EdDSA``, ``ES256``, ``RS256``) so that Data Integrity suites and VC-JWT share
one key model.  Ed25519 keys travel as Multikey (``z6Mk…``): multicodec ``0xed01`` + 32 bytes,
base58btc; their secret form is ``0x8026`` + the 32-byte seed (W3C vectors) or seed‖public
(64 bytes, as in the 1EdTech implementation-guide vector) — both are accepted.

RSA (RS256, at least 2048 bits, as OB 3.0 requires for VC-JWT) and NIST curves (ES256 on P-256;
P-384/P-521 only so that the W3C VC-JOSE vectors can be checked) sit beside Ed25519.  Every key
converts to and from JWK, because JWTs, JWKS files and ``publicKeyJwk`` all speak it, and every
failure on foreign key material is a :class:`KeyFormatError` with a stable code.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from insignia.core import multibase
from insignia.core.errors import KeyFormatError, ProofError


@runtime_checkable
class PublicKey(Protocol):
    """A key that can check signatures."""

    @property
    def algorithm(self) -> str:
        """The JOSE algorithm this key verifies (``EdDSA``, ``ES256``, ``RS256``…)."""
        ...

    def verify(self, signature: bytes, data: bytes) -> None:
        """Return None when the signature holds.

        :raises ProofError: code ``proof.bad_signature`` when it does not.
        """
        ...

    def to_jwk(self) -> dict[str, Any]:
        """Return the public JWK (never any private member)."""
        ...


@runtime_checkable
class Signer(Protocol):
    """A private key that can sign; ``public_key`` is its verifying half."""

    @property
    def algorithm(self) -> str: ...

    @property
    def public_key(self) -> PublicKey: ...

    def sign(self, data: bytes) -> bytes: ...


#: RSA moduli outside this range are refused: small ones are forgeable, huge ones cost CPU.
MIN_RSA_BITS = 2048
MAX_RSA_BITS = 8192
#: JWK members that only a private key has (RFC 7518 §6.2.2, §6.3.2, §6.4).
PRIVATE_JWK_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
_B64URL = re.compile(r"[A-Za-z0-9_-]*")


def _bad_signature() -> ProofError:
    return ProofError("The signature does not match the signed data.", code="proof.bad_signature")


def b64url_strict(text: object, *, what: str = "value") -> bytes:
    """Decode unpadded base64url and refuse every non-canonical spelling.

    JWS and JWK values are compared and hashed as text, so two spellings of the same bytes
    (padding, stray bits in the last character) must not both be accepted.

    :raises KeyFormatError: code ``key.bad_base64url``.
    """
    if not isinstance(text, str) or not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise KeyFormatError(f"The {what} is not unpadded base64url.", code="key.bad_base64url")
    data = multibase.b64url_decode(text)
    if multibase.b64url_encode(data) != text:
        raise KeyFormatError(f"The {what} is not canonical base64url.", code="key.bad_base64url")
    return data


# --------------------------------------------------------------------------------- Ed25519


@dataclass(frozen=True, slots=True)
class Ed25519PublicKey:
    """An Ed25519 public key (32 raw bytes)."""

    raw: bytes

    def __post_init__(self) -> None:
        if len(self.raw) != 32:
            raise KeyFormatError(
                f"An Ed25519 public key has 32 bytes, not {len(self.raw)}.", code="key.wrong_length"
            )

    @property
    def algorithm(self) -> str:
        return "EdDSA"

    @classmethod
    def from_multibase(cls, value: str) -> Ed25519PublicKey:
        """Read a Multikey ``publicKeyMultibase`` (``z6Mk…``).

        :raises KeyFormatError: when it is not base58btc with the Ed25519 multicodec prefix.
        """
        data = multibase.decode(value)
        if not data.startswith(multibase.ED25519_PUB):
            raise KeyFormatError(
                "The multibase key is not an Ed25519 public key (multicodec 0xed01).",
                code="key.wrong_type",
            )
        return cls(data[2:])

    @property
    def multibase(self) -> str:
        """The Multikey ``publicKeyMultibase`` form (``z6Mk…``)."""
        return multibase.encode(multibase.ED25519_PUB + self.raw)

    @property
    def did_key(self) -> str:
        """The ``did:key`` identifier of this key."""
        return f"did:key:{self.multibase}"

    @property
    def did_key_verification_method(self) -> str:
        """The conventional verification method id ``did:key:z6Mk…#z6Mk…``."""
        return f"{self.did_key}#{self.multibase}"

    def verify(self, signature: bytes, data: bytes) -> None:
        if len(signature) != 64:
            raise ProofError(
                f"An Ed25519 signature has 64 bytes, not {len(signature)}.",
                code="proof.bad_signature",
            )
        try:
            ed25519.Ed25519PublicKey.from_public_bytes(self.raw).verify(signature, data)
        except InvalidSignature:
            raise _bad_signature() from None

    def to_jwk(self) -> dict[str, Any]:
        return {"kty": "OKP", "crv": "Ed25519", "x": multibase.b64url_encode(self.raw)}


class Ed25519Signer:
    """An Ed25519 private key.  Signing is deterministic: same key + data → same signature."""

    __slots__ = ("_private", "_public")

    def __init__(self, private: ed25519.Ed25519PrivateKey) -> None:
        self._private = private
        raw = private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self._public = Ed25519PublicKey(raw)

    @classmethod
    def generate(cls) -> Ed25519Signer:
        """Create a new random key (from the OS's CSPRNG)."""
        return cls(ed25519.Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, seed: bytes) -> Ed25519Signer:
        """Build the key from its 32-byte seed.

        :raises KeyFormatError: when the seed is not 32 bytes.
        """
        if len(seed) != 32:
            raise KeyFormatError(
                f"An Ed25519 seed has 32 bytes, not {len(seed)}.", code="key.wrong_length"
            )
        return cls(ed25519.Ed25519PrivateKey.from_private_bytes(seed))

    @classmethod
    def from_multibase(cls, value: str) -> Ed25519Signer:
        """Read a ``secretKeyMultibase``/``privateKeyMultibase`` (0x8026 + seed, or + seed‖public).

        :raises KeyFormatError: on another codec, a wrong length, or a public half that does
            not belong to the seed.
        """
        data = multibase.decode(value)
        if not data.startswith(multibase.ED25519_PRIV):
            raise KeyFormatError(
                "The multibase secret is not an Ed25519 private key (multicodec 0x8026).",
                code="key.wrong_type",
            )
        body = data[2:]
        if len(body) == 64:
            signer = cls.from_seed(body[:32])
            if signer.public_key.raw != body[32:]:
                raise KeyFormatError(
                    "The 64-byte secret key's public half does not match its seed.",
                    code="key.mismatch",
                )
            return signer
        return cls.from_seed(body)

    @property
    def algorithm(self) -> str:
        return "EdDSA"

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self._public

    @property
    def seed(self) -> bytes:
        """The 32-byte seed (handle as a secret)."""
        return self._private.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )

    @property
    def secret_multibase(self) -> str:
        """The ``secretKeyMultibase`` form: 0x8026 + 32-byte seed, base58btc."""
        return multibase.encode(multibase.ED25519_PRIV + self.seed)

    def sign(self, data: bytes) -> bytes:
        return self._private.sign(data)

    def to_jwk(self, *, include_private: bool = False) -> dict[str, Any]:
        """The public JWK, plus ``d`` (the seed) only when asked for explicitly."""
        jwk = self._public.to_jwk()
        if include_private:
            jwk["d"] = multibase.b64url_encode(self.seed)
        return jwk

    def __repr__(self) -> str:  # never print the secret
        return f"Ed25519Signer(public={self._public.multibase})"


# ------------------------------------------------------------------------------ NIST curves


@dataclass(frozen=True, slots=True)
class _Curve:
    jwk_name: str
    algorithm: str
    size: int  # bytes per coordinate, and per half of a raw r‖s signature
    curve: type[ec.EllipticCurve]
    hash: type[hashes.HashAlgorithm]


_CURVES = {
    "P-256": _Curve("P-256", "ES256", 32, ec.SECP256R1, hashes.SHA256),
    "P-384": _Curve("P-384", "ES384", 48, ec.SECP384R1, hashes.SHA384),
    "P-521": _Curve("P-521", "ES512", 66, ec.SECP521R1, hashes.SHA512),
}
_CURVE_BY_OPENSSL_NAME = {
    "secp256r1": _CURVES["P-256"],
    "secp384r1": _CURVES["P-384"],
    "secp521r1": _CURVES["P-521"],
}


def _curve(name: object) -> _Curve:
    if not isinstance(name, str) or name not in _CURVES:
        raise KeyFormatError(
            f"The curve {name!r} is not supported (use Ed25519 or P-256).",
            code="key.unsupported_curve",
            curve=str(name),
        )
    return _CURVES[name]


@dataclass(frozen=True, slots=True)
class EcPublicKey:
    """An ECDSA public key on a NIST curve; JOSE signatures are raw ``r‖s``, not DER."""

    curve: str
    x: bytes
    y: bytes

    def __post_init__(self) -> None:
        spec = _curve(self.curve)
        if len(self.x) != spec.size or len(self.y) != spec.size:
            raise KeyFormatError(
                f"{self.curve} coordinates have {spec.size} bytes each.", code="key.wrong_length"
            )
        self._crypto()  # refuses points that are not on the curve

    def _crypto(self) -> ec.EllipticCurvePublicKey:
        spec = _CURVES[self.curve]
        numbers = ec.EllipticCurvePublicNumbers(
            int.from_bytes(self.x, "big"), int.from_bytes(self.y, "big"), spec.curve()
        )
        try:
            return numbers.public_key()
        except ValueError as exc:
            raise KeyFormatError(
                "The point is not on the curve.", code="key.invalid_point"
            ) from exc

    @classmethod
    def from_crypto(cls, key: ec.EllipticCurvePublicKey) -> EcPublicKey:
        """Wrap a ``cryptography`` key (its curve must be one we support)."""
        spec = _CURVE_BY_OPENSSL_NAME.get(key.curve.name)
        if spec is None:
            raise KeyFormatError(
                f"The curve {key.curve.name} is not supported.", code="key.unsupported_curve"
            )
        nums = key.public_numbers()
        return cls(
            spec.jwk_name, nums.x.to_bytes(spec.size, "big"), nums.y.to_bytes(spec.size, "big")
        )

    @classmethod
    def from_multibase(cls, value: str) -> EcPublicKey:
        """Read a P-256 Multikey (``zDn…``: multicodec 0x1200 + 33-byte compressed point)."""
        data = multibase.decode(value)
        if not data.startswith(multibase.P256_PUB) or len(data) != 35:
            raise KeyFormatError(
                "The multibase key is not a compressed P-256 key (multicodec 0x1200).",
                code="key.wrong_type",
            )
        try:
            key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), data[2:])
        except ValueError as exc:
            raise KeyFormatError("The P-256 point is invalid.", code="key.invalid_point") from exc
        return cls.from_crypto(key)

    @property
    def multibase(self) -> str:
        """The P-256 Multikey form (``zDn…``)."""
        if self.curve != "P-256":
            raise KeyFormatError("Only P-256 has a Multikey form here.", code="key.wrong_type")
        point = self._crypto().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
        )
        return multibase.encode(multibase.P256_PUB + point)

    @property
    def algorithm(self) -> str:
        return _CURVES[self.curve].algorithm

    def verify(self, signature: bytes, data: bytes) -> None:
        spec = _CURVES[self.curve]
        if len(signature) != 2 * spec.size:
            raise ProofError(
                f"An {spec.algorithm} signature has {2 * spec.size} bytes, not {len(signature)}.",
                code="proof.bad_signature",
            )
        r = int.from_bytes(signature[: spec.size], "big")
        s = int.from_bytes(signature[spec.size :], "big")
        try:
            self._crypto().verify(encode_dss_signature(r, s), data, ec.ECDSA(spec.hash()))
        except InvalidSignature:
            raise _bad_signature() from None

    def to_jwk(self) -> dict[str, Any]:
        return {
            "kty": "EC",
            "crv": self.curve,
            "x": multibase.b64url_encode(self.x),
            "y": multibase.b64url_encode(self.y),
        }


class EcSigner:
    """An ECDSA private key producing JOSE raw ``r‖s`` signatures (randomised, so never equal)."""

    __slots__ = ("_private", "_public")

    def __init__(self, private: ec.EllipticCurvePrivateKey) -> None:
        self._private = private
        self._public = EcPublicKey.from_crypto(private.public_key())

    @classmethod
    def generate(cls, curve: str = "P-256") -> EcSigner:
        """Create a new random key on ``curve`` (P-256 unless told otherwise)."""
        return cls(ec.generate_private_key(_curve(curve).curve()))

    @property
    def algorithm(self) -> str:
        return self._public.algorithm

    @property
    def public_key(self) -> EcPublicKey:
        return self._public

    def sign(self, data: bytes) -> bytes:
        spec = _CURVES[self._public.curve]
        r, s = decode_dss_signature(self._private.sign(data, ec.ECDSA(spec.hash())))
        return r.to_bytes(spec.size, "big") + s.to_bytes(spec.size, "big")

    def to_jwk(self, *, include_private: bool = False) -> dict[str, Any]:
        """The public JWK, plus ``d`` only when asked for explicitly."""
        jwk = self._public.to_jwk()
        if include_private:
            size = _CURVES[self._public.curve].size
            d = self._private.private_numbers().private_value.to_bytes(size, "big")
            jwk["d"] = multibase.b64url_encode(d)
        return jwk

    def __repr__(self) -> str:
        return f"EcSigner(curve={self._public.curve})"


# ------------------------------------------------------------------------------------- RSA


def _check_rsa_size(bits: int) -> None:
    if bits < MIN_RSA_BITS:
        raise KeyFormatError(
            f"The RSA key has {bits} bits; at least {MIN_RSA_BITS} are required.",
            code="key.too_weak",
            bits=bits,
        )
    if bits > MAX_RSA_BITS:
        raise KeyFormatError(
            f"The RSA key has {bits} bits; at most {MAX_RSA_BITS} are accepted.",
            code="key.too_large",
            bits=bits,
        )


@dataclass(frozen=True, slots=True)
class RsaPublicKey:
    """An RSA public key for RS256 (RSASSA-PKCS1-v1_5 with SHA-256)."""

    n: int
    e: int

    def __post_init__(self) -> None:
        _check_rsa_size(self.n.bit_length())
        self._crypto()

    def _crypto(self) -> rsa.RSAPublicKey:
        try:
            return rsa.RSAPublicNumbers(self.e, self.n).public_key()
        except ValueError as exc:
            raise KeyFormatError("The RSA public key is invalid.", code="key.invalid") from exc

    @classmethod
    def from_crypto(cls, key: rsa.RSAPublicKey) -> RsaPublicKey:
        """Wrap a ``cryptography`` RSA key."""
        nums = key.public_numbers()
        return cls(nums.n, nums.e)

    @property
    def algorithm(self) -> str:
        return "RS256"

    def verify(self, signature: bytes, data: bytes) -> None:
        if len(signature) != (self.n.bit_length() + 7) // 8:
            raise ProofError("The RSA signature has the wrong length.", code="proof.bad_signature")
        try:
            self._crypto().verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise _bad_signature() from None

    def to_jwk(self) -> dict[str, Any]:
        return {"kty": "RSA", "n": _int_b64(self.n), "e": _int_b64(self.e)}


def _int_b64(value: int) -> str:
    return multibase.b64url_encode(value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big"))


class RsaSigner:
    """An RSA private key signing RS256 (deterministic PKCS#1 v1.5)."""

    __slots__ = ("_private", "_public")

    def __init__(self, private: rsa.RSAPrivateKey) -> None:
        _check_rsa_size(private.key_size)
        self._private = private
        self._public = RsaPublicKey.from_crypto(private.public_key())

    @classmethod
    def generate(cls, bits: int = 3072) -> RsaSigner:
        """Create a new random key (3072 bits by default, NIST's recommendation past 2030)."""
        _check_rsa_size(bits)
        return cls(rsa.generate_private_key(public_exponent=65537, key_size=bits))

    @property
    def algorithm(self) -> str:
        return "RS256"

    @property
    def public_key(self) -> RsaPublicKey:
        return self._public

    def sign(self, data: bytes) -> bytes:
        return self._private.sign(data, padding.PKCS1v15(), hashes.SHA256())

    def to_jwk(self, *, include_private: bool = False) -> dict[str, Any]:
        """The public JWK, plus the private members only when asked for explicitly."""
        jwk = self._public.to_jwk()
        if include_private:
            p = self._private.private_numbers()
            for name, value in (
                ("d", p.d),
                ("p", p.p),
                ("q", p.q),
                ("dp", p.dmp1),
                ("dq", p.dmq1),
                ("qi", p.iqmp),
            ):
                jwk[name] = _int_b64(value)
        return jwk

    def __repr__(self) -> str:
        return f"RsaSigner(bits={self._private.key_size})"


AnyPublicKey = Ed25519PublicKey | EcPublicKey | RsaPublicKey
AnySigner = Ed25519Signer | EcSigner | RsaSigner


# ------------------------------------------------------------------- JWK, PEM and Multikey


def _jwk_member(jwk: Mapping[str, Any], name: str, size: int | None = None) -> bytes:
    if name not in jwk:
        raise KeyFormatError(f"The JWK has no {name!r} member.", code="key.missing_member")
    value = b64url_strict(jwk[name], what=f"JWK member {name!r}")
    if size is not None and len(value) != size:
        raise KeyFormatError(
            f"The JWK member {name!r} has {len(value)} bytes, not {size}.", code="key.wrong_length"
        )
    return value


def _jwk_int(jwk: Mapping[str, Any], name: str) -> int:
    return int.from_bytes(_jwk_member(jwk, name), "big")


def _check_jwk_shape(jwk: object) -> Mapping[str, Any]:
    if not isinstance(jwk, Mapping):
        raise KeyFormatError("A JWK must be a JSON object.", code="key.invalid")
    kty = jwk.get("kty")
    if kty == "oct":
        raise KeyFormatError(
            "Symmetric (oct) keys cannot verify public credentials.", code="key.symmetric"
        )
    if kty not in ("OKP", "EC", "RSA"):
        raise KeyFormatError(f"The JWK type {kty!r} is not supported.", code="key.unsupported_type")
    return jwk


def _check_jwk_use(jwk: Mapping[str, Any], key: AnyPublicKey, op: str) -> None:
    """Honour the JWK's own restrictions: a key marked for encryption must not verify."""
    if "alg" in jwk and jwk["alg"] != key.algorithm:
        raise KeyFormatError(
            f"The JWK says alg {jwk['alg']!r} but the key is for {key.algorithm}.",
            code="key.alg_mismatch",
        )
    if "use" in jwk and jwk["use"] != "sig":
        raise KeyFormatError("The JWK is not meant for signatures.", code="key.wrong_use")
    ops = jwk.get("key_ops")
    if ops is not None and (not isinstance(ops, list) or op not in ops):
        raise KeyFormatError(f"The JWK's key_ops do not allow {op!r}.", code="key.wrong_use")


def _public_from_jwk(jwk: Mapping[str, Any]) -> AnyPublicKey:
    kty = jwk["kty"]
    if kty == "OKP":
        if jwk.get("crv") != "Ed25519":
            raise KeyFormatError(
                f"The OKP curve {jwk.get('crv')!r} is not supported (only Ed25519).",
                code="key.unsupported_curve",
            )
        return Ed25519PublicKey(_jwk_member(jwk, "x", 32))
    if kty == "EC":
        spec = _curve(jwk.get("crv"))
        return EcPublicKey(
            spec.jwk_name, _jwk_member(jwk, "x", spec.size), _jwk_member(jwk, "y", spec.size)
        )
    return RsaPublicKey(_jwk_int(jwk, "n"), _jwk_int(jwk, "e"))


def public_key_from_jwk(jwk: Mapping[str, Any]) -> AnyPublicKey:
    """Read a public JWK (OKP Ed25519, EC P-256/384/521, RSA ≥ 2048 bits).

    A JWK carrying private members is refused rather than silently trimmed: whoever published
    it has leaked a secret, and a verifier must not bless that key.

    :raises KeyFormatError: ``key.private_in_public``, ``key.unsupported_curve``,
        ``key.unsupported_type``, ``key.symmetric``, ``key.alg_mismatch``, ``key.wrong_use``,
        ``key.too_weak``, ``key.invalid_point``, ``key.bad_base64url``…
    """
    jwk = _check_jwk_shape(jwk)
    leaked = sorted(PRIVATE_JWK_MEMBERS.intersection(jwk))
    if leaked:
        raise KeyFormatError(
            "The public JWK contains private key material.",
            code="key.private_in_public",
            members=leaked,
        )
    key = _public_from_jwk(jwk)
    _check_jwk_use(jwk, key, "verify")
    return key


def signer_from_jwk(jwk: Mapping[str, Any]) -> AnySigner:
    """Read a private JWK and check that its public members belong to it.

    :raises KeyFormatError: as :func:`public_key_from_jwk`, plus ``key.not_private`` and
        ``key.mismatch``.
    """
    jwk = _check_jwk_shape(jwk)
    if "d" not in jwk:
        raise KeyFormatError("The JWK has no private member 'd'.", code="key.not_private")
    signer = _signer_from_jwk(jwk)
    if _public_from_jwk(jwk) != signer.public_key:
        raise KeyFormatError("The JWK's public and private parts differ.", code="key.mismatch")
    _check_jwk_use(jwk, signer.public_key, "sign")
    return signer


def _signer_from_jwk(jwk: Mapping[str, Any]) -> AnySigner:
    kty = jwk["kty"]
    try:
        if kty == "OKP":
            _public_from_jwk(jwk)  # checks crv before the seed is used
            return Ed25519Signer.from_seed(_jwk_member(jwk, "d", 32))
        if kty == "EC":
            spec = _curve(jwk.get("crv"))
            d = int.from_bytes(_jwk_member(jwk, "d", spec.size), "big")
            return EcSigner(ec.derive_private_key(d, spec.curve()))
        return RsaSigner(_rsa_private(jwk))
    except ValueError as exc:
        raise KeyFormatError("The private JWK is invalid.", code="key.invalid") from exc


def _rsa_private(jwk: Mapping[str, Any]) -> rsa.RSAPrivateKey:
    n, e, d = _jwk_int(jwk, "n"), _jwk_int(jwk, "e"), _jwk_int(jwk, "d")
    _check_rsa_size(n.bit_length())
    if all(m in jwk for m in ("p", "q", "dp", "dq", "qi")):
        p, q = _jwk_int(jwk, "p"), _jwk_int(jwk, "q")
        dp, dq, qi = _jwk_int(jwk, "dp"), _jwk_int(jwk, "dq"), _jwk_int(jwk, "qi")
    else:  # RFC 7518 §6.3.2 allows d alone; recover the primes
        p, q = rsa.rsa_recover_prime_factors(n, e, d)
        dp, dq, qi = rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q)
    public = rsa.RSAPublicNumbers(e, n)
    return rsa.RSAPrivateNumbers(p, q, d, dp, dq, qi, public).private_key()


def _wrap_public(key: object) -> AnyPublicKey:
    if isinstance(key, ed25519.Ed25519PublicKey):
        return Ed25519PublicKey(
            key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        )
    if isinstance(key, ec.EllipticCurvePublicKey):
        return EcPublicKey.from_crypto(key)
    if isinstance(key, rsa.RSAPublicKey):
        return RsaPublicKey.from_crypto(key)
    raise KeyFormatError(
        f"Keys of type {type(key).__name__} are not supported.", code="key.unsupported_type"
    )


def public_key_from_pem(data: bytes | str) -> AnyPublicKey:
    """Read a PEM ``PUBLIC KEY`` (SPKI) or ``RSA PUBLIC KEY`` (PKCS#1), as OB 2.0 publishes.

    :raises KeyFormatError: ``key.bad_pem`` or an unsupported/weak key.
    """
    raw = data.encode("ascii", "replace") if isinstance(data, str) else data
    try:
        key = serialization.load_pem_public_key(raw)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise KeyFormatError("Not a readable PEM public key.", code="key.bad_pem") from exc
    return _wrap_public(key)


def signer_from_pem(data: bytes | str, password: bytes | None = None) -> AnySigner:
    """Read a PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC), optionally encrypted.

    :raises KeyFormatError: ``key.bad_pem`` or an unsupported/weak key.
    """
    raw = data.encode("ascii", "replace") if isinstance(data, str) else data
    try:
        key = serialization.load_pem_private_key(raw, password=password)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise KeyFormatError("Not a readable PEM private key.", code="key.bad_pem") from exc
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return Ed25519Signer(key)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        _wrap_public(key.public_key())  # curve check
        return EcSigner(key)
    if isinstance(key, rsa.RSAPrivateKey):
        return RsaSigner(key)
    raise KeyFormatError(
        f"Keys of type {type(key).__name__} are not supported.", code="key.unsupported_type"
    )


def public_key_from_multibase(value: str) -> Ed25519PublicKey | EcPublicKey:
    """Read a Multikey ``publicKeyMultibase``: Ed25519 (``z6Mk…``) or P-256 (``zDn…``).

    :raises KeyFormatError: on another codec or a malformed key.
    """
    data = multibase.decode(value)
    if data.startswith(multibase.ED25519_PUB):
        return Ed25519PublicKey(data[2:])
    if data.startswith(multibase.P256_PUB):
        return EcPublicKey.from_multibase(value)
    raise KeyFormatError(
        "The Multikey is neither Ed25519 (0xed01) nor P-256 (0x1200).", code="key.wrong_type"
    )


_THUMBPRINT_MEMBERS = {
    "OKP": ("crv", "kty", "x"),
    "EC": ("crv", "kty", "x", "y"),
    "RSA": ("e", "kty", "n"),
}


def jwk_thumbprint(key: PublicKey | Mapping[str, Any]) -> str:
    """The RFC 7638 SHA-256 thumbprint, base64url: a stable ``kid`` derived from the key itself.

    :raises KeyFormatError: when a JWK mapping is not a supported public key.
    """
    jwk = (
        key.to_jwk()
        if isinstance(key, PublicKey)
        else _public_from_jwk(_check_jwk_shape(key)).to_jwk()
    )
    members = {name: jwk[name] for name in _THUMBPRINT_MEMBERS[jwk["kty"]]}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return multibase.b64url_encode(hashlib.sha256(canonical.encode("utf-8")).digest())
