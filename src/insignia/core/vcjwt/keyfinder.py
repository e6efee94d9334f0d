"""Which key verifies a VC-JWT: the one ``kid`` names (resolved), or an embedded ``jwk``.

A key in the token proves nothing about who signed it, so where it came from is its own
check (``jwt.key``): the issuer's own resolved key passes; a key published under the issuer's
URL, or an embedded key nobody published, is a warning; a key controlled by someone else, or
an embedded key that is not the issuer's own ``did:key``/``did:jwk``, fails.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from insignia.core.errors import InsigniaError, KeyFormatError
from insignia.core.keys import PublicKey, jwk_thumbprint, public_key_from_jwk
from insignia.core.report import Check, Outcome
from insignia.core.resolver import KeyResolver, VerificationMethod, resolve_did_jwk, resolve_did_key

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def _key_check(outcome: Outcome, message: str, **detail: Any) -> Check:
    return Check("jwt.key", outcome, message, dict(detail))


def _under(controller: str, issuer: str) -> bool:
    """True when ``controller`` is a URL inside the issuer's own URL space (its key folder).

    Multi-tenant hosts give each issuer a path, so sharing a host proves nothing; sharing the
    issuer's path prefix does.
    """
    return issuer.startswith("https://") and controller.startswith(issuer.rstrip("/") + "/")


class KeyFinder:
    """Finds the verifying key from ``kid`` (through the resolver) or the embedded ``jwk``."""

    def __init__(self, header: Mapping[str, Any], issuer: str | None, resolver: KeyResolver | None):
        self.header, self.issuer, self.resolver = header, issuer, resolver
        self.method: VerificationMethod | None = None

    def find(self) -> tuple[PublicKey | None, Check]:
        kid, jwk = self.header.get("kid"), self.header.get("jwk")
        if jwk is not None and not isinstance(jwk, Mapping):
            return None, _key_check(Outcome.FAIL, "The header 'jwk' is not a JSON object.")
        if isinstance(kid, str) and kid:
            return self._by_kid(kid, jwk)
        if jwk is not None:
            return self._by_jwk(jwk)
        return None, _key_check(Outcome.FAIL, "The token names no key (no kid, no jwk).")

    def _by_jwk(self, jwk: Mapping[str, Any]) -> tuple[PublicKey | None, Check]:
        try:
            key = public_key_from_jwk(jwk)
        except KeyFormatError as exc:
            return None, _key_check(
                Outcome.FAIL, f"The embedded key: {exc.message}", reason=exc.code
            )
        if self.issuer and self.issuer.startswith(("did:key:", "did:jwk:")):
            resolve = resolve_did_key if self.issuer.startswith("did:key:") else resolve_did_jwk
            try:
                own = resolve(self.issuer).public_key
            except InsigniaError:
                own = None
            if own is not None and jwk_thumbprint(own) == jwk_thumbprint(key):
                return key, _key_check(Outcome.PASS, "The embedded key is the issuer's DID key.")
            return None, _key_check(Outcome.FAIL, "The embedded key is not the issuer's DID key.")
        return key, _key_check(
            Outcome.WARNING,
            "The key is embedded in the token; nothing published by the issuer confirms it.",
            thumbprint=jwk_thumbprint(key),
        )

    def _by_kid(self, kid: str, jwk: Mapping[str, Any] | None) -> tuple[PublicKey | None, Check]:
        vm_id = kid if _SCHEME.match(kid) else f"{self.issuer}#{kid.removeprefix('#')}"
        if self.resolver is None or (not _SCHEME.match(kid) and self.issuer is None):
            if jwk is not None:
                return self._by_jwk(jwk)
            return None, _key_check(Outcome.FAIL, f"The key {kid} cannot be resolved here.")
        try:
            method = self.resolver.resolve(vm_id, purpose="assertionMethod")
        except InsigniaError as exc:
            if jwk is not None:
                return self._by_jwk(jwk)
            return None, _key_check(
                Outcome.FAIL,
                f"The key {vm_id} was not found: {exc.message}",
                reason=exc.code,
            )
        self.method = method
        if jwk is not None and _thumb_or_none(jwk) != jwk_thumbprint(method.public_key):
            return None, _key_check(Outcome.FAIL, "The header's jwk is not the key kid names.")
        return method.public_key, self._provenance(method)

    def _provenance(self, method: VerificationMethod) -> Check:
        detail = {"verification_method": method.id, "controller": method.controller}
        if self.issuer is not None and method.controller.rstrip("/") == self.issuer.rstrip("/"):
            if method.warnings:
                return _key_check(Outcome.WARNING, " ".join(method.warnings), **detail)
            return _key_check(Outcome.PASS, "The issuer's own key signed the token.", **detail)
        if self.issuer is not None and _under(method.controller, self.issuer):
            notes = " ".join((*method.warnings, "The key is published under the issuer's URL."))
            return _key_check(Outcome.WARNING, notes, **detail)
        return _key_check(
            Outcome.FAIL,
            f"The key belongs to {method.controller}, not to the issuer {self.issuer}.",
            **detail,
        )


def _thumb_or_none(jwk: Mapping[str, Any]) -> str | None:
    try:
        return jwk_thumbprint(jwk)
    except KeyFormatError:
        return None
