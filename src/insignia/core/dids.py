"""DID documents we publish and DID identifiers we read: did:key, did:web, JWKS.

Each issuer organisation on the platform gets a ``did:web`` identifier whose document lists its
keys, so that its badges stay verifiable by anyone while the keys can still be rotated.  This
module only builds and maps: it never fetches (see :mod:`insignia.core.resolver`).

Ed25519 keys are published as ``Multikey`` (``publicKeyMultibase``), which is what Data
Integrity verifiers expect; RSA and P-256 keys as ``JsonWebKey`` (``publicKeyJwk``), which is
what VC-JWT verifiers — the 1EdTech validator among them — look for.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from insignia.core import multibase
from insignia.core.errors import KeyFormatError, ResolutionError
from insignia.core.keys import (
    Ed25519PublicKey,
    PublicKey,
    jwk_thumbprint,
    public_key_from_jwk,
    public_key_from_multibase,
)

DID_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
JWK_V1 = "https://w3id.org/security/jwk/v1"

#: The verification relationships a did:key document grants its single key.
DID_KEY_RELATIONSHIPS = (
    "authentication",
    "assertionMethod",
    "capabilityInvocation",
    "capabilityDelegation",
)

#: Verification method types we read, with the warning each legacy one earns.
METHOD_TYPES: dict[str, str | None] = {
    "Multikey": None,
    "JsonWebKey": None,
    "MultiKey": "The verification method type is spelt 'MultiKey' (the W3C name is 'Multikey').",
    "JsonWebKey2020": "The verification method uses the legacy type JsonWebKey2020.",
    "Ed25519VerificationKey2020": "The verification method uses the legacy type "
    "Ed25519VerificationKey2020.",
    "Ed25519VerificationKey2018": "The verification method uses the legacy type "
    "Ed25519VerificationKey2018.",
}
RELATIONSHIPS = (*DID_KEY_RELATIONSHIPS, "keyAgreement")
KEY_MEMBERS = ("publicKeyMultibase", "publicKeyJwk", "publicKeyBase58")

_LABEL = r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)"
_HOST = re.compile(rf"{_LABEL}(?:\.{_LABEL})*")
_SEGMENT = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=@-]|%[0-9A-Fa-f]{2}")
_FRAGMENT = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=:@/?-]+")


def _invalid(message: str, value: str) -> KeyFormatError:
    return KeyFormatError(message, code="did.invalid", did=value)


def _check_segment(segment: str, did: str) -> None:
    if segment in ("", ".", "..") or _SEGMENT.sub("", segment):
        raise _invalid(f"{segment!r} is not a valid did:web path segment.", did)


# ----------------------------------------------------------------------------- did:key


def did_key_document(did: str) -> dict[str, Any]:
    """The DID document a ``did:key`` (Ed25519 ``z6Mk…`` or P-256 ``zDn…``) stands for.

    :raises KeyFormatError: ``did.invalid`` or an unsupported key.
    """
    if not isinstance(did, str) or not did.startswith("did:key:") or "#" in did:
        raise _invalid("Not a did:key identifier (without fragment).", str(did))
    value = did[len("did:key:") :]
    public_key_from_multibase(value)  # refuses what we could not verify with
    vm_id = f"{did}#{value}"
    document: dict[str, Any] = {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "verificationMethod": [
            {"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": value}
        ],
    }
    for relationship in DID_KEY_RELATIONSHIPS:
        document[relationship] = [vm_id]
    return document


# ----------------------------------------------------------------------------- did:web


def did_web_to_url(did: str) -> str:
    """Where a ``did:web`` document lives (did:web method §3.2, Read).

    ``did:web:example.com`` → ``https://example.com/.well-known/did.json``;
    ``did:web:example.com%3A8443:orgs:acme`` → ``https://example.com:8443/orgs/acme/did.json``.

    :raises KeyFormatError: ``did.invalid`` for anything that is not a well-formed did:web
        without fragment or query (IP addresses are not allowed by the method).
    """
    if not isinstance(did, str) or not did.startswith("did:web:"):
        raise _invalid("Not a did:web identifier.", str(did))
    if any(c in did for c in "#?/") or not did.isascii():
        raise _invalid("A did:web identifier has no fragment, query, slash or non-ASCII.", did)
    host_part, *path = did[len("did:web:") :].split(":")
    host, colon, port = re.sub("%3[Aa]", ":", host_part).partition(":")
    if not _HOST.fullmatch(host) or (colon and not (port.isdigit() and 0 < int(port) < 65536)):
        raise _invalid(f"{host_part!r} is not a host name with an optional %3A port.", did)
    if _is_ip(host):
        raise _invalid("did:web names a domain, not an IP address.", did)
    for segment in path:
        _check_segment(segment, did)
    authority = host.lower() + (f":{port}" if port else "")
    if not path:
        return f"https://{authority}/.well-known/did.json"
    return f"https://{authority}/{'/'.join(path)}/did.json"


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def did_web_from_url(url: str) -> str:
    """The ``did:web`` for an https base URL or document URL (the inverse of the above).

    ``https://insignia.example/orgs/acme`` and ``https://insignia.example/orgs/acme/did.json``
    both give ``did:web:insignia.example:orgs:acme``; a root URL gives the bare host form.

    :raises KeyFormatError: ``did.invalid`` for non-https URLs, IP hosts, queries, fragments.
    """
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment:
        raise _invalid("A did:web comes from an https URL without query or fragment.", url)
    if parts.username is not None or _is_ip(parts.hostname):
        raise _invalid("A did:web host is a domain name without credentials.", url)
    path = parts.path.rstrip("/")
    for suffix in ("/.well-known/did.json", "/did.json"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
            break
    authority = parts.hostname + (f"%3A{parts.port}" if parts.port else "")
    segments = [s.replace(":", "%3A") for s in path.split("/") if s]
    did = ":".join(["did:web", authority, *segments])
    did_web_to_url(did)  # validates the result by the same rules as reading
    return did


# ----------------------------------------------------------------------------- documents


def verification_method(vm_id: str, controller: str, key: PublicKey) -> dict[str, Any]:
    """One ``verificationMethod`` entry: Multikey for Ed25519, JsonWebKey otherwise."""
    if isinstance(key, Ed25519PublicKey):
        return {
            "id": vm_id,
            "type": "Multikey",
            "controller": controller,
            "publicKeyMultibase": key.multibase,
        }
    return {
        "id": vm_id,
        "type": "JsonWebKey",
        "controller": controller,
        "publicKeyJwk": key.to_jwk(),
    }


def controller_document(
    controller: str,
    keys: Sequence[tuple[str, PublicKey]],
    *,
    also_known_as: Sequence[str] = (),
    services: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """A DID / controlled-identifier document listing ``keys`` as ``controller#fragment``.

    Every key is authorised for ``assertionMethod`` (signing credentials) and
    ``authentication``.  Keep retired keys listed for as long as the badges they signed must
    verify; drop a key only when it is compromised.

    :raises KeyFormatError: ``did.invalid_fragment`` or ``did.duplicate_fragment``.
    """
    seen: set[str] = set()
    methods: list[dict[str, Any]] = []
    for fragment, key in keys:
        if not isinstance(fragment, str) or not _FRAGMENT.fullmatch(fragment):
            raise KeyFormatError(
                f"{fragment!r} is not a usable key fragment.", code="did.invalid_fragment"
            )
        if fragment in seen:
            raise KeyFormatError(
                f"The key fragment {fragment!r} is used twice.", code="did.duplicate_fragment"
            )
        seen.add(fragment)
        methods.append(verification_method(f"{controller}#{fragment}", controller, key))
    contexts = [DID_V1, MULTIKEY_V1]
    if any(m["type"] == "JsonWebKey" for m in methods):
        contexts.append(JWK_V1)
    ids = [m["id"] for m in methods]
    document: dict[str, Any] = {"@context": contexts, "id": controller}
    if also_known_as:
        document["alsoKnownAs"] = list(also_known_as)
    document["verificationMethod"] = methods
    document["assertionMethod"] = ids
    document["authentication"] = list(ids)
    if services:
        document["service"] = [dict(s) for s in services]
    return document


def did_web_document(
    did: str,
    keys: Sequence[tuple[str, PublicKey]],
    *,
    also_known_as: Sequence[str] = (),
    services: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The document to serve at :func:`did_web_to_url` of ``did`` for an issuer organisation.

    ``also_known_as`` typically holds the organisation's https profile URL.

    :raises KeyFormatError: ``did.invalid`` and as :func:`controller_document`.
    """
    did_web_to_url(did)
    return controller_document(did, keys, also_known_as=also_known_as, services=services)


def jwks(
    keys: Iterable[PublicKey | tuple[str, PublicKey]], *, issuer: str | None = None
) -> dict[str, Any]:
    """A JWK Set for ``/.well-known/jwks.json`` (OB 3.0 implementation guide, key provenance).

    Each key gets ``kid`` (the given one, or its RFC 7638 thumbprint), ``alg`` and
    ``use: sig``; with ``issuer`` also the ``iss`` member that multi-tenant hosts add so a
    verifier can tell which organisation a key belongs to.

    :raises KeyFormatError: ``jwks.duplicate_kid``.
    """
    entries: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in keys:
        kid, key = item if isinstance(item, tuple) else (jwk_thumbprint(item), item)
        if kid in seen:
            raise KeyFormatError(f"The kid {kid!r} is used twice.", code="jwks.duplicate_kid")
        seen.add(kid)
        entry = {**key.to_jwk(), "kid": kid, "alg": key.algorithm, "use": "sig"}
        if issuer is not None:
            entry["iss"] = issuer
        entries.append(entry)
    return {"keys": entries}


# ------------------------------------------------------------------- reading documents


def key_from_method(method: Mapping[str, Any]) -> tuple[PublicKey, tuple[str, ...]]:
    """The public key of one verification method entry, and warnings for legacy forms.

    :raises ResolutionError: ``resolve.unsupported_type``, ``resolve.ambiguous_key`` or
        ``resolve.unsupported_key`` (with the key error's code in ``detail["reason"]``).
    """
    vm_type = method.get("type")
    if not isinstance(vm_type, str) or vm_type not in METHOD_TYPES:
        raise ResolutionError(
            f"Verification methods of type {vm_type!r} are not supported.",
            code="resolve.unsupported_type",
        )
    warning = METHOD_TYPES[vm_type]
    members = [m for m in KEY_MEMBERS if m in method]
    if len(members) != 1:
        raise ResolutionError(
            "The verification method must carry exactly one public key member.",
            code="resolve.ambiguous_key",
            members=members,
        )
    try:
        key = _read_key(vm_type, members[0], method[members[0]])
    except KeyFormatError as exc:
        raise ResolutionError(
            f"The verification method's key is unusable: {exc.message}",
            code="resolve.unsupported_key",
            reason=exc.code,
        ) from exc
    return key, (warning,) if warning else ()


def _read_key(vm_type: str, member: str, value: Any) -> PublicKey:
    if member == "publicKeyJwk":
        return public_key_from_jwk(value)
    if not isinstance(value, str):
        raise KeyFormatError(f"{member} must be a string.", code="key.invalid")
    if member == "publicKeyBase58":
        if vm_type != "Ed25519VerificationKey2018":
            raise KeyFormatError("publicKeyBase58 belongs to 2018 keys.", code="key.wrong_type")
        return Ed25519PublicKey(multibase.b58decode(value))
    key = public_key_from_multibase(value)
    if vm_type.startswith("Ed25519") and not isinstance(key, Ed25519PublicKey):
        raise KeyFormatError(f"A {vm_type} must hold an Ed25519 key.", code="key.wrong_type")
    return key


def absolute_id(ref: str, base: str) -> str:
    """Resolve a ``#fragment``-relative id (allowed in DID documents) against the document id."""
    return base + ref if ref.startswith("#") else ref


def methods_in(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Every verification method object in a document, listed or embedded in a relationship."""
    found: list[Mapping[str, Any]] = []
    for name in ("verificationMethod", *RELATIONSHIPS):
        entries = document.get(name)
        for entry in entries if isinstance(entries, list) else [entries]:
            if isinstance(entry, Mapping) and isinstance(entry.get("id"), str):
                found.append(entry)
    return found


def authorises(document: Mapping[str, Any], vm_id: str, purpose: str) -> bool:
    """True when the document's ``purpose`` relationship names ``vm_id`` (by reference or
    embedded): listing a key is not enough, the controller must grant it the purpose."""
    entries = document.get(purpose)
    base = str(document.get("id", ""))
    for entry in entries if isinstance(entries, list) else [entries]:
        ref = entry.get("id") if isinstance(entry, Mapping) else entry
        if isinstance(ref, str) and absolute_id(ref, base) == vm_id:
            return True
    return False


def find_method(
    document: Mapping[str, Any], vm_id: str
) -> tuple[Mapping[str, Any], str, tuple[str, ...]]:
    """The method ``vm_id`` names: by id, or else by its JWK ``kid`` / RFC 7638 thumbprint."""
    base = str(document["id"])
    methods = methods_in(document)
    for method in methods:
        if absolute_id(method["id"], base) == vm_id:
            return method, vm_id, ()
    fragment = vm_id.partition("#")[2]
    for method in methods:
        jwk = method.get("publicKeyJwk")
        if fragment and isinstance(jwk, Mapping) and fragment in (jwk.get("kid"), _thumb(jwk)):
            note = f"The key was found by its JWK thumbprint/kid {fragment!r}, not by its id."
            return method, absolute_id(method["id"], base), (note,)
    raise ResolutionError(
        f"{base} does not list the verification method {vm_id}.",
        code="resolve.method_not_found",
        verification_method=vm_id,
    )


def _thumb(jwk: Mapping[str, Any]) -> str | None:
    try:
        return jwk_thumbprint(jwk)
    except KeyFormatError:
        return None
