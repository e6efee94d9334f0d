"""Verifying a VC-JWT: one :class:`~insignia.core.report.Check` per step, never an exception.

The steps are ``jwt.format`` (a credential, in the profile ``typ`` selects), ``jwt.header``
(an acceptable JOSE header), ``jwt.key`` (:mod:`.keyfinder`), ``jwt.signature``, then
``jwt.claims`` and ``jwt.validity`` (:mod:`.claims`) once a credential was read.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from insignia.core import jose
from insignia.core.errors import InputError, InsigniaError
from insignia.core.jsonio import parse_json_object
from insignia.core.keys import PublicKey
from insignia.core.report import Check, Outcome
from insignia.core.resolver import KeyResolver, VerificationMethod
from insignia.core.vcjwt.claims import (
    OB_PROFILE,
    REGISTERED_CLAIMS,
    VC_JOSE_PROFILE,
    check_claims,
    check_validity,
    issuer_id,
)
from insignia.core.vcjwt.keyfinder import KeyFinder

_TYP = {
    None: OB_PROFILE,
    "jwt": OB_PROFILE,
    "vc+jwt": VC_JOSE_PROFILE,
    "vc+ld+json+jwt": VC_JOSE_PROFILE,
}
_CTY = (None, "vc", "vc+ld+json")
_VC1 = "https://www.w3.org/2018/credentials/v1"


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


def _check(code: str, outcome: Outcome, message: str, **detail: Any) -> Check:
    return Check(code, outcome, message, dict(detail))


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
    finder = KeyFinder(jws.header, issuer_id(credential) if credential else None, resolver)
    key, key_check = finder.find()
    checks += [key_check, _signature(jws, key, algorithms)]
    if credential is not None:
        checks += [
            check_claims(payload, credential, profile),
            check_validity(payload, now, leeway_seconds),
        ]
    return VcJwtResult(credential, jws.header, checks, profile, finder.method)
