"""OB 2.0 recipient identities: plaintext, or ``sha256$<hex>`` / ``md5$<hex>`` of value+salt.

Issuers hash the learner's email so that a published assertion does not expose it; anyone
who knows the email (an employer who was handed the badge) can recompute the hash.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from insignia.core.errors import InputError

_HASHES = {"sha256": hashlib.sha256, "md5": hashlib.md5}


def _same(a: str, b: str) -> bool:
    """Constant-time equality of two strings from a credential and a verifier.  Compared as
    UTF-8 bytes: ``hmac.compare_digest`` refuses ``str`` with non-ASCII characters (a
    TypeError found by fuzzing, with an address like ``jürgen@…``)."""
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def hash_identity(value: str, salt: str = "", algorithm: str = "sha256") -> str:
    """Return the IdentityHash of ``value`` (``"sha256$" + hex(sha256(value + salt))``)."""
    if algorithm not in _HASHES:
        raise InputError(f"Unsupported identity hash {algorithm!r}.", code="input.bad_hash")
    digest = _HASHES[algorithm]((value + salt).encode("utf-8"), usedforsecurity=False)
    return f"{algorithm}${digest.hexdigest()}"


def recipient_matches(recipient: Mapping[str, Any], value: str) -> bool:
    """Does the assertion's ``recipient`` IdentityObject name ``value``?

    Email addresses compare case-insensitively when plaintext (the hash, by contrast, is of
    the exact string the issuer hashed, which we try as given and lower-cased).
    """
    identity = recipient.get("identity")
    if not isinstance(identity, str) or not isinstance(value, str):
        return False
    salt = recipient.get("salt")
    salt = salt if isinstance(salt, str) else ""
    if recipient.get("hashed") is not True and "$" not in identity:
        return _same(identity.strip().lower(), value.strip().lower())
    algorithm, _, digest = identity.partition("$")
    if algorithm.lower() not in _HASHES or not digest:
        return False
    for candidate in dict.fromkeys((value.strip(), value.strip().lower())):
        expected = hash_identity(candidate, salt, algorithm.lower())
        if _same(expected.partition("$")[2], digest.lower()):
            return True
    return False
