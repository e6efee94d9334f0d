"""OB 2.0 signed badges: find the issuer's key and check the JWS; read the revocation list.

A key is trusted only when the issuer Profile links it (``publicKey``); the assertion's
``verification.creator``, when present, must be one of those keys.  Key material comes
from the caller's ``keys`` mapping when given (offline), else from the embedded or fetched
CryptographicKey, whose ``owner`` must be the issuer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from insignia.core import jose
from insignia.core.errors import InsigniaError, KeyFormatError, ProofError
from insignia.core.fetch import Fetcher
from insignia.core.keys import PublicKey, public_key_from_pem
from insignia.core.ob2.model import ALGORITHMS, as_list, fetch_object, resolve, verification_of
from insignia.core.report import Outcome, VerificationReport

#: Keys tried per assertion; a profile listing more is not a real issuer.
MAX_KEYS = 8


@dataclass(frozen=True, slots=True)
class Ctx:
    """What every OB 2.0 step needs: where to write, how to fetch, the time, local keys."""

    report: VerificationReport
    fetcher: Fetcher | None
    now: datetime
    keys: Mapping[str, PublicKey]


def _linked_keys(issuer: Mapping[str, Any]) -> dict[str, dict[str, Any] | None]:
    """Key id → embedded CryptographicKey (or None when only the URL is given)."""
    out: dict[str, dict[str, Any] | None] = {}
    for item in as_list(issuer.get("publicKey")):
        if isinstance(item, str):
            out.setdefault(item, None)
        elif isinstance(item, dict) and isinstance(item.get("id"), str):
            out[item["id"]] = item
    return out


def _load_key(
    key_id: str, embedded: dict[str, Any] | None, issuer_id: object, ctx: Ctx
) -> PublicKey:
    if key_id in ctx.keys:
        return ctx.keys[key_id]
    if embedded is not None and "publicKeyPem" in embedded:
        document = embedded
    else:
        document = fetch_object(ctx.fetcher, key_id)
    owner = document.get("owner")
    if owner is not None and owner != issuer_id:
        raise ProofError(f"The key belongs to {owner!r}, not the issuer.", code="proof.key_owner")
    if "id" in document and document["id"] != key_id:
        raise ProofError("The key document has a different id.", code="proof.key_owner")
    pem = document.get("publicKeyPem")
    if not isinstance(pem, str):
        raise KeyFormatError("The CryptographicKey has no publicKeyPem.", code="key.bad_pem")
    return public_key_from_pem(pem)


def check_signature(
    jws: jose.Jws, assertion: dict[str, Any], issuer: dict[str, Any], ctx: Ctx
) -> bool:
    """Add the ``ob2.signature`` check; True when a linked issuer key verifies the JWS."""
    linked = _linked_keys(issuer)
    creator = verification_of(assertion).get("creator")
    if isinstance(creator, str) and creator not in linked:
        ctx.report.add(
            "ob2.signature",
            Outcome.FAIL,
            "The signing key is not listed in the issuer's profile, so it cannot be trusted.",
            key=creator,
        )
        return False
    candidates = [creator] if isinstance(creator, str) else list(linked)
    if not candidates:
        ctx.report.add("ob2.signature", Outcome.FAIL, "The issuer's profile lists no public key.")
        return False
    errors: list[str] = []
    for key_id in candidates[:MAX_KEYS]:
        try:
            key = _load_key(key_id, linked[key_id], issuer.get("id"), ctx)
            jose.verify_decoded(jws, key, algorithms=ALGORITHMS)
        except InsigniaError as exc:
            errors.append(f"{key_id}: {exc.message}")
            continue
        ctx.report.add(
            "ob2.signature",
            Outcome.PASS,
            "The issuer's key verifies the signature.",
            key=key_id,
            algorithm=jws.algorithm,
        )
        return True
    ctx.report.add(
        "ob2.signature",
        Outcome.FAIL,
        "No key linked from the issuer's profile verifies the signature.",
        errors=errors,
    )
    return False


def _revoked_by_list(entries: list[Any], ids: set[str]) -> tuple[bool, str | None]:
    for entry in entries:
        if isinstance(entry, str) and entry in ids:
            return True, None
        if isinstance(entry, dict) and (entry.get("id") in ids or entry.get("uid") in ids):
            reason = entry.get("revocationReason")
            return True, reason if isinstance(reason, str) else None
    return False, None


def check_revocation(assertion: dict[str, Any], issuer: dict[str, Any], ctx: Ctx) -> None:
    """Add ``ob2.revocation``: the assertion's own ``revoked`` flag, then the issuer's list."""
    report = ctx.report
    if assertion.get("revoked") is True:
        reason = assertion.get("revocationReason")
        report.add("ob2.revocation", Outcome.FAIL, "The issuer revoked this badge.", reason=reason)
        return
    list_ref = issuer.get("revocationList")
    if list_ref is None:
        report.add("ob2.revocation", Outcome.PASS, "The issuer publishes no revocation list.")
        return
    try:
        revocations = resolve(list_ref, ctx.fetcher)
    except InsigniaError as exc:
        report.add(
            "ob2.revocation",
            Outcome.WARNING,
            f"The revocation list could not be read ({exc.message}); revocation is unknown.",
        )
        return
    entries = revocations.get("revokedAssertions")
    if not isinstance(entries, list):
        report.add("ob2.revocation", Outcome.FAIL, "The revocation list is malformed.")
        return
    ids = {v for v in (assertion.get("id"), assertion.get("uid")) if isinstance(v, str)}
    revoked, reason = _revoked_by_list(entries, ids)
    if revoked:
        detail = {"reason": reason} if reason else {}
        report.add("ob2.revocation", Outcome.FAIL, "The issuer revoked this badge.", **detail)
    else:
        report.add("ob2.revocation", Outcome.PASS, "The badge is not on the revocation list.")
