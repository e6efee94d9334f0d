"""Turning a ``verificationMethod`` id into a public key.

The proof code asks a :class:`KeyResolver`; it never knows whether the key came from the
``did:key`` identifier itself (offline), a ``did:web`` document, an https controller document,
or a local folder of documents.  Resolvers that need the network get a :class:`Fetcher`
injected, so tests and the CLI stay offline unless the user points at a URL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from insignia.core.errors import KeyFormatError, ResolutionError
from insignia.core.keys import Ed25519PublicKey, PublicKey


@dataclass(frozen=True, slots=True)
class VerificationMethod:
    """A resolved key, with who controls it and anything odd about how it was found.

    :param id: the verification method id as the proof named it.
    :param controller: the DID or URL that controls the key (compared with the issuer).
    :param type: ``Multikey``, ``Ed25519VerificationKey2020``, ``JsonWebKey``…
    :param public_key: the key itself.
    :param warnings: conventions accepted for interoperability (bare did:key, key-in-fragment).
    """

    id: str
    controller: str
    type: str
    public_key: PublicKey
    warnings: tuple[str, ...] = field(default=())


class KeyResolver(Protocol):
    """Resolves verification method ids to keys authorised for a proof purpose."""

    def resolve(self, vm_id: str, *, purpose: str = "assertionMethod") -> VerificationMethod:
        """Return the key for ``vm_id``.

        :raises ResolutionError: the method cannot be found, fetched, or is not authorised
            for ``purpose`` by its controller.
        """
        ...


def resolve_did_key(vm_id: str) -> VerificationMethod:
    """Resolve a ``did:key:z6Mk…`` verification method offline.

    Accepts the standard ``did:key:X#X`` form and, with a warning, the bare ``did:key:X``
    that 1EdTech's own validator accepts.

    :raises ResolutionError: not a did:key, fragment mismatch, or not an Ed25519 key.
    """
    if not vm_id.startswith("did:key:"):
        raise ResolutionError(f"{vm_id} is not a did:key.", code="resolve.unsupported_method")
    did, _, fragment = vm_id.partition("#")
    key_part = did[len("did:key:") :]
    warnings: tuple[str, ...] = ()
    if not fragment:
        warnings = ("The verification method is a bare did:key without a #fragment.",)
    elif fragment != key_part:
        raise ResolutionError(
            "The did:key fragment does not name the key in the DID.",
            code="resolve.fragment_mismatch",
            verification_method=vm_id,
        )
    try:
        key = Ed25519PublicKey.from_multibase(key_part)
    except KeyFormatError as exc:
        raise ResolutionError(
            f"The did:key does not hold an Ed25519 key: {exc.message}",
            code="resolve.unsupported_key",
            verification_method=vm_id,
        ) from exc
    return VerificationMethod(
        id=f"{did}#{key_part}", controller=did, type="Multikey", public_key=key, warnings=warnings
    )


class DidKeyResolver:
    """The offline resolver: ``did:key`` only.  Anything else is an error, never a fetch."""

    def resolve(self, vm_id: str, *, purpose: str = "assertionMethod") -> VerificationMethod:
        return resolve_did_key(vm_id)
