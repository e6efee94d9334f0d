"""The issuers app's only door into the credential engine (``insignia.core``).

Keys are generated and opened here, DID documents and JWK Sets are built here, and the
engine's key resolver is given a fetcher that answers for this platform's own URLs from
the database (so checking one of our badges never needs the network).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from insignia.core.dids import did_web_document, did_web_from_url, jwks
from insignia.core.keys import Ed25519PublicKey, Ed25519Signer

Signer = Ed25519Signer


def new_signer() -> Ed25519Signer:
    """A fresh Ed25519 key from the operating system's CSPRNG."""
    return Ed25519Signer.generate()


def signer_from_seed(seed: bytes) -> Ed25519Signer:
    """Rebuild a signer from its decrypted 32-byte seed."""
    return Ed25519Signer.from_seed(seed)


def public_key(multibase: str) -> Ed25519PublicKey:
    """Read a stored ``publicKeyMultibase``."""
    return Ed25519PublicKey.from_multibase(multibase)


def did_for(authority: str, path: str) -> str:
    """The ``did:web`` for a path on ``authority`` (host[:port]; did:web always means https)."""
    return did_web_from_url(f"https://{authority}{path}")


def did_document(did: str, keys: Sequence[tuple[str, str]], *, profile_url: str) -> dict[str, Any]:
    """The DID document of an organisation: ``keys`` are ``(fragment, multibase)`` pairs."""
    return did_web_document(
        did,
        [(fragment, public_key(mb)) for fragment, mb in keys],
        also_known_as=[profile_url],
    )


def jwk_set(keys: Sequence[tuple[str, str, str]]) -> dict[str, Any]:
    """A JWK Set; ``keys`` are ``(kid, multibase, issuer id)`` triples (``iss`` per key)."""
    out: list[dict[str, Any]] = []
    for kid, mb, issuer in keys:
        out.extend(jwks([(kid, public_key(mb))], issuer=issuer)["keys"])
    return {"keys": out}
