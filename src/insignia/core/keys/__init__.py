"""Signing keys and public keys, independent of how they are identified (DID, URL, JWK).

The engine signs with a :class:`Signer` and verifies with a :class:`PublicKey`; both name their
JOSE algorithm (``EdDSA``, ``ES256``, ``RS256``) so that Data Integrity suites and VC-JWT share
one key model.  Ed25519 keys travel as Multikey (``z6Mk…``); RSA (RS256, at least 2048 bits,
as OB 3.0 requires for VC-JWT) and NIST curves (ES256 on P-256; P-384/P-521 only so that the
W3C VC-JOSE vectors can be checked) sit beside them.  Every key converts to and from JWK,
because JWTs, JWKS files and ``publicKeyJwk`` all speak it, and every failure on foreign key
material is a :class:`~insignia.core.errors.KeyFormatError` with a stable code.

This package is the import path for all of it; the modules split it by concern:
:mod:`.base` (protocols, strict base64url), :mod:`.ed25519`, :mod:`.ecdsa`, :mod:`.rsa`,
:mod:`.jwk` (JWK and thumbprints) and :mod:`.pem` (PEM and Multikey).
"""

from __future__ import annotations

from insignia.core.keys.base import PublicKey, Signer, b64url_strict
from insignia.core.keys.ecdsa import EcPublicKey, EcSigner
from insignia.core.keys.ed25519 import Ed25519PublicKey, Ed25519Signer
from insignia.core.keys.jwk import (
    PRIVATE_JWK_MEMBERS,
    AnyPublicKey,
    AnySigner,
    jwk_thumbprint,
    public_key_from_jwk,
    signer_from_jwk,
)
from insignia.core.keys.pem import public_key_from_multibase, public_key_from_pem, signer_from_pem
from insignia.core.keys.rsa import MAX_RSA_BITS, MIN_RSA_BITS, RsaPublicKey, RsaSigner

__all__ = [
    "MAX_RSA_BITS",
    "MIN_RSA_BITS",
    "PRIVATE_JWK_MEMBERS",
    "AnyPublicKey",
    "AnySigner",
    "EcPublicKey",
    "EcSigner",
    "Ed25519PublicKey",
    "Ed25519Signer",
    "PublicKey",
    "RsaPublicKey",
    "RsaSigner",
    "Signer",
    "b64url_strict",
    "jwk_thumbprint",
    "public_key_from_jwk",
    "public_key_from_multibase",
    "public_key_from_pem",
    "signer_from_jwk",
    "signer_from_pem",
]
