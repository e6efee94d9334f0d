"""ECDSA keys on NIST curves: ES256 on P-256, which OB 3.0 names for VC-JWT.

P-384 and P-521 (ES384/ES512) are here only so that the W3C VC-JOSE vectors can be checked.
JOSE signatures are raw ``r‖s`` of fixed width, not the DER that ``cryptography`` speaks, so
both directions convert here; a point not on its curve is refused when the key is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from insignia.core import multibase
from insignia.core.errors import KeyFormatError
from insignia.core.keys.base import bad_signature, check_signature_length, multicodec_body


@dataclass(frozen=True, slots=True)
class CurveSpec:
    """A NIST curve as JOSE names it, with the sizes and hash its ES* algorithm uses."""

    jwk_name: str
    algorithm: str
    size: int  # bytes per coordinate, and per half of a raw r‖s signature
    curve: type[ec.EllipticCurve]
    hash: type[hashes.HashAlgorithm]


_CURVES = {
    "P-256": CurveSpec("P-256", "ES256", 32, ec.SECP256R1, hashes.SHA256),
    "P-384": CurveSpec("P-384", "ES384", 48, ec.SECP384R1, hashes.SHA384),
    "P-521": CurveSpec("P-521", "ES512", 66, ec.SECP521R1, hashes.SHA512),
}
_CURVE_BY_OPENSSL_NAME = {
    "secp256r1": _CURVES["P-256"],
    "secp384r1": _CURVES["P-384"],
    "secp521r1": _CURVES["P-521"],
}


def curve_spec(name: object) -> CurveSpec:
    """The supported curve a JWK ``crv`` names.

    :raises KeyFormatError: ``key.unsupported_curve`` for any other value.
    """
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
        spec = curve_spec(self.curve)
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
        point = multicodec_body(
            value,
            multibase.P256_PUB,
            "The multibase key is not a compressed P-256 key (multicodec 0x1200).",
            size=33,
        )
        try:
            key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
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
        check_signature_length(signature, 2 * spec.size, spec.algorithm)
        r = int.from_bytes(signature[: spec.size], "big")
        s = int.from_bytes(signature[spec.size :], "big")
        try:
            self._crypto().verify(encode_dss_signature(r, s), data, ec.ECDSA(spec.hash()))
        except InvalidSignature:
            raise bad_signature() from None

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
        return cls(ec.generate_private_key(curve_spec(curve).curve()))

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
