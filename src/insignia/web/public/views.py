"""Public pages: anyone can read these; private and unknown things answer the same 404."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from insignia.web.achievements.models import AchievementVersion
from insignia.web.achievements.selectors import (
    achievement_public_get,
    published_achievements,
    version_public_get,
    version_url,
)
from insignia.web.analytics.models import Channel, Kind
from insignia.web.analytics.services import event_record_request
from insignia.web.analytics.visitors import inbound_channel
from insignia.web.awards import engine
from insignia.web.awards.models import Credential
from insignia.web.awards.selectors import credential_award_details
from insignia.web.awards.services import issuer_profile
from insignia.web.awards.verification import credential_verify
from insignia.web.common.errors import NotFound
from insignia.web.common.http import json_ld_response, negotiated, wants_json_ld
from insignia.web.earning.selectors import (
    applications_open,
    credential_evidence_public,
    version_requirements,
    version_result_descriptions,
    version_rubric,
)
from insignia.web.issuers.selectors import organisation_public_get
from insignia.web.public.selectors import home_showcase, public_page_fingerprint
from insignia.web.wallet.selectors import public_wallet_item


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "public/home.html", {"showcase": home_showcase()})


@require_safe
def issuer(request: HttpRequest, organisation_id: uuid.UUID) -> HttpResponse:
    """The issuer's public page; ``Accept: application/ld+json`` gets its OB 3.0 Profile."""
    org = organisation_public_get(organisation_id=organisation_id)
    if wants_json_ld(request):
        return json_ld_response(request, engine.profile_json(issuer_profile(org)))
    return negotiated(
        render(
            request,
            "public/issuer.html",
            {
                "org": org,
                "badges": published_achievements(organisation=org),
            },
        )
    )


def _achievement_page(
    request: HttpRequest, version: AchievementVersion, *, latest: bool
) -> HttpResponse:
    org = version.achievement.organisation
    if wants_json_ld(request):
        data = engine.achievement_data(
            version, version_url(version), version_result_descriptions(version=version)
        )
        return json_ld_response(request, engine.achievement_json(data, issuer_profile(org)))
    current = version.achievement.current_version
    return negotiated(
        render(
            request,
            "public/achievement.html",
            {
                "version": version,
                "achievement": version.achievement,
                "org": org,
                "alignments": list(version.alignments.all()),
                "requirements": version_requirements(version=version),
                "rubric": version_rubric(version=version),
                "can_apply": latest and applications_open(achievement=version.achievement),
                "newer": None
                if latest or current is None or current.number == version.number
                else current,
            },
        )
    )


@require_safe
def achievement(request: HttpRequest, achievement_id: uuid.UUID) -> HttpResponse:
    found = achievement_public_get(achievement_id=achievement_id)
    assert found.current_version is not None
    version = version_public_get(achievement_id=found.pk, number=found.current_version.number)
    return _achievement_page(request, version, latest=True)


@require_safe
def achievement_version(
    request: HttpRequest, achievement_id: uuid.UUID, number: int
) -> HttpResponse:
    version = version_public_get(achievement_id=achievement_id, number=number)
    return _achievement_page(request, version, latest=False)


#: How long the rendered page of a public badge is reused for anonymous visitors.  Its key is
#: what the page shows that can change (visibility, suspension, revocation, expiry, the issuer's
#: and the badge's last edits: :func:`public_page_fingerprint`), read in one query per view, so
#: a badge made private, revoked or suspended changes at once; only wording edits elsewhere
#: (a holder's evidence link made private: the file itself is refused at once) wait this long.
PAGE_CACHE_SECONDS = 30


@dataclass(frozen=True, slots=True)
class _PageKey:
    """Where an anonymous visitor's page is cached, and the ids that count its view."""

    key: str
    credential: Credential  # unsaved: only the ids an analytics event needs


def _page_key(request: HttpRequest, credential_id: uuid.UUID) -> _PageKey | None:
    """The cache key of the page for this visitor: ``None`` for signed-in visitors (their
    page differs) and JSON-LD requests.  One small query; 404 when the badge is not public."""
    if request.user.is_authenticated or wants_json_ld(request):
        return None
    fingerprint = public_page_fingerprint(credential_id=credential_id)
    if fingerprint is None:
        raise NotFound()
    digest = hashlib.sha256(repr(fingerprint).encode()).hexdigest()[:32]
    organisation_id, achievement_id, holder_id = fingerprint[:3]
    return _PageKey(
        f"insignia:page:credential:{credential_id}:{digest}",
        Credential(
            id=credential_id,
            organisation_id=organisation_id,
            achievement_id=achievement_id,
            recipient_user_id=holder_id,
        ),
    )


def _page_seconds(credential: Credential) -> int:
    """Never reuse a page past the moment the badge expires."""
    if credential.valid_until is None:
        return PAGE_CACHE_SECONDS
    left = (credential.valid_until - timezone.now()).total_seconds()
    return max(0, min(PAGE_CACHE_SECONDS, int(left)))


@require_safe
def credential(request: HttpRequest, credential_id: uuid.UUID) -> HttpResponse:
    """A badge its holder made public, verified live by the engine (the verdict reused for a
    minute, the page for anonymous visitors for :data:`PAGE_CACHE_SECONDS`)."""
    key = _page_key(request, credential_id)
    cached = cache.get(key.key) if key else None
    if key and cached is not None:  # count the view without loading the badge
        event_record_request(
            request=request,
            kind=Kind.VIEW,
            credential=key.credential,
            channel=inbound_channel(request),
        )
        return cached  # type: ignore[no-any-return]
    item = public_wallet_item(credential_id=credential_id)
    if wants_json_ld(request):
        event_record_request(
            request=request, kind=Kind.VERIFY, credential=item.credential, channel=Channel.JSON_LD
        )
        return json_ld_response(request, item.credential.document)
    event_record_request(
        request=request,
        kind=Kind.VIEW,
        credential=item.credential,
        channel=inbound_channel(request),
    )
    details = credential_award_details(item.credential)
    evidence_urls = [e["id"] for e in details.evidence if e.get("id")]
    public_urls = credential_evidence_public(urls=evidence_urls)
    page = negotiated(
        render(
            request,
            "public/credential.html",
            {
                "item": item,
                "credential": item.credential,
                "version": item.credential.version,
                "org": item.credential.organisation,
                "alignments": list(item.credential.version.alignments.all()),
                "verification": credential_verify(credential=item.credential),
                "details": details,
                # Evidence on this platform the holder keeps private: shown without a link.
                "private_evidence": {
                    url
                    for url in evidence_urls
                    if url.startswith(f"{settings.INSIGNIA_BASE_URL}/evidence/")
                    and url not in public_urls
                },
            },
        )
    )
    seconds = _page_seconds(item.credential)
    if key and seconds:
        cache.set(key.key, page, seconds)
    return page


@require_safe
def credential_json(request: HttpRequest, credential_id: uuid.UUID) -> HttpResponse:
    item = public_wallet_item(credential_id=credential_id)
    event_record_request(
        request=request,
        kind=Kind.DOWNLOAD,
        credential=item.credential,
        channel=Channel.JSON,
        count_holder=True,
    )
    return json_ld_response(request, item.credential.document)
