"""VC-JWT: Open Badges 3.0 credentials secured as a compact JWS (OB 3.0 §8.2).

Two specifications describe "a credential in a JWT" and disagree, so the header's ``typ``
picks the rules (the *profile*):

* ``typ: "JWT"`` or none — OB 3.0 §8.2: the payload is the credential plus ``iss``, ``jti``,
  ``nbf``, ``sub``, ``exp`` that must repeat ``issuer.id``, ``id``, ``validFrom``, the subject
  id and ``validUntil``.  The VC 1.1 form, with the credential inside a ``vc`` claim, is
  accepted as OB 3.0 says (its missing members are filled from the claims, as VC-JWT 1.1 does).
* ``typ: "vc+jwt"`` — W3C VC-JOSE-COSE: the payload is the credential; ``iss`` must match the
  issuer when present, ``nbf``/``exp`` bound the *signature*, and ``vc``/``vp`` claims are an
  error.

Registered JWT claims are envelope, not credential data: they are removed from the returned
credential so that JSON-LD processing of it does not trip on undefined terms such as ``jti``.
A claim OB requires but the token lacks is a warning; a claim that contradicts the credential
is a failure (two readers would see two different issuers, subjects or dates).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from insignia.core import jose
from insignia.core.errors import InputError, InsigniaError, KeyFormatError
from insignia.core.jsonio import parse_json_object
from insignia.core.keys import PublicKey, Signer, jwk_thumbprint, public_key_from_jwk
from insignia.core.report import Check, Outcome
from insignia.core.resolver import KeyResolver, VerificationMethod, resolve_did_jwk, resolve_did_key

REGISTERED_CLAIMS = ("iss", "sub", "aud", "exp", "nbf", "iat", "jti")
OB_PROFILE = "ob"
VC_JOSE_PROFILE = "vc-jose"
_TYP = {
    None: OB_PROFILE,
    "jwt": OB_PROFILE,
    "vc+jwt": VC_JOSE_PROFILE,
    "vc+ld+json+jwt": VC_JOSE_PROFILE,
}
_CTY = (None, "vc", "vc+ld+json")
_VC1 = "https://www.w3.org/2018/credentials/v1"
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass(frozen=True, slots=True)
class VcJwtResult:
    """What :func:`verify_vc_jwt` found.

    :param credential: the credential read from the payload (even when the signature fails,
        so it can be shown), or None when the token could not be read as one.
    :param header: the decoded JOSE header ({} when undecodable).
    :param checks: ``jwt.format``, ``jwt.header``, ``jwt.key``, ``jwt.signature``,
        ``jwt.claims``, ``jwt.validity`` — in that order, as far as they ran.
    :param profile: ``"ob"`` (OB 3.0 §8.2) or ``"vc-jose"`` (W3C VC-JOSE-COSE).
    """

    credential: dict[str, Any] | None
    header: dict[str, Any]
    checks: list[Check]
    profile: str = OB_PROFILE
    verification_method: VerificationMethod | None = field(default=None)

    @property
    def verified(self) -> bool:
        """True when the signature held and no check failed."""
        signed = any(c.code == "jwt.signature" and c.outcome is Outcome.PASS for c in self.checks)
        return signed and all(c.outcome is not Outcome.FAIL for c in self.checks)


# ---------------------------------------------------------------------------------- helpers


def _issuer_id(credential: Mapping[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) and issuer else None


def _subject_id(credential: Mapping[str, Any]) -> str | None:
    subject = credential.get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]
    value = subject.get("id") if isinstance(subject, Mapping) else None
    return value if isinstance(value, str) and value else None


def _date(credential: Mapping[str, Any], *names: str) -> str | None:
    for name in names:
        if isinstance(credential.get(name), str):
            return str(credential[name])
    return None


# ------------------------------------------------------------------------------------ sign


def vc_jwt_claims(credential: Mapping[str, Any]) -> dict[str, Any]:
    """The OB 3.0 §8.2.4 claims for ``credential``: iss, jti, nbf, exp, sub (when known).

    :raises InputError: ``jwt.no_issuer`` or ``jose.bad_date``.
    """
    issuer = _issuer_id(credential)
    if issuer is None:
        raise InputError("The credential has no issuer id for 'iss'.", code="jwt.no_issuer")
    claims: dict[str, Any] = {"iss": issuer}
    if isinstance(credential.get("id"), str):
        claims["jti"] = credential["id"]
    valid_from = _date(credential, "validFrom", "issuanceDate")
    if valid_from is not None:
        claims["nbf"] = jose.numeric_date(valid_from)
    valid_until = _date(credential, "validUntil", "expirationDate")
    if valid_until is not None:
        claims["exp"] = jose.numeric_date(valid_until)
    subject = _subject_id(credential)
    if subject is not None:
        claims["sub"] = subject
    return claims


def sign_vc_jwt(
    credential: Mapping[str, Any],
    signer: Signer,
    *,
    kid: str | None = None,
    embed_jwk: bool = False,
) -> str:
    """Sign ``credential`` as an OB 3.0 VC-JWT (header ``alg``, ``typ: JWT``, ``kid``/``jwk``).

    ``sub`` is left out when the subject has no id (learners identified by email only): OB
    calls it required, but there is nothing true to put there.

    :raises InputError: ``jwt.no_key_reference`` when neither ``kid`` nor ``embed_jwk`` is
        given, ``jwt.no_issuer``, ``jose.bad_date``.
    """
    if not kid and not embed_jwk:
        raise InputError(
            "A VC-JWT names its key: pass kid= or embed_jwk=True.", code="jwt.no_key_reference"
        )
    payload = {**credential, **vc_jwt_claims(credential)}
    header: dict[str, Any] = {"alg": signer.algorithm, "typ": "JWT"}
    if kid:
        header["kid"] = kid
    if embed_jwk:
        header["jwk"] = signer.public_key.to_jwk()
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return jose.sign_jws(body, signer, header=header)


# ---------------------------------------------------------------------------------- verify


def _check(code: str, outcome: Outcome, message: str, **detail: Any) -> Check:
    return Check(code, outcome, message, dict(detail))


def _key_check(outcome: Outcome, message: str, **detail: Any) -> Check:
    return Check("jwt.key", outcome, message, dict(detail))


def _profile(header: Mapping[str, Any]) -> tuple[str | None, list[str]]:
    """The profile the header asks for, or None with the reasons it is unacceptable."""
    problems: list[str] = []
    typ = header.get("typ")
    typ_key = typ.lower().removeprefix("application/") if isinstance(typ, str) else typ
    profile = _TYP.get(typ_key) if isinstance(typ_key, str | None) else None
    if profile is None:
        kind = "a presentation" if "vp" in str(typ_key) else f"typ {typ!r}"
        problems.append(f"The token is {kind}, not a credential JWT (typ JWT or vc+jwt).")
    cty = header.get("cty")
    if cty not in _CTY:
        problems.append(f"The content type {cty!r} is not a credential.")
    return profile, problems


def _credential_from(
    payload: Mapping[str, Any], profile: str
) -> tuple[dict[str, Any] | None, list[str]]:
    """The credential inside the payload (bare, or VC 1.1 under ``vc``) and format problems."""
    problems: list[str] = []
    if "vp" in payload:
        problems.append("The payload carries a 'vp' claim: this is a presentation.")
    if "vc" in payload and profile == VC_JOSE_PROFILE:
        problems.append("VC-JOSE forbids the 'vc' claim in a vc+jwt payload.")
    if isinstance(payload.get("vc"), Mapping) and profile == OB_PROFILE:
        credential = _from_vc_claim(payload)
        contexts = credential.get("@context")
        first = contexts[0] if isinstance(contexts, list) and contexts else contexts
        if first != _VC1:
            problems.append("A 'vc' claim holds VC 1.1 credentials only; this one is not.")
    elif "vc" in payload and profile == OB_PROFILE:
        return None, ["The 'vc' claim is not a credential object."]
    else:
        credential = {k: v for k, v in payload.items() if k not in REGISTERED_CLAIMS}
    types = credential.get("type")
    types = types if isinstance(types, list) else [types]
    if "VerifiableCredential" not in types or "@context" not in credential:
        return credential, [*problems, "The payload is not a verifiable credential."]
    return credential, problems


def _from_vc_claim(payload: Mapping[str, Any]) -> dict[str, Any]:
    """VC-JWT 1.1 decoding: members the issuer moved into claims come back from them."""
    credential = dict(payload["vc"])
    if isinstance(payload.get("jti"), str):
        credential.setdefault("id", payload["jti"])
    if isinstance(payload.get("iss"), str):
        credential.setdefault("issuer", payload["iss"])
    if jose.is_numeric_date(payload.get("nbf")):
        credential.setdefault("issuanceDate", jose.iso_time(payload["nbf"]))
    if jose.is_numeric_date(payload.get("exp")):
        credential.setdefault("expirationDate", jose.iso_time(payload["exp"]))
    subject = credential.get("credentialSubject")
    if isinstance(payload.get("sub"), str) and isinstance(subject, Mapping):
        credential["credentialSubject"] = {"id": payload["sub"], **subject}
    return credential


def _under(controller: str, issuer: str) -> bool:
    """True when ``controller`` is a URL inside the issuer's own URL space (its key folder).

    Multi-tenant hosts give each issuer a path, so sharing a host proves nothing; sharing the
    issuer's path prefix does.
    """
    return issuer.startswith("https://") and controller.startswith(issuer.rstrip("/") + "/")


class _KeyFinder:
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


class _Claims:
    """Compares the registered claims with the credential they wrap."""

    def __init__(self, payload: Mapping[str, Any], credential: Mapping[str, Any], profile: str):
        self.payload, self.credential, self.profile = payload, credential, profile
        self.problems: list[str] = []
        self.notes: list[str] = []

    def check(self) -> Check:
        self._types()
        ob = self.profile == OB_PROFILE
        self._same("iss", _issuer_id(self.credential), "issuer id", expected=ob)
        if ob:
            own_id = self.credential.get("id")
            self._same("jti", own_id if isinstance(own_id, str) else None, "credential id")
            self._same("sub", _subject_id(self.credential), "subject id")
            self._same_date("nbf", _date(self.credential, "validFrom", "issuanceDate"), "validFrom")
            self._same_date(
                "exp", _date(self.credential, "validUntil", "expirationDate"), "validUntil"
            )
        detail = {"problems": self.problems, "notes": self.notes}
        if self.problems:
            return _check("jwt.claims", Outcome.FAIL, " ".join(self.problems), **detail)
        if self.notes:
            return _check("jwt.claims", Outcome.WARNING, " ".join(self.notes), **detail)
        return _check("jwt.claims", Outcome.PASS, "The token's claims agree with the credential.")

    def _types(self) -> None:
        for name in ("iss", "sub", "jti"):
            if name in self.payload and not isinstance(self.payload[name], str):
                self.problems.append(f"The '{name}' claim is not a string.")
        for name in ("nbf", "exp"):
            if name in self.payload and not jose.is_numeric_date(self.payload[name]):
                self.problems.append(f"The '{name}' claim is not a NumericDate.")
        if "iat" in self.payload and not jose.is_numeric_date(self.payload["iat"]):
            self.notes.append("The 'iat' claim is not a NumericDate and was ignored.")

    def _same(self, name: str, value: str | None, what: str, *, expected: bool = True) -> None:
        claim = self.payload.get(name)
        if claim is None:
            if value is not None and expected:
                self.notes.append(f"The '{name}' claim is missing (OB 3.0 repeats the {what}).")
        elif not isinstance(claim, str):
            return
        elif value is None:
            self.notes.append(f"The '{name}' claim has no {what} to match in the credential.")
        elif claim != value:
            self.problems.append(f"The '{name}' claim ({claim}) is not the {what} ({value}).")

    def _same_date(self, name: str, text: str | None, what: str) -> None:
        claim = self.payload.get(name)
        if claim is None:
            if text is not None:
                self.notes.append(f"The '{name}' claim is missing (OB 3.0 repeats {what}).")
            return
        if not jose.is_numeric_date(claim) or text is None:
            return
        try:
            expected = jose.numeric_date(text)
        except InputError:
            self.problems.append(f"The credential's {what} ({text!r}) is not a valid date-time.")
            return
        if math.floor(claim) != expected:
            self.problems.append(
                f"The '{name}' claim ({jose.iso_time(claim)}) is not {what} ({text})."
            )


def _validity(payload: Mapping[str, Any], now: datetime, leeway: int) -> Check:
    at = now.timestamp()
    nbf, exp = payload.get("nbf"), payload.get("exp")
    if not jose.is_numeric_date(nbf) and not jose.is_numeric_date(exp):
        return _check("jwt.validity", Outcome.SKIPPED, "The token sets no nbf/exp time limits.")
    if jose.is_numeric_date(nbf) and nbf > at + leeway:
        return _check(
            "jwt.validity", Outcome.FAIL, f"The token is not valid before {jose.iso_time(nbf)}."
        )
    if jose.is_numeric_date(exp) and exp <= at - leeway:
        return _check("jwt.validity", Outcome.FAIL, f"The token expired at {jose.iso_time(exp)}.")
    return _check("jwt.validity", Outcome.PASS, "The token is within its nbf/exp time limits.")


def _signature(jws: jose.Jws, key: PublicKey | None, algorithms: Collection[str]) -> Check:
    if key is None:
        return _check(
            "jwt.signature", Outcome.FAIL, "Without a key the signature cannot be checked."
        )
    try:
        jose.verify_decoded(jws, key, algorithms=algorithms)
    except InsigniaError as exc:
        return _check("jwt.signature", Outcome.FAIL, exc.message, reason=exc.code)
    return _check("jwt.signature", Outcome.PASS, f"The {jws.algorithm} signature is valid.")


def _unreadable(message: str, header: dict[str, Any], **detail: Any) -> VcJwtResult:
    return VcJwtResult(None, header, [_check("jwt.format", Outcome.FAIL, message, **detail)])


def verify_vc_jwt(
    token: str,
    *,
    resolver: KeyResolver | None,
    now: datetime,
    algorithms: Collection[str] = jose.DEFAULT_ALGORITHMS,
    leeway_seconds: int = 0,
) -> VcJwtResult:
    """Verify a VC-JWT (OB 3.0 §8.2.6, or W3C ``vc+jwt``) and report every step.

    Never raises on a bad token: every problem becomes a failed :class:`Check`.

    :param resolver: resolves ``kid``; ``None`` limits verification to an embedded ``jwk``.
    :param now: the moment ``nbf``/``exp`` are judged at (timezone-aware).
    :param algorithms: the JWS allow-list (default EdDSA, ES256, RS256).
    :param leeway_seconds: clock skew tolerated for ``nbf``/``exp``.
    :raises InputError: ``input.naive_time`` when ``now`` has no timezone (a caller bug).
    """
    if now.tzinfo is None:
        raise InputError("The verification time must carry a timezone.", code="input.naive_time")
    text = token.strip() if isinstance(token, str) else token
    if isinstance(text, str) and "~" in text:
        return _unreadable("SD-JWT (selective disclosure) credentials are not supported.", {})
    try:
        jws = jose.decode_jws(text)
    except InputError as exc:
        return _unreadable(f"Not a compact JWS: {exc.message}", {}, reason=exc.code)
    try:
        payload = parse_json_object(jws.payload)
    except InputError as exc:
        return _unreadable(f"The payload is not JSON: {exc.message}", jws.header, reason=exc.code)
    profile, header_problems = _profile(jws.header)
    try:
        jose.check_header(jws.header, algorithms=algorithms)
    except InsigniaError as exc:
        header_problems.append(exc.message)
    profile = profile or OB_PROFILE
    credential, format_problems = _credential_from(payload, profile)
    checks = [
        _check("jwt.format", Outcome.FAIL, " ".join(format_problems))
        if format_problems
        else _check("jwt.format", Outcome.PASS, "The token holds a credential.", profile=profile),
        _check("jwt.header", Outcome.FAIL, " ".join(header_problems))
        if header_problems
        else _check("jwt.header", Outcome.PASS, f"The {jws.algorithm} header is acceptable."),
    ]
    finder = _KeyFinder(jws.header, _issuer_id(credential) if credential else None, resolver)
    key, key_check = finder.find()
    checks += [key_check, _signature(jws, key, algorithms)]
    if credential is not None:
        checks += [
            _Claims(payload, credential, profile).check(),
            _validity(payload, now, leeway_seconds),
        ]
    return VcJwtResult(credential, jws.header, checks, profile, finder.method)
