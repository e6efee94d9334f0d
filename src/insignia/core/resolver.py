"""Turning a ``verificationMethod`` id into a public key.

The proof code asks a :class:`KeyResolver`; it never knows whether the key came from the
``did:key`` identifier itself (offline), a ``did:web`` document, an https controller document,
or a local folder of documents.  Resolvers that need the network get a :class:`Fetcher`
injected, so tests and the CLI stay offline unless the user points at a URL.

A resolved key is only as good as the document that vouches for it, so :class:`DefaultResolver`
checks that the controller document is the one the id names, that it lists the method, and
that it authorises it for the proof purpose.  Conventions that skip part of this — accepted
because 1EdTech's validator accepts them and real badges rely on them — are reported in
:attr:`VerificationMethod.warnings`, never applied silently.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from insignia.core import dids
from insignia.core.dids import key_from_method
from insignia.core.errors import InputError, InsigniaError, KeyFormatError, ResolutionError
from insignia.core.fetch import Fetcher
from insignia.core.jsonio import parse_json_object
from insignia.core.keys import (
    PublicKey,
    b64url_strict,
    public_key_from_jwk,
    public_key_from_multibase,
)

_ACCEPT = (
    "application/did+json, application/did+ld+json;q=0.9, application/ld+json;q=0.8, "
    "application/jwk+json;q=0.8, application/json;q=0.7"
)
MAX_FOLDER_FILES = 10_000
#: Members by which a document speaks about its keys (a DID or controller document).
KEY_LISTS = ("verificationMethod", "assertionMethod", "authentication")


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


def _not_authorised(vm_id: str, purpose: str) -> ResolutionError:
    return ResolutionError(
        f"{vm_id} is not authorised for {purpose}.",
        code="resolve.not_authorized",
        verification_method=vm_id,
        purpose=purpose,
    )


def resolve_did_key(vm_id: str, *, purpose: str = "assertionMethod") -> VerificationMethod:
    """Resolve a ``did:key`` verification method (Ed25519 ``z6Mk…`` or P-256 ``zDn…``) offline.

    Accepts the standard ``did:key:X#X`` form and, with a warning, the bare ``did:key:X``
    that 1EdTech's own validator accepts.

    :raises ResolutionError: not a did:key, fragment mismatch, unsupported key, or a purpose
        (``keyAgreement``) a signing key's document does not grant.
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
        key = public_key_from_multibase(key_part)
    except KeyFormatError as exc:
        raise ResolutionError(
            f"The did:key does not hold a supported key: {exc.message}",
            code="resolve.unsupported_key",
            verification_method=vm_id,
        ) from exc
    if purpose not in dids.DID_KEY_RELATIONSHIPS:
        raise _not_authorised(vm_id, purpose)
    return VerificationMethod(
        id=f"{did}#{key_part}", controller=did, type="Multikey", public_key=key, warnings=warnings
    )


def resolve_did_jwk(vm_id: str, *, purpose: str = "assertionMethod") -> VerificationMethod:
    """Resolve ``did:jwk:<base64url JWK>#0`` offline (bare ``did:jwk`` with a warning)."""
    did, _, fragment = vm_id.partition("#")
    warnings: tuple[str, ...] = ()
    if not fragment:
        warnings = ("The verification method is a bare did:jwk without #0.",)
    elif fragment != "0":
        raise ResolutionError(
            "A did:jwk has one method, #0.",
            code="resolve.fragment_mismatch",
            verification_method=vm_id,
        )
    try:
        jwk = parse_json_object(b64url_strict(did[len("did:jwk:") :], what="did:jwk"))
        key = public_key_from_jwk(jwk)
    except (KeyFormatError, InputError) as exc:
        raise ResolutionError(
            f"The did:jwk does not hold a usable public JWK: {exc.message}",
            code="resolve.unsupported_key",
            verification_method=vm_id,
        ) from exc
    if purpose not in dids.DID_KEY_RELATIONSHIPS:
        raise _not_authorised(vm_id, purpose)
    return VerificationMethod(f"{did}#0", did, "JsonWebKey", key, warnings)


class DidKeyResolver:
    """The offline resolver: ``did:key`` only.  Anything else is an error, never a fetch."""

    def resolve(self, vm_id: str, *, purpose: str = "assertionMethod") -> VerificationMethod:
        return resolve_did_key(vm_id, purpose=purpose)


def _fragment_multikey(vm_id: str) -> PublicKey | None:
    fragment = vm_id.partition("#")[2]
    if not fragment.startswith("z"):
        return None
    try:
        return public_key_from_multibase(fragment)
    except KeyFormatError:
        return None


# ------------------------------------------------------------------------- the resolver


class DefaultResolver:
    """did:key and did:jwk offline; did:web and https through local documents or a fetcher.

    :param fetcher: used for documents not found in ``documents``; ``None`` = never fetch.
    :param documents: DID / controller / verification method documents by id or URL
        (see :func:`documents_from_folder`).
    """

    def __init__(
        self,
        fetcher: Fetcher | None = None,
        documents: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self._fetcher = fetcher
        self._documents: Mapping[str, Mapping[str, Any]] = documents or {}

    def resolve(self, vm_id: str, *, purpose: str = "assertionMethod") -> VerificationMethod:
        if not isinstance(vm_id, str) or not vm_id:
            raise ResolutionError("The verification method id is empty.", code="resolve.bad_id")
        if vm_id.startswith("did:key:"):
            return resolve_did_key(vm_id, purpose=purpose)
        if vm_id.startswith("did:jwk:"):
            return resolve_did_jwk(vm_id, purpose=purpose)
        base = vm_id.partition("#")[0]
        if vm_id.startswith("did:web:"):
            try:
                url = dids.did_web_to_url(base)
            except KeyFormatError as exc:
                raise ResolutionError(exc.message, code="resolve.bad_id") from exc
            return self._from_document(vm_id, base, self._load(vm_id, base, url), purpose)
        if vm_id.startswith(("https://", "http://")):
            return self._resolve_url(vm_id, base, purpose)
        raise ResolutionError(
            f"{vm_id} uses a DID method or scheme we do not resolve.",
            code="resolve.unsupported_method",
        )

    def _resolve_url(self, vm_id: str, base: str, purpose: str) -> VerificationMethod:
        local = self._local(vm_id, base)
        key = None if local is not None else _fragment_multikey(vm_id)
        if key is not None:
            # The 1EdTech convention (the key in the URL's #fragment) proves only that the
            # signer held *a* key, not that the issuer did.  When the issuer's document can be
            # read and speaks about keys, it decides (and fails a key it does not list).
            published = self._keys_document(base)
            if published is None:
                note = (
                    "The key was taken from the verification method's #fragment; the issuer's "
                    "own documents did not confirm it."
                )
                return VerificationMethod(vm_id, base, "Multikey", key, (note,))
            local = published
        document = local if local is not None else self._load(vm_id, base, base)
        if isinstance(document.get("kty"), str):
            try:
                jwk_key = public_key_from_jwk(document)
            except KeyFormatError as exc:
                raise ResolutionError(
                    f"{base} is not a usable public JWK: {exc.message}",
                    code="resolve.unsupported_key",
                    reason=exc.code,
                ) from exc
            note = f"{base} is a bare JWK; no controller document authorises it for {purpose}."
            return VerificationMethod(vm_id, base, "JsonWebKey", jwk_key, (note,))
        return self._from_document(vm_id, base, document, purpose)

    def _from_document(
        self, vm_id: str, base: str, document: Mapping[str, Any], purpose: str
    ) -> VerificationMethod:
        if document.get("id") == vm_id and any(m in document for m in dids.KEY_MEMBERS):
            return self._bare_method(vm_id, document, purpose)
        if document.get("id") != base:
            raise ResolutionError(
                f"The document found for {base} says it is {document.get('id')!r}.",
                code="resolve.id_mismatch",
                expected=base,
            )
        method, method_id, warnings = dids.find_method(document, vm_id)
        controller = method.get("controller", base)
        if controller != base:
            raise ResolutionError(
                f"{method_id} claims controller {controller!r} inside {base}'s document.",
                code="resolve.controller_mismatch",
            )
        if not dids.authorises(document, method_id, purpose):
            raise _not_authorised(method_id, purpose)
        key, legacy = key_from_method(method)
        return VerificationMethod(method_id, base, str(method["type"]), key, warnings + legacy)

    def _bare_method(
        self, vm_id: str, method: Mapping[str, Any], purpose: str
    ) -> VerificationMethod:
        """A document that *is* the verification method: its controller should vouch for it.

        When the controller's document cannot be read, or says nothing about keys (an OB
        Profile), the key is accepted with a warning only if it lives under the controller's
        own URL; a method naming some other controller must be confirmed by it.
        """
        key, warnings = key_from_method(method)
        vm_type = str(method["type"])
        controller = method.get("controller")
        if not isinstance(controller, str) or not controller:
            raise ResolutionError(f"{vm_id} names no controller.", code="resolve.no_controller")
        try:
            document: Mapping[str, Any] | None = self._load(
                controller, controller, _document_url(controller)
            )
        except ResolutionError:
            document = None
        if document is not None and dids.authorises(document, vm_id, purpose):
            return VerificationMethod(vm_id, controller, vm_type, key, warnings)
        speaks_for_keys = (
            document is not None
            and document.get("id") == controller
            and any(name in document for name in ("verificationMethod", *dids.RELATIONSHIPS))
        )
        if speaks_for_keys:
            raise _not_authorised(vm_id, purpose)
        if controller != vm_id.partition("#")[0]:
            raise ResolutionError(
                f"{vm_id} names the controller {controller}, which does not confirm it.",
                code="resolve.unconfirmed_controller",
                verification_method=vm_id,
            )
        note = f"The controller {controller} did not confirm the key; it was accepted as is."
        return VerificationMethod(vm_id, controller, vm_type, key, (*warnings, note))

    def _keys_document(self, base: str) -> Mapping[str, Any] | None:
        """``base``'s own document when a fetcher can read it and it lists keys (a DID or
        controller document); ``None`` when it cannot be read or says nothing about keys (an
        OB Profile), so that the caller falls back to the #fragment convention."""
        if self._fetcher is None:
            return None
        try:
            fetched = self._fetcher.fetch(base, accept=_ACCEPT)
            if fetched.status >= 400:
                return None
            document = fetched.json()
        except InsigniaError:
            return None
        if not isinstance(document, Mapping) or document.get("id") != base:
            return None
        if any(member in document for member in KEY_LISTS):
            return document
        return None

    def _local(self, vm_id: str, base: str) -> Mapping[str, Any] | None:
        for key in (vm_id, base):
            document = self._documents.get(key)
            if document is not None:
                return document
        return None

    def _load(self, vm_id: str, base: str, url: str) -> Mapping[str, Any]:
        local = self._local(vm_id, base) or self._documents.get(url)
        if local is not None:
            return local
        if self._fetcher is None:
            raise ResolutionError(
                f"{base} is not among the local documents and this resolver does not fetch.",
                code="resolve.offline",
                url=url,
            )
        fetched = self._fetcher.fetch(url, accept=_ACCEPT)
        if fetched.status >= 400:
            raise ResolutionError(
                f"{url} answered HTTP {fetched.status}.",
                code="resolve.http_status",
                url=url,
                status=fetched.status,
            )
        return fetched.json()


def _document_url(identifier: str) -> str:
    if identifier.startswith("did:web:"):
        try:
            return dids.did_web_to_url(identifier)
        except KeyFormatError as exc:
            raise ResolutionError(exc.message, code="resolve.bad_id") from exc
    return identifier


# -------------------------------------------------------------------------- local folders


def documents_from_folder(path: Path | str) -> dict[str, dict[str, Any]]:
    """Index every JSON document under ``path`` by its ``id``, its verification method ids
    and, for did:web documents, the https URL the DID maps to.

    :raises ResolutionError: ``resolve.bad_document`` for unreadable JSON, ``resolve.conflict``
        when two different key documents claim the same id, ``resolve.too_many_files``.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise ResolutionError(f"{folder} is not a folder.", code="resolve.not_a_folder")
    index: dict[str, dict[str, Any]] = {}
    files = sorted(p for p in folder.rglob("*") if p.suffix in (".json", ".jsonld") and p.is_file())
    if len(files) > MAX_FOLDER_FILES:
        raise ResolutionError(
            f"{folder} holds more than {MAX_FOLDER_FILES} JSON files.",
            code="resolve.too_many_files",
        )
    for file in files:
        try:
            document = parse_json_object(file.read_bytes())
        except (InsigniaError, OSError) as exc:
            raise ResolutionError(
                f"{file} is not a readable JSON object.",
                code="resolve.bad_document",
                path=str(file),
            ) from exc
        for key in _index_keys(document):
            _add(index, key, document, file)
    return index


def _is_key_document(document: Mapping[str, Any]) -> bool:
    names = ("verificationMethod", "kty", *dids.RELATIONSHIPS, *dids.KEY_MEMBERS)
    return any(name in document for name in names)


def _add(index: dict[str, dict[str, Any]], key: str, document: dict[str, Any], file: Path) -> None:
    """Key documents win over others (a credential may share its issuer's id); two different
    key documents for one id are ambiguous and refused."""
    existing = index.get(key)
    if existing is None or existing == document:
        index[key] = document
    elif _is_key_document(document) and _is_key_document(existing):
        raise ResolutionError(
            f"Two documents claim {key}.", code="resolve.conflict", path=str(file)
        )
    elif _is_key_document(document):
        index[key] = document


def _index_keys(document: Mapping[str, Any]) -> list[str]:
    doc_id = document.get("id")
    if not isinstance(doc_id, str) or not doc_id:
        return []
    keys = [doc_id]
    if doc_id.startswith("did:web:") and "#" not in doc_id:
        with contextlib.suppress(KeyFormatError):
            keys.append(dids.did_web_to_url(doc_id))
    keys.extend(dids.absolute_id(m["id"], doc_id) for m in dids.methods_in(document))
    return list(dict.fromkeys(keys))
