"""What every key type shares: the two protocols, strict base64url and signature errors.

Kept apart from the key types so that they, the JWK/PEM readers and :mod:`insignia.core.jose`
can all depend on it without importing each other (``insignia.core.keys`` re-exports it all).
"""

from __future__ import annotations

import re
from typing import Any, Protocol, runtime_checkable

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


_B64URL = re.compile(r"[A-Za-z0-9_-]*")


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


def bad_signature() -> ProofError:
    """The one error every key type raises for a signature that does not verify."""
    return ProofError("The signature does not match the signed data.", code="proof.bad_signature")


def check_signature_length(signature: bytes, expected: int, kind: str) -> None:
    """Refuse a signature of the wrong size before it reaches the crypto library.

    :raises ProofError: code ``proof.bad_signature``, saying what size was expected.
    """
    if len(signature) != expected:
        raise ProofError(
            f"An {kind} signature has {expected} bytes, not {len(signature)}.",
            code="proof.bad_signature",
        )


def multicodec_body(value: str, prefix: bytes, refusal: str, *, size: int | None = None) -> bytes:
    """Decode a multibase key and strip its multicodec ``prefix``.

    The prefix is what says which kind of key the bytes are, so a wrong one (or, with
    ``size``, a body of another length) is refused as the wrong type of key.

    :raises KeyFormatError: ``key.wrong_type`` with the ``refusal`` message; the multibase
        decoder's own errors for text that is not base58btc.
    """
    data = multibase.decode(value)
    body = data[len(prefix) :]
    if not data.startswith(prefix) or (size is not None and len(body) != size):
        raise KeyFormatError(refusal, code="key.wrong_type")
    return body
