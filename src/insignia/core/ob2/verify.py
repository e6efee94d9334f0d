"""OB 2.0 verification, one :class:`~insignia.core.report.Check` per step (OB 2.0 §Verification).

Order: ``ob2.parse`` → (hosted: ``ob2.hosted``) → ``ob2.data`` → ``ob2.badge`` →
``ob2.issuer`` → ``ob2.origin`` (hosted) or ``ob2.signature`` (signed) → ``ob2.revocation``
→ ``ob2.expiry`` → ``ob2.recipient``.  A step that leaves nothing to build on (no assertion,
no issuer) ends the run; the report is then already invalid.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from insignia.core.errors import InputError, InsigniaError, ResolutionError
from insignia.core.fetch import Fetcher
from insignia.core.keys import PublicKey
from insignia.core.ob2.model import (
    COMPACT_JWS,
    HOSTED_TYPES,
    SIGNED_TYPES,
    Input,
    as_list,
    assertion_problems,
    badge_problems,
    fetch,
    host_of,
    hosted_url,
    issuer_problems,
    parse_date,
    read_input,
    resolve,
    verification_of,
)
from insignia.core.ob2.recipient import recipient_matches
from insignia.core.ob2.signed import Ctx, check_revocation, check_signature
from insignia.core.report import Outcome, VerificationReport


def verify_ob2(
    data: str | dict[str, Any],
    *,
    fetcher: Fetcher | None,
    now: datetime,
    keys: Mapping[str, PublicKey] | None = None,
    recipient: str | None = None,
) -> VerificationReport:
    """Verify an OB 2.0 (or 1.x) assertion given as JSON, a dict, a compact JWS or a URL.

    :param fetcher: reaches the hosted assertion, BadgeClass, Profile, keys and revocation
        list (a ``MappingFetcher`` works offline); None means nothing can be fetched.
    :param keys: key id (URL) → public key, used instead of fetching the CryptographicKey;
        the profile must still link the id.
    :param recipient: a plaintext identity (usually an email) to check the badge against.
    :returns: a report of format ``ob2-signed`` or ``ob2-hosted``.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise InputError("now must be a timezone-aware datetime.", code="input.naive_datetime")
    report = VerificationReport(format=_format_hint(data))
    ctx = Ctx(report, fetcher, now, keys or {})
    try:
        given = read_input(data)
    except InsigniaError as exc:
        report.add("ob2.parse", Outcome.FAIL, f"This is not an OB 2.0 assertion: {exc.message}")
        return report
    report.add("ob2.parse", Outcome.PASS, "The input was read as an OB 2.0 assertion.")
    assertion = _hosted_copy(given, ctx) if given.jws is None else given.assertion
    if assertion is None:
        return report
    report.credential = assertion
    issuer = _check_objects(assertion, signed=given.jws is not None, ctx=ctx)
    if issuer is None:
        return report
    if given.jws is not None:
        check_signature(given.jws, assertion, issuer, ctx)
    else:
        _check_origin(assertion, issuer, ctx)
    check_revocation(assertion, issuer, ctx)
    _check_dates(assertion, ctx)
    _check_recipient(assertion, recipient, ctx)
    return report


def _format_hint(data: object) -> str:
    if isinstance(data, str) and COMPACT_JWS.fullmatch(data.strip()):
        return "ob2-signed"
    return "ob2-hosted"


def _types(value: object) -> set[str]:
    return {t for t in as_list(value) if isinstance(t, str)}


def _hosted_copy(given: Input, ctx: Ctx) -> dict[str, Any] | None:
    """Fetch the issuer's hosted copy: for hosted badges, that copy is the badge."""
    report = ctx.report
    url = given.url
    if given.assertion is not None:
        if _types(verification_of(given.assertion).get("type")) & SIGNED_TYPES:
            report.add(
                "ob2.signature",
                Outcome.FAIL,
                "A signed badge must be verified from its JWS, not from its JSON.",
            )
            return None
        url = hosted_url(given.assertion)
        if url is None:
            report.add("ob2.data", Outcome.FAIL, "The assertion has no hosted URL (id).")
            return None
    if url is None:  # pragma: no cover - read_input gives an assertion or a URL
        return None
    try:
        document = fetch(ctx.fetcher, url)
    except ResolutionError as exc:
        report.add(
            "ob2.hosted",
            Outcome.FAIL,
            f"The hosted assertion could not be fetched: {exc.message}",
            url=url,
        )
        return None
    if document.status == 410:
        report.add(
            "ob2.revocation",
            Outcome.FAIL,
            "The issuer revoked this badge (its URL answers 410 Gone).",
            url=url,
        )
        return None
    try:
        if document.status >= 400:
            raise ResolutionError(f"{url} answered HTTP {document.status}.")
        hosted = document.json()
    except ResolutionError as exc:
        report.add(
            "ob2.hosted", Outcome.FAIL, f"The hosted assertion is unusable: {exc.message}", url=url
        )
        return None
    if hosted_url(hosted) != url:
        report.add(
            "ob2.hosted",
            Outcome.FAIL,
            "The hosted assertion names a different URL than the one it was fetched from.",
            url=url,
        )
        return None
    differs = given.assertion is not None and given.assertion != hosted
    report.add(
        "ob2.hosted",
        Outcome.PASS,
        "The issuer hosts this assertion at its URL.",
        url=url,
        differs_from_given=differs,
    )
    return hosted


def _check_objects(assertion: dict[str, Any], *, signed: bool, ctx: Ctx) -> dict[str, Any] | None:
    """``ob2.data``, ``ob2.badge``, ``ob2.issuer``: return the issuer Profile, or None."""
    report = ctx.report
    problems = assertion_problems(assertion)
    vtypes = _types(verification_of(assertion).get("type"))
    wanted = SIGNED_TYPES if signed else HOSTED_TYPES
    if vtypes and not vtypes & wanted:
        problems.append(f"verification.type {sorted(vtypes)} does not match how it was given")
    if problems:
        report.add(
            "ob2.data", Outcome.FAIL, "The assertion is missing required data.", problems=problems
        )
        return None
    report.add("ob2.data", Outcome.PASS, "The assertion has every required property.")
    badge = _linked(assertion.get("badge"), "ob2.badge", "badge class", badge_problems, ctx)
    if badge is None:
        return None
    return _linked(
        badge.get("issuer"),
        "ob2.issuer",
        "issuer profile",
        issuer_problems,
        ctx,
        caveat_of=_no_email,
    )


def _no_email(issuer: dict[str, Any]) -> str | None:
    """OB 2.0 expects an issuer email; many 1.x issuers lack one, so it only warns."""
    if isinstance(issuer.get("email"), str):
        return None
    return "The issuer profile was obtained but has no email address."


def _linked(
    value: object,
    code: str,
    what: str,
    problems_of: Callable[[dict[str, Any]], list[str]],
    ctx: Ctx,
    *,
    caveat_of: Callable[[dict[str, Any]], str | None] | None = None,
) -> dict[str, Any] | None:
    """Resolve an embedded-or-linked object and record one check for it."""
    try:
        document = resolve(value, ctx.fetcher)
    except InsigniaError as exc:
        ctx.report.add(code, Outcome.FAIL, f"The {what} could not be obtained: {exc.message}")
        return None
    problems = problems_of(document)
    if problems:
        ctx.report.add(
            code, Outcome.FAIL, f"The {what} is missing required data.", problems=problems
        )
        return None
    caveat = caveat_of(document) if caveat_of is not None else None
    ident = document.get("id", value if isinstance(value, str) else None)
    if caveat is not None:
        ctx.report.add(code, Outcome.WARNING, caveat, id=ident)
    else:
        ctx.report.add(code, Outcome.PASS, f"The {what} was obtained and is complete.", id=ident)
    return document


def _check_origin(assertion: dict[str, Any], issuer: dict[str, Any], ctx: Ctx) -> None:
    """A hosted assertion must live where the issuer says its badges live (OB 2.0)."""
    url = hosted_url(assertion) or ""
    raw_policy = issuer.get("verification")
    policy: dict[str, Any] = raw_policy if isinstance(raw_policy, dict) else {}
    starts = [p for p in as_list(policy.get("startsWith")) if isinstance(p, str) and p]
    origins = {o.lower() for o in as_list(policy.get("allowedOrigins")) if isinstance(o, str)}
    if starts:
        allowed, rule = any(url.startswith(p) for p in starts), "startsWith"
    elif origins:
        allowed, rule = host_of(url) in origins, "allowedOrigins"
    else:
        home = host_of(issuer.get("id")) or host_of(issuer.get("url"))
        allowed, rule = home is not None and host_of(url) == home, "same origin as the issuer"
    outcome = Outcome.PASS if allowed else Outcome.FAIL
    message = (
        "The assertion is hosted where the issuer allows."
        if allowed
        else "The assertion is hosted outside the issuer's allowed origins."
    )
    ctx.report.add("ob2.origin", outcome, message, url=url, rule=rule)


def _check_dates(assertion: dict[str, Any], ctx: Ctx) -> None:
    issued = parse_date(assertion.get("issuedOn"))
    expires = parse_date(assertion.get("expires"))
    if expires is not None and expires <= ctx.now:
        ctx.report.add("ob2.expiry", Outcome.FAIL, f"The badge expired on {assertion['expires']}.")
    elif issued is not None and issued > ctx.now:
        ctx.report.add("ob2.expiry", Outcome.FAIL, "The badge's issue date is in the future.")
    else:
        ctx.report.add(
            "ob2.expiry",
            Outcome.PASS,
            "The badge has not expired.",
            expires=assertion.get("expires"),
        )


def _check_recipient(assertion: dict[str, Any], value: str | None, ctx: Ctx) -> None:
    if value is None:
        ctx.report.add("ob2.recipient", Outcome.SKIPPED, "No recipient was given to compare with.")
        return
    recipient = assertion.get("recipient")
    if isinstance(recipient, dict) and recipient_matches(recipient, value):
        ctx.report.add("ob2.recipient", Outcome.PASS, "The badge was awarded to this recipient.")
    else:
        ctx.report.add(
            "ob2.recipient", Outcome.FAIL, "The badge was not awarded to this recipient."
        )
