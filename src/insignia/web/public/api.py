"""A small read-only JSON API over the public pages (no sign-in; same access rules).

``GET /api/v1/credentials/{id}/verification``  the live verification of a public badge.
``GET /api/v1/issuers/{id}/achievements``      the badges an issuer awards now.

The same API carries the token-authenticated issuer REST API and the VC-API (routers of the
``api`` app, mounted at the end of this module).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.http import HttpRequest
from ninja import NinjaAPI, Schema
from ninja.decorators import decorate_view

from insignia.web.achievements.selectors import published_achievements
from insignia.web.analytics.models import Channel, Kind
from insignia.web.analytics.services import event_record_request
from insignia.web.awards.verification import credential_verify
from insignia.web.common.ratelimit import api_rate_limit
from insignia.web.images.selectors import image_url
from insignia.web.issuers.selectors import organisation_public_get
from insignia.web.wallet.selectors import public_wallet_item

api = NinjaAPI(
    title="Insignia API",
    version="1",
    description=(
        "Public endpoints (badge verification, issuers' badges) need no sign-in.  The issuer "
        "endpoints need an API token of the organisation, created by an owner on the "
        "organisation's *API tokens* page and sent as `Authorization: Bearer ins_…`; each "
        "endpoint names the scope it needs.  The VC-API endpoints also answer at "
        "`/credentials/issue`, `/credentials/verify` and `/presentations/verify`."
    ),
    urls_namespace="api",
    # The interactive docs are served by the api app at /api/docs, from our own static files
    # (ninja's default page would load them from a CDN, which the CSP refuses).
    docs_url=None,
)


class CheckOut(Schema):
    code: str
    outcome: str
    message: str


class VerificationOut(Schema):
    credential_id: str
    valid: bool
    checked_at: datetime
    checks: list[CheckOut]


class AchievementOut(Schema):
    id: uuid.UUID
    name: str
    description: str
    achievement_type: str
    image: str
    version: int


@api.get("/credentials/{credential_id}/verification", response=VerificationOut)
@decorate_view(api_rate_limit("api"))
def credential_verification(request: HttpRequest, credential_id: uuid.UUID) -> VerificationOut:
    """Verify a public badge now, with the engine (404 for private and unknown badges)."""
    item = public_wallet_item(credential_id=credential_id)
    event_record_request(
        request=request, kind=Kind.VERIFY, credential=item.credential, channel=Channel.API
    )
    verification = credential_verify(credential=item.credential)
    return VerificationOut(
        credential_id=item.credential.credential_id,
        valid=verification.valid,
        checked_at=verification.checked_at,
        checks=[
            CheckOut(code=c.code, outcome=c.outcome.value, message=c.message)
            for c in verification.report.checks
        ],
    )


@api.get("/issuers/{organisation_id}/achievements", response=list[AchievementOut])
@decorate_view(api_rate_limit("api"))
def issuer_achievements(request: HttpRequest, organisation_id: uuid.UUID) -> list[AchievementOut]:
    """The published badges of an issuer."""
    org = organisation_public_get(organisation_id=organisation_id)
    return [
        AchievementOut(
            id=a.pk,
            name=v.name,
            description=v.description,
            achievement_type=v.achievement_type,
            image=image_url(v.image),
            version=v.number,
        )
        for a in published_achievements(organisation=org)
        if (v := a.current_version) is not None
    ]


# Routers of other apps, mounted on the same API (one OpenAPI schema).
from insignia.web.verification.api import router as verification_router  # noqa: E402

api.add_router("/verify", verification_router)

# The issuer REST API and the VC-API (token-authenticated; see docs/api.md).
from insignia.web.api import errors as api_errors  # noqa: E402
from insignia.web.api import issuer as issuer_api  # noqa: E402
from insignia.web.api import vcapi  # noqa: E402

# Token-authenticated operations share the "api" budget, counted per token and per address.
for _router in (issuer_api.achievements, issuer_api.credentials, issuer_api.bulk):
    _router.add_decorator(api_rate_limit("api"), mode="view")
api.add_router("/achievements", issuer_api.achievements)
api.add_router("/credentials", issuer_api.credentials)
api.add_router("/bulk-jobs", issuer_api.bulk)
api.add_router("/vc", vcapi.router)
api_errors.install(api)
