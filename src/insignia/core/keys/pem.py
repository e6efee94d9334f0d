"""PEM and Multikey: the key encodings that are not JSON.

OB 2.0 issuers publish ``publicKeyPem`` (SPKI, sometimes PKCS#1 RSA); operators keep private
keys in PEM files; DID documents use Multikey ``publicKeyMultibase``.  Whatever the encoding,
the result is one of the engine's own key types, with the same size and curve limits as JWK.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from insignia.core import multibase
from insignia.core.errors import KeyFormatError
from insignia.core.keys.ecdsa import EcPublicKey, EcSigner
from insignia.core.keys.ed25519 import Ed25519PublicKey, Ed25519Signer
from insignia.core.keys.jwk import AnyPublicKey, AnySigner
from insignia.core.keys.rsa import RsaPublicKey, RsaSigner

#: What ``cryptography`` raises for PEM it cannot read (garbage, a wrong password, odd keys).
_PEM_ERRORS = (ValueError, TypeError, UnsupportedAlgorithm)
#: Multikeys remembered (a few dozen issuers is typical; each entry is one small key).
_MULTIKEY_CACHE: Final = 1_024


def _pem_bytes(data: bytes | str) -> bytes:
    """PEM is ASCII: other characters become ``?`` so they fail as bad PEM, not as Unicode."""
    return data.encode("ascii", "replace") if isinstance(data, str) else data


def _unsupported(key: object) -> KeyFormatError:
    return KeyFormatError(
        f"Keys of type {type(key).__name__} are not supported.", code="key.unsupported_type"
    )


def _wrap_public(key: object) -> AnyPublicKey:
    if isinstance(key, ed25519.Ed25519PublicKey):
        return Ed25519PublicKey.from_crypto(key)
    if isinstance(key, ec.EllipticCurvePublicKey):
        return EcPublicKey.from_crypto(key)
    if isinstance(key, rsa.RSAPublicKey):
        return RsaPublicKey.from_crypto(key)
    raise _unsupported(key)


def public_key_from_pem(data: bytes | str) -> AnyPublicKey:
    """Read a PEM ``PUBLIC KEY`` (SPKI) or ``RSA PUBLIC KEY`` (PKCS#1), as OB 2.0 publishes.

    :raises KeyFormatError: ``key.bad_pem`` or an unsupported/weak key.
    """
    try:
        key = serialization.load_pem_public_key(_pem_bytes(data))
    except _PEM_ERRORS as exc:
        raise KeyFormatError("Not a readable PEM public key.", code="key.bad_pem") from exc
    return _wrap_public(key)


def signer_from_pem(data: bytes | str, password: bytes | None = None) -> AnySigner:
    """Read a PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC), optionally encrypted.

    :raises KeyFormatError: ``key.bad_pem`` or an unsupported/weak key.
    """
    try:
        key = serialization.load_pem_private_key(_pem_bytes(data), password=password)
    except _PEM_ERRORS as exc:
        raise KeyFormatError("Not a readable PEM private key.", code="key.bad_pem") from exc
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return Ed25519Signer(key)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        _wrap_public(key.public_key())  # curve check
        return EcSigner(key)
    if isinstance(key, rsa.RSAPrivateKey):
        return RsaSigner(key)
    raise _unsupported(key)


def public_key_from_multibase(value: str) -> Ed25519PublicKey | EcPublicKey:
    """Read a Multikey ``publicKeyMultibase``: Ed25519 (``z6Mk…``) or P-256 (``zDn…``).

    Memoised: a verifier meets the same few issuer keys (every ``did:key`` proof names one)
    over and over.  The answer depends on the text alone and keys are immutable, so a
    remembered key is always the right one; errors are not remembered.

    :raises KeyFormatError: on another codec or a malformed key.
    """
    return _read_multikey(value)


@lru_cache(maxsize=_MULTIKEY_CACHE)
def _read_multikey(value: str) -> Ed25519PublicKey | EcPublicKey:
    data = multibase.decode(value)
    if data.startswith(multibase.ED25519_PUB):
        return Ed25519PublicKey(data[2:])
    if data.startswith(multibase.P256_PUB):
        return EcPublicKey.from_multibase(value)
    raise KeyFormatError(
        "The Multikey is neither Ed25519 (0xed01) nor P-256 (0x1200).", code="key.wrong_type"
    )
