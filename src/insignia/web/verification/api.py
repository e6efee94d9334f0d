"""``POST /api/v1/verify``: verify any badge and get the same report as the public page.

The request body *is* the badge — credential JSON, a JWT, a baked PNG or SVG, or a web
address as plain text — so ``curl --data-binary @badge.png …/api/v1/verify`` works.  The
body is read by the view (bounded, and parsed by the engine with its depth limits) rather than
by the API framework.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.decorators import decorate_view
from ninja.responses import Status

from insignia.web.common.ratelimit import api_rate_limit
from insignia.web.verification import services
from insignia.web.verification.forms import MAX_BADGE_BYTES

router = Router(tags=["verification"])

_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": (
            "The badge: OB 3.0 credential JSON or an OB 2.0 assertion, a VC-JWT, a baked PNG "
            "or SVG image, or an https:// address where the badge is published (5 MB at most)."
        ),
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "application/jwt": {"schema": {"type": "string"}},
            "text/plain": {"schema": {"type": "string"}},
            "image/png": {"schema": {"type": "string", "format": "binary"}},
            "image/svg+xml": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


class CheckOut(Schema):
    code: str
    outcome: str
    title: str
    message: str
    meaning: str


class IssuerOut(Schema):
    id: str
    name: str
    identified_by: str
    domain: str
    explanation: str


class SkillOut(Schema):
    name: str
    framework: str
    code: str
    url: str


class RecipientOut(Schema):
    kind: str
    value: str
    explanation: str
    matches: str


class ReportOut(Schema):
    valid: bool
    verdict: str
    format: str
    name: str
    description: str
    criteria: str
    issuer: IssuerOut | None
    recipient: RecipientOut
    issued: str
    expires: str
    revocation: str
    signature: str
    expiry: str
    skills: list[SkillOut]
    checks: list[CheckOut]


class ProblemOut(Schema):
    code: str
    message: str


def _out(result: services.Result) -> ReportOut:
    summary = result.summary
    assert summary is not None
    issuer = summary.issuer
    return ReportOut(
        valid=summary.valid,
        verdict=summary.headline,
        format=summary.format,
        name=summary.name,
        description=summary.description,
        criteria=summary.criteria,
        issuer=IssuerOut(
            id=issuer.id,
            name=issuer.name,
            identified_by=issuer.kind,
            domain=issuer.domain,
            explanation=issuer.explanation,
        )
        if issuer
        else None,
        recipient=RecipientOut(
            kind=summary.recipient.kind,
            value=summary.recipient.value,
            explanation=summary.recipient.explanation,
            matches=summary.recipient_check,
        ),
        issued=summary.issued,
        expires=summary.expires,
        revocation=summary.revocation,
        signature=summary.signature,
        expiry=summary.expiry,
        skills=[
            SkillOut(name=s.name, framework=s.framework, code=s.code, url=s.url)
            for s in summary.skills
        ],
        checks=[
            CheckOut(
                code=c.code, outcome=c.outcome, title=c.title, message=c.message, meaning=c.meaning
            )
            for c in summary.checks
        ],
    )


@router.post(
    "",
    response={200: ReportOut, 413: ProblemOut, 422: ProblemOut},
    openapi_extra=_BODY,
    summary="Verify a badge",
)
@decorate_view(api_rate_limit("verify"))
def verify_badge(request: HttpRequest, email: str = "") -> Status[ReportOut | ProblemOut]:
    """Verify a badge from any platform now, check by check.

    ``email`` (optional) is compared with the badge's (usually hashed) recipient.  Answers 422
    with a ``code`` when the body is not a badge at all (too deep, hostile SVG, a private
    address…), 413 when it is larger than 5 MB.
    """
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = MAX_BADGE_BYTES + 1
    if length > MAX_BADGE_BYTES:
        return Status(413, ProblemOut(code="input.too_large", message="Larger than 5 MB."))
    data = request.read(MAX_BADGE_BYTES + 1)
    if len(data) > MAX_BADGE_BYTES:
        return Status(413, ProblemOut(code="input.too_large", message="Larger than 5 MB."))
    result = services.badge_verify(data=data, recipient_email=email[:254])
    if result.summary is None:
        return Status(422, ProblemOut(code=result.problem_code, message=result.problem))
    return Status(200, _out(result))
