"""RSA keys for RS256 (RSASSA-PKCS1-v1_5 with SHA-256), as OB 2.0 and OB 3.0 VC-JWT use.

OB 3.0 requires at least 2048 bits; the upper bound keeps a stranger's key from costing a
verifier seconds of CPU.  Both bounds are checked wherever a key enters: built from numbers,
wrapped from ``cryptography``, generated, or read from a JWK.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from insignia.core import multibase
from insignia.core.errors import KeyFormatError
from insignia.core.keys.base import bad_signature, check_signature_length

#: RSA moduli outside this range are refused: small ones are forgeable, huge ones cost CPU.
MIN_RSA_BITS = 2048
MAX_RSA_BITS = 8192


def check_rsa_size(bits: int) -> None:
    """Refuse moduli that are forgeable (too small) or a denial of service (too large).

    :raises KeyFormatError: ``key.too_weak`` or ``key.too_large`` (detail ``bits``).
    """
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
        check_rsa_size(self.n.bit_length())
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
        check_signature_length(signature, (self.n.bit_length() + 7) // 8, "RS256")
        try:
            self._crypto().verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise bad_signature() from None

    def to_jwk(self) -> dict[str, Any]:
        return {"kty": "RSA", "n": _int_b64(self.n), "e": _int_b64(self.e)}


def _int_b64(value: int) -> str:
    return multibase.b64url_encode(value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big"))


class RsaSigner:
    """An RSA private key signing RS256 (deterministic PKCS#1 v1.5)."""

    __slots__ = ("_private", "_public")

    def __init__(self, private: rsa.RSAPrivateKey) -> None:
        check_rsa_size(private.key_size)
        self._private = private
        self._public = RsaPublicKey.from_crypto(private.public_key())

    @classmethod
    def generate(cls, bits: int = 3072) -> RsaSigner:
        """Create a new random key (3072 bits by default, NIST's recommendation past 2030)."""
        check_rsa_size(bits)
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
