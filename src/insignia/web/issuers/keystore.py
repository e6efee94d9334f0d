"""Encryption at rest for issuer private keys (AES-256-GCM with a key-encryption key).

``settings.INSIGNIA_KEY_ENCRYPTION_KEYS`` (from ``INSIGNIA_KEY_ENCRYPTION_KEY`` or the file named
by ``INSIGNIA_KEY_ENCRYPTION_KEY_FILE``) is a list of 32-byte keys: the first encrypts, all
of them decrypt (rotation: put the new key first, run ``manage.py rewrap_signing_keys``,
then drop the old one).  Each ciphertext records the id of the KEK that made it and is bound
to its signing key's id and organisation (associated data), so a blob copied onto another
row does not decrypt.
"""

from __future__ import annotations

import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.views.decorators.debug import sensitive_variables

_VERSION = b"\x01"


class KeyDecryptionError(Exception):
    """No configured key-encryption key opens this private key."""


def kek_id(kek: bytes) -> str:
    """A short public identifier of a key-encryption key."""
    return hashlib.sha256(b"insignia-kek-id:" + kek).hexdigest()[:16]


def _keks() -> list[bytes]:
    keks: list[bytes] = list(settings.INSIGNIA_KEY_ENCRYPTION_KEYS)
    if not keks:
        raise ImproperlyConfigured("INSIGNIA_KEY_ENCRYPTION_KEY is not set.")
    return keks


def current_kek_id() -> str:
    """The id of the key-encryption key that encrypts new keys."""
    return kek_id(_keks()[0])


@sensitive_variables("secret", "kek")
def encrypt_private_key(secret: bytes, *, associated_data: bytes) -> tuple[str, bytes]:
    """Encrypt ``secret`` with the current KEK; return ``(kek_id, blob)``."""
    kek = _keks()[0]
    nonce = os.urandom(12)
    blob = _VERSION + nonce + AESGCM(kek).encrypt(nonce, secret, associated_data)
    return kek_id(kek), blob


@sensitive_variables("match")
def decrypt_private_key(blob: bytes, *, kek: str, associated_data: bytes) -> bytes:
    """Decrypt a blob made by :func:`encrypt_private_key`.

    :raises KeyDecryptionError: when the KEK is no longer configured or the blob was altered.
    """
    blob = bytes(blob)
    match = next((k for k in _keks() if kek_id(k) == kek), None)
    if match is None:
        raise KeyDecryptionError(f"The key-encryption key {kek} is not configured.")
    if not blob.startswith(_VERSION) or len(blob) < 1 + 12 + 16:
        raise KeyDecryptionError("The encrypted key has an unknown format.")
    nonce, ciphertext = blob[1:13], blob[13:]
    try:
        return AESGCM(match).decrypt(nonce, ciphertext, associated_data)
    except InvalidTag:
        raise KeyDecryptionError("The encrypted key does not decrypt (altered or moved).") from None
