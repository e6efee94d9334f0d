"""The registered JWT claims of a VC-JWT: derive them when signing, compare them when verifying.

OB 3.0 §8.2.4 repeats credential members as claims (``iss``, ``jti``, ``sub``, ``nbf``,
``exp``).  Two readers of one token must see one issuer, subject and validity period, so a
claim that contradicts the credential fails, while one that OB asks for but the token lacks is
only a warning.  ``nbf``/``exp`` also bound the token in time (:func:`check_validity`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from insignia.core import jose
from insignia.core.errors import InputError
from insignia.core.report import Check, Outcome

REGISTERED_CLAIMS = ("iss", "sub", "aud", "exp", "nbf", "iat", "jti")
#: The two rule sets a header's ``typ`` selects (see :mod:`insignia.core.vcjwt`).
OB_PROFILE = "ob"
VC_JOSE_PROFILE = "vc-jose"


def issuer_id(credential: Mapping[str, Any]) -> str | None:
    """The issuer's id, whether ``issuer`` is a string or an object with an ``id``."""
    issuer = credential.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) and issuer else None


def subject_id(credential: Mapping[str, Any]) -> str | None:
    """The id of the credential's only subject (None for several, or none with an id)."""
    subject = credential.get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]
    value = subject.get("id") if isinstance(subject, Mapping) else None
    return value if isinstance(value, str) and value else None


def valid_from(credential: Mapping[str, Any]) -> str | None:
    """``validFrom`` (VCDM 2.0), else ``issuanceDate`` (VC 1.1), as written."""
    return _first_text(credential, "validFrom", "issuanceDate")


def valid_until(credential: Mapping[str, Any]) -> str | None:
    """``validUntil`` (VCDM 2.0), else ``expirationDate`` (VC 1.1), as written."""
    return _first_text(credential, "validUntil", "expirationDate")


def _first_text(credential: Mapping[str, Any], *names: str) -> str | None:
    for name in names:
        if isinstance(credential.get(name), str):
            return str(credential[name])
    return None


def vc_jwt_claims(credential: Mapping[str, Any]) -> dict[str, Any]:
    """The OB 3.0 §8.2.4 claims for ``credential``: iss, jti, nbf, exp, sub (when known).

    :raises InputError: ``jwt.no_issuer`` or ``jose.bad_date``.
    """
    issuer = issuer_id(credential)
    if issuer is None:
        raise InputError("The credential has no issuer id for 'iss'.", code="jwt.no_issuer")
    claims: dict[str, Any] = {"iss": issuer}
    if isinstance(credential.get("id"), str):
        claims["jti"] = credential["id"]
    start = valid_from(credential)
    if start is not None:
        claims["nbf"] = jose.numeric_date(start)
    end = valid_until(credential)
    if end is not None:
        claims["exp"] = jose.numeric_date(end)
    subject = subject_id(credential)
    if subject is not None:
        claims["sub"] = subject
    return claims


def check_claims(payload: Mapping[str, Any], credential: Mapping[str, Any], profile: str) -> Check:
    """The ``jwt.claims`` check: do the registered claims agree with the credential?"""
    return _Claims(payload, credential, profile).check()


class _Claims:
    """Compares the registered claims with the credential they wrap."""

    def __init__(self, payload: Mapping[str, Any], credential: Mapping[str, Any], profile: str):
        self.payload, self.credential, self.profile = payload, credential, profile
        self.problems: list[str] = []
        self.notes: list[str] = []

    def check(self) -> Check:
        self._types()
        ob = self.profile == OB_PROFILE
        self._same("iss", issuer_id(self.credential), "issuer id", expected=ob)
        if ob:
            own_id = self.credential.get("id")
            self._same("jti", own_id if isinstance(own_id, str) else None, "credential id")
            self._same("sub", subject_id(self.credential), "subject id")
            self._same_date("nbf", valid_from(self.credential), "validFrom")
            self._same_date("exp", valid_until(self.credential), "validUntil")
        detail = {"problems": self.problems, "notes": self.notes}
        if self.problems:
            return Check("jwt.claims", Outcome.FAIL, " ".join(self.problems), detail)
        if self.notes:
            return Check("jwt.claims", Outcome.WARNING, " ".join(self.notes), detail)
        return Check("jwt.claims", Outcome.PASS, "The token's claims agree with the credential.")

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


def check_validity(payload: Mapping[str, Any], now: datetime, leeway: int) -> Check:
    """The ``jwt.validity`` check: is ``now`` inside the token's ``nbf``/``exp`` window?"""
    at = now.timestamp()
    nbf, exp = payload.get("nbf"), payload.get("exp")
    if not jose.is_numeric_date(nbf) and not jose.is_numeric_date(exp):
        return _validity(Outcome.SKIPPED, "The token sets no nbf/exp time limits.")
    if jose.is_numeric_date(nbf) and nbf > at + leeway:
        return _validity(Outcome.FAIL, f"The token is not valid before {jose.iso_time(nbf)}.")
    if jose.is_numeric_date(exp) and exp <= at - leeway:
        return _validity(Outcome.FAIL, f"The token expired at {jose.iso_time(exp)}.")
    return _validity(Outcome.PASS, "The token is within its nbf/exp time limits.")


def _validity(outcome: Outcome, message: str) -> Check:
    return Check("jwt.validity", outcome, message)
