"""Ed25519 keys (``EdDSA``): the engine's own signing keys, travelling as Multikey.

A public key is multicodec ``0xed01`` + 32 bytes, base58btc (``z6Mk…``).  The secret form is
``0x8026`` + the 32-byte seed (W3C vectors) or seed‖public (64 bytes, as in the 1EdTech
implementation-guide vector); both are read, and the second only when its halves agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from insignia.core import multibase
from insignia.core.errors import KeyFormatError
from insignia.core.keys.base import bad_signature, check_signature_length, multicodec_body


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
    def from_crypto(cls, key: ed25519.Ed25519PublicKey) -> Ed25519PublicKey:
        """Wrap a ``cryptography`` Ed25519 key."""
        return cls(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))

    @classmethod
    def from_multibase(cls, value: str) -> Ed25519PublicKey:
        """Read a Multikey ``publicKeyMultibase`` (``z6Mk…``).

        :raises KeyFormatError: when it is not base58btc with the Ed25519 multicodec prefix.
        """
        return cls(
            multicodec_body(
                value,
                multibase.ED25519_PUB,
                "The multibase key is not an Ed25519 public key (multicodec 0xed01).",
            )
        )

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
        check_signature_length(signature, 64, "Ed25519")
        try:
            _verifier(self.raw).verify(signature, data)
        except InvalidSignature:
            raise bad_signature() from None

    def to_jwk(self) -> dict[str, Any]:
        return {"kty": "OKP", "crv": "Ed25519", "x": multibase.b64url_encode(self.raw)}


@lru_cache(maxsize=1_024)
def _verifier(raw: bytes) -> ed25519.Ed25519PublicKey:
    """The ``cryptography`` key for 32 raw bytes, remembered: a verifier checks many
    signatures of the same few issuers, and the key object depends on the bytes alone."""
    return ed25519.Ed25519PublicKey.from_public_bytes(raw)


class Ed25519Signer:
    """An Ed25519 private key.  Signing is deterministic: same key + data → same signature."""

    __slots__ = ("_private", "_public")

    def __init__(self, private: ed25519.Ed25519PrivateKey) -> None:
        self._private = private
        self._public = Ed25519PublicKey.from_crypto(private.public_key())

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
        body = multicodec_body(
            value,
            multibase.ED25519_PRIV,
            "The multibase secret is not an Ed25519 private key (multicodec 0x8026).",
        )
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
