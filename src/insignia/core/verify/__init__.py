"""Verify any badge: OB 3.0 JSON or VC-JWT, baked PNG/SVG, a URL, or an OB 2.0 assertion.

The public entry points return a :class:`~insignia.core.report.VerificationReport` for every
input that can be read as a credential, and raise :class:`~insignia.core.errors.InputError`
for input that cannot (not JSON, not an image we know, too large…), so that callers can tell
"this badge is invalid" (exit 1) from "this is not a badge" (exit 2).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from insignia.core.errors import InputError, ResolutionError
from insignia.core.inputs import InputKind, looks_like_jws, sniff
from insignia.core.jsonio import parse_json
from insignia.core.report import Check, Outcome, VerificationReport
from insignia.core.verify.credential import verify_document
from insignia.core.verify.options import Recipient, VerifyOptions

__all__ = [
    "Recipient",
    "VerifyOptions",
    "is_ob2",
    "verify_bytes",
    "verify_credential",
    "verify_jwt",
]

_ACCEPT_ANY = (
    "application/vc+ld+json, application/ld+json, application/json, image/png, image/svg+xml, "
    "text/plain;q=0.5"
)
_OB2_CONTEXTS = ("https://w3id.org/openbadges/v2", "https://w3id.org/openbadges/v1")


def is_ob2(doc: Mapping[str, Any]) -> bool:
    """True for an Open Badges 2.0 (or 1.x) assertion rather than a verifiable credential."""
    context = doc.get("@context")
    contexts = context if isinstance(context, list) else [context]
    if any(isinstance(c, str) and c.startswith(_OB2_CONTEXTS) for c in contexts):
        return True
    return doc.get("type") == "Assertion" or ("recipient" in doc and "badge" in doc)


def verify_credential(
    doc: Mapping[str, Any], options: VerifyOptions, *, fmt: str = "ob3-json"
) -> VerificationReport:
    """Verify a parsed credential (OB 3.0 / VC with embedded proofs, or OB 2.0 assertion)."""
    if is_ob2(doc):
        from insignia.core import ob2

        return ob2.verify_ob2(dict(doc), fetcher=options.fetcher, now=options.now)
    report = VerificationReport(format=fmt, credential=dict(doc))
    return verify_document(doc, options, report=report)


def verify_jwt(token: str, options: VerifyOptions, *, fmt: str = "ob3-jwt") -> VerificationReport:
    """Verify a compact VC-JWT (OB 3.0 §8.2), then the credential inside it."""
    from insignia.core import vcjwt

    result = vcjwt.verify_vc_jwt(token.strip(), resolver=options.key_resolver, now=options.now)
    report = VerificationReport(format=fmt, credential=result.credential)
    report.checks.extend(result.checks)
    if result.credential is None:
        return report
    return verify_document(result.credential, options, report=report, proven_by_jwt=result.verified)


def _verify_payload(payload: str, options: VerifyOptions, fmt: str) -> VerificationReport:
    text = payload.strip()
    if looks_like_jws(text):
        if "ob2" in fmt:
            from insignia.core import ob2

            return ob2.verify_ob2(text, fetcher=options.fetcher, now=options.now)
        return verify_jwt(text, options, fmt=f"{fmt}-jwt")
    value = parse_json(text)
    if not isinstance(value, dict):
        raise InputError("The credential is not a JSON object.", code="input.not_object")
    if fmt.startswith("ob2"):
        # The baking keyword/namespace already said "Open Badges 1.x/2.0", whatever the shape.
        from insignia.core import ob2

        return ob2.verify_ob2(value, fetcher=options.fetcher, now=options.now)
    return verify_credential(value, options, fmt=f"{fmt}-json")


def verify_bytes(
    data: bytes | str, options: VerifyOptions, *, _follow_url: bool = True
) -> VerificationReport:
    """Verify whatever the user handed over: JSON, JWT, baked PNG/SVG, or a URL.

    :raises InputError: when the input is not a credential in any supported form.
    """
    sniffed = sniff(data)
    if sniffed.kind is InputKind.JSON:
        assert sniffed.text is not None
        return _verify_payload(sniffed.text, options, "ob3")
    if sniffed.kind is InputKind.JWT:
        assert sniffed.text is not None
        return verify_jwt(sniffed.text, options)
    if sniffed.kind in (InputKind.PNG, InputKind.SVG):
        from insignia.core import baking

        baked = baking.unbake(sniffed.data)
        fmt = f"{baked.version}-{baked.image_type}"
        if baked.kind == "url":
            return _verify_url(baked.payload, options, follow=_follow_url, fmt=fmt)
        report = _verify_payload(baked.payload, options, fmt)
        report.checks.insert(
            0,
            Check(
                "input.baked",
                Outcome.PASS,
                f"Found a credential baked into the {baked.image_type.upper()} image.",
            ),
        )
        return report
    assert sniffed.text is not None
    return _verify_url(sniffed.text, options, follow=_follow_url, fmt="url")


def _verify_url(url: str, options: VerifyOptions, *, follow: bool, fmt: str) -> VerificationReport:
    if not follow:
        raise InputError(
            "A URL led to another URL; only one hop is followed.", code="input.url_loop"
        )
    if options.fetcher is None:
        raise InputError(
            "This is a URL, and this verification runs offline: download the badge and verify "
            "the file, or allow fetching.",
            code="input.offline_url",
        )
    try:
        fetched = options.fetcher.fetch(url, accept=_ACCEPT_ANY)
    except ResolutionError as exc:
        status = exc.detail.get("status")
        if status == 410:
            raise InputError(
                f"{url} says the badge is gone (HTTP 410).", code="input.gone"
            ) from exc
        raise InputError(f"{url} could not be fetched: {exc.message}", code=exc.code) from exc
    if fetched.status == 410:
        raise InputError(f"{url} says the badge is gone (HTTP 410).", code="input.gone")
    if fetched.status >= 400:
        raise InputError(f"{url} answered HTTP {fetched.status}.", code="input.http_status")
    return verify_bytes(fetched.body, options, _follow_url=False)
