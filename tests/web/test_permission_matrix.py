"""The permission matrix: every URL of the site, tried by every kind of person.

Each route is listed in :data:`MATRIX` with who may use it (``GET``, and ``POST`` for routes
that change something).  A new route that is not listed fails
:func:`test_every_route_is_in_the_matrix`, so no page or endpoint ships without a decision
about who may reach it.  "Allowed" means the request got past the access check (any answer
but 401/403/404, or a redirect to the sign-in page); "denied" means it did not.  Each request
runs inside a transaction that is rolled back, so an allowed ``POST`` changes nothing for the
next person.

People: ``anonymous``; ``learner`` (holds the badges and applications below); ``other_learner``;
the owner, designer, assessor and issuer of the issuing organisation; ``recruiter`` (of an
employer organisation); ``other_owner`` (owner of an unrelated issuing organisation); and
``site_admin`` (``is_staff``, member of no organisation).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from insignia.core.baking import bake_png
from insignia.web.accounts.models import User
from insignia.web.achievements import services as achievement_services
from insignia.web.achievements.models import Achievement
from insignia.web.awards import services as award_services
from insignia.web.awards.models import ClaimToken, Credential
from insignia.web.bulk.services import bulk_job_create
from insignia.web.earning import services as earning_services
from insignia.web.earning.models import AccessPolicy, EvidenceItem
from insignia.web.issuers.models import Organisation, Role
from insignia.web.issuers.services import (
    membership_grant,
    membership_set_roles,
    organisation_create,
)
from insignia.web.sharing.models import LearnerProfile
from insignia.web.sharing.selectors import exchange_token
from insignia.web.sharing.services import achievement_marketing_update
from insignia.web.talent import services as talent_services
from insignia.web.talent.models import Skill
from insignia.web.verification import services as verification_services
from insignia.web.wallet import services as wallet_services
from insignia.web.wallet.models import WalletItem
from tests.web.bulk.conftest import csv_bytes, people
from tests.web.conftest import generated, png_bytes, version_data
from tests.web.earning.conftest import REQUIREMENTS, RUBRIC, fill, submit

PEOPLE = (
    "anonymous",
    "learner",
    "other_learner",
    "owner",
    "designer",
    "assessor",
    "issuer",
    "recruiter",
    "other_owner",
    "site_admin",
)
EVERYONE = frozenset(PEOPLE)
SIGNED_IN = EVERYONE - {"anonymous"}
LEARNER = frozenset({"learner"})
OWNER = frozenset({"owner"})
DESIGNERS = frozenset({"owner", "designer"})
ASSESSORS = frozenset({"owner", "assessor"})
ISSUERS = frozenset({"owner", "issuer"})
STAFF = frozenset({"owner", "designer", "assessor", "issuer"})
RECRUITER = frozenset({"recruiter"})
SITE_ADMIN = frozenset({"site_admin"})
NOBODY: frozenset[str] = frozenset()
ROW_VERSION = (("row_version", "application_row_version"),)


@dataclass
class World:
    """The objects the routes are tried on, and the people who try them."""

    people: dict[str, User | None]
    ids: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Route:
    """Who may use one route: ``args`` names objects of the world, in URL order."""

    args: tuple[str, ...] = ()
    get: frozenset[str] | None = None
    post: frozenset[str] | None = None
    query: str = ""
    data: tuple[tuple[str, str], ...] = ()  # form fields of the POST, from the world


# Routes outside the matrix, and why.
EXCLUDED_NAMESPACES = {
    # django-allauth's own account pages: sign-in, sign-up, password and email management.
    # They act only on the signed-in person (or on a secret link) and are tested by allauth.
    "account_",
}

MATRIX: dict[str, Route] = {
    # --- public pages, documents and the public API --------------------------------------
    "home": Route(get=EVERYONE),
    "platform_jwks": Route(get=EVERYONE),
    "issuer_did": Route(("org",), get=EVERYONE),
    "issuer_jwks": Route(("org",), get=EVERYONE),
    "images:image": Route(("image", "png"), get=EVERYONE),
    "awards:status_list": Route(("org", "status_list"), get=EVERYONE),
    "public:issuer": Route(("org",), get=EVERYONE),
    "public:achievement": Route(("achievement",), get=EVERYONE),
    "public:achievement_version": Route(("achievement", "one"), get=EVERYONE),
    "public:credential": Route(("public_credential",), get=EVERYONE),
    "public:credential_json": Route(("public_credential",), get=EVERYONE),
    "api:openapi-json": Route(get=EVERYONE),
    "api:api-root": Route(),
    "api:credential_verification": Route(("public_credential",), get=EVERYONE),
    "api:issuer_achievements": Route(("org",), get=EVERYONE),
    "api:verify_badge": Route(post=EVERYONE),
    "sharing:share": Route(("public_credential", "linkedin"), get=EVERYONE),
    "sharing:learn_more": Route(("public_credential", "linkedin"), get=EVERYONE),
    "sharing:card": Route(("public_credential",), get=EVERYONE),
    "sharing:embed": Route(("public_credential",), get=EVERYONE),
    "sharing:badge": Route(("public_credential", "png"), get=EVERYONE),
    "sharing:certificate": Route(("public_credential",), get=EVERYONE),
    "sharing:profile": Route(("profile",), get=EVERYONE),
    "sharing:exchange": Route(("exchange_token",), get=EVERYONE),
    "verification:verify": Route(get=EVERYONE, post=EVERYONE),
    "verification:resume": Route(get=EVERYONE, post=EVERYONE),
    "verification:result": Route(("submission",), get=EVERYONE),
    "verification:resume_result": Route(("batch",), get=EVERYONE),
    "awards:claim": Route(("claim_token",), get=EVERYONE),
    # --- the same pages for private badges: nobody but the holder -----------------------
    # --- organisations --------------------------------------------------------------------
    "issuers:organisation_list": Route(get=SIGNED_IN),
    "issuers:organisation_create": Route(get=SIGNED_IN),
    "issuers:dashboard": Route(("org",), get=STAFF),
    "issuers:organisation_edit": Route(("org",), get=OWNER, post=OWNER),
    "issuers:team": Route(("org",), get=OWNER, post=OWNER),
    "issuers:member_roles": Route(("org", "designer_id"), post=OWNER),
    "issuers:keys": Route(("org",), get=OWNER, post=OWNER),
    "issuers:key_compromise": Route(("org",), post=OWNER),
    # --- badge design ---------------------------------------------------------------------
    "achievements:create": Route(("org",), get=DESIGNERS, post=DESIGNERS),
    "achievements:detail": Route(("achievement",), get=STAFF),
    "achievements:edit": Route(("achievement",), get=DESIGNERS, post=DESIGNERS),
    "achievements:publish": Route(("achievement",), post=DESIGNERS),
    "achievements:archive": Route(("achievement",), post=DESIGNERS),
    "achievements:discard": Route(("achievement",), post=DESIGNERS),
    "earning:assessment": Route(("achievement",), get=DESIGNERS, post=DESIGNERS),
    "earning:access": Route(("achievement",), get=DESIGNERS, post=DESIGNERS),
    "earning:invite_code_create": Route(("achievement",), post=DESIGNERS),
    "earning:invite_code_revoke": Route(("assessed", "invite_code"), post=DESIGNERS),
    "earning:email_list": Route(("achievement",), post=DESIGNERS),
    "earning:earn_rate": Route(("achievement",), get=DESIGNERS),
    "sharing:marketing": Route(("achievement",), get=DESIGNERS, post=DESIGNERS),
    # --- awarding and the lifecycle ---------------------------------------------------------
    "awards:award": Route(("achievement",), get=ISSUERS, post=ISSUERS),
    "awards:detail": Route(("credential",), get=STAFF),
    "awards:revoke": Route(("credential",), post=ISSUERS),
    "awards:resend": Route(("credential",), post=ISSUERS),
    "awards:suspend": Route(("credential",), post=ISSUERS),
    "awards:reinstate": Route(("credential",), post=ISSUERS),
    "awards:correct": Route(("credential",), post=ISSUERS),
    "awards:renew": Route(("credential",), post=ISSUERS),
    "awards:revoke_selection": Route(("achievement",), get=ISSUERS, post=ISSUERS),
    "bulk:upload": Route(("achievement",), get=ISSUERS, post=ISSUERS),
    "bulk:job": Route(("bulk_job",), get=ISSUERS),
    "bulk:start": Route(("bulk_job",), post=ISSUERS),
    "bulk:pause": Route(("bulk_job",), post=ISSUERS),
    "bulk:resume": Route(("bulk_job",), post=ISSUERS),
    "bulk:cancel": Route(("bulk_job",), post=ISSUERS),
    "bulk:revoke": Route(("bulk_job",), post=ISSUERS),
    "bulk:report": Route(("bulk_job",), get=ISSUERS),
    # --- analytics --------------------------------------------------------------------------
    "analytics:organisation": Route(("org",), get=STAFF),
    "analytics:organisation_csv": Route(("org",), get=STAFF),
    "analytics:achievement": Route(("achievement",), get=STAFF),
    "analytics:achievement_csv": Route(("achievement",), get=STAFF),
    # --- assessment -------------------------------------------------------------------------
    "earning:queue": Route(("org",), get=ASSESSORS),
    "earning:review": Route(("application",), get=ASSESSORS),
    "earning:review_start": Route(("application",), post=ASSESSORS, data=ROW_VERSION),
    "earning:review_release": Route(("application",), post=ASSESSORS, data=ROW_VERSION),
    "earning:conflict": Route(("application",), post=ASSESSORS),
    # --- learners ---------------------------------------------------------------------------
    "earning:apply": Route(("assessed",), get=SIGNED_IN),
    "earning:application_list": Route(get=SIGNED_IN),
    "earning:application": Route(("application",), get=LEARNER, post=LEARNER),
    "earning:evidence_visibility": Route(("application", "evidence"), post=LEARNER),
    "earning:evidence": Route(("evidence",), get=LEARNER | ASSESSORS),
    "wallet:list": Route(get=SIGNED_IN),
    "wallet:import": Route(get=SIGNED_IN, post=SIGNED_IN),
    "wallet:imported": Route(("imported",), get=LEARNER),
    "wallet:imported_verify": Route(("imported",), post=LEARNER),
    "wallet:imported_delete": Route(("imported",), post=LEARNER),
    "wallet:imported_image": Route(("imported_baked",), get=LEARNER),
    "wallet:detail": Route(("credential",), get=LEARNER),
    "wallet:visibility": Route(("credential",), post=LEARNER),
    "wallet:accept": Route(("pending_credential",), post=LEARNER),
    "wallet:download_json": Route(("credential",), get=LEARNER),
    "wallet:download_image": Route(("credential", "png"), get=LEARNER),
    "sharing:toolkit": Route(("credential",), get=LEARNER),
    "sharing:snippet_preview": Route(("public_credential", "signature"), get=LEARNER),
    "sharing:wallet_certificate": Route(("credential",), get=LEARNER),
    "sharing:profile_settings": Route(get=SIGNED_IN, post=SIGNED_IN),
    "talent:settings": Route(get=SIGNED_IN, post=SIGNED_IN),
    "talent:withdraw": Route(post=SIGNED_IN),
    # --- employers --------------------------------------------------------------------------
    "talent:search": Route(("employer",), get=RECRUITER),
    "talent:candidate": Route(("employer", "talent_profile"), get=RECRUITER),
    # --- site staff: the skill synonym groups every search relies on ------------------------
    "talent:skills": Route(get=SITE_ADMIN),
    "talent:skill_edit": Route(("skill",), get=SITE_ADMIN, post=SITE_ADMIN),
    # --- pathways: issuers build and decide; learners see their own progress ---------------
    "pathways:list": Route(("org",), get=ISSUERS),
    "pathways:create": Route(("org",), get=ISSUERS, post=ISSUERS),
    "pathways:builder": Route(("pathway",), get=ISSUERS, post=ISSUERS),
    "pathways:requirement_add": Route(("pathway",), post=ISSUERS),
    "pathways:requirement_remove": Route(("pathway", "requirement"), post=ISSUERS),
    "pathways:threshold": Route(("pathway",), post=ISSUERS),
    "pathways:activate": Route(("pathway",), post=ISSUERS),
    "pathways:deactivate": Route(("pathway",), post=ISSUERS),
    "pathways:reviews": Route(("pathway",), get=ISSUERS),
    "pathways:decide": Route(("pathway", "completion"), post=ISSUERS),
    "pathways:analytics": Route(("pathway",), get=ISSUERS),
    "pathways:progress": Route(get=SIGNED_IN),
    "pathways:public": Route(("pathway",), get=EVERYONE),
    # --- the OB 3.0 API: resources answer bearer tokens only, never the session cookie -----
    "obapi:discovery": Route(get=EVERYONE),
    "obapi:privacy": Route(get=EVERYONE),
    "obapi:credentials": Route(get=NOBODY, post=NOBODY),
    "obapi:profile": Route(get=NOBODY),
    "obapi:register": Route(post=EVERYONE),
    "obapi:authorize": Route(get=SIGNED_IN),
    "obapi:token": Route(post=EVERYONE),
    "obapi:revoke": Route(post=EVERYONE),
    "obapi:connections": Route(get=SIGNED_IN),
    # --- privacy: each person's own data ----------------------------------------------------
    "privacy:overview": Route(get=SIGNED_IN),
    "privacy:export": Route(post=SIGNED_IN),
    "privacy:delete": Route(get=SIGNED_IN, post=SIGNED_IN),
    # --- webhooks (owners only: the secrets sign what the organisation's systems trust) ----
    "webhooks:list": Route(("org",), get=OWNER),
    "webhooks:create": Route(("org",), get=OWNER, post=OWNER),
    "webhooks:detail": Route(("org", "webhook"), get=OWNER, post=OWNER),
    "webhooks:rotate": Route(("org", "webhook"), post=OWNER),
    "webhooks:test": Route(("org", "webhook"), post=OWNER),
    "webhooks:delete": Route(("org", "webhook"), post=OWNER),
    "webhooks:delivery": Route(("org", "webhook", "webhook_delivery"), get=OWNER),
    "webhooks:redeliver": Route(("org", "webhook", "webhook_delivery"), post=OWNER),
    # --- LTI 1.3: the tool endpoints are public (the platform's signed launch is the check);
    # registrations are managed by the organisation's issuers, disconnected by owners ------
    "lti:login": Route(("lti_platform",), get=EVERYONE, post=EVERYONE),
    "lti:launch": Route(("lti_platform",), post=EVERYONE),
    "lti:link": Route(("lti_platform",), post=EVERYONE),
    "lti:deep_link": Route(("lti_platform",), post=EVERYONE),
    "lti:jwks": Route(("lti_platform",), get=EVERYONE),
    "lti:platform_list": Route(("org",), get=ISSUERS, post=ISSUERS),
    "lti:platform": Route(("org", "lti_platform"), get=ISSUERS, post=ISSUERS),
    "lti:platform_delete": Route(("org", "lti_platform"), post=OWNER),
    # --- the issuer REST API and the VC-API: API tokens only, never a session (401) ---------
    "issuer_api:tokens": Route(("org",), get=OWNER, post=OWNER),
    "issuer_api:token_revoke": Route(("org", "api_token"), post=OWNER),
    "issuer_api:docs": Route(get=EVERYONE),
    "api:achievement_list": Route(get=NOBODY, post=NOBODY),
    "api:achievement_create": Route(get=NOBODY, post=NOBODY),
    "api:achievement_get": Route(("achievement",), get=NOBODY),
    "api:achievement_update": Route(("achievement",), get=NOBODY),
    "api:achievement_publish": Route(("achievement",), post=NOBODY),
    "api:credential_list": Route(get=NOBODY, post=NOBODY),
    "api:credential_award": Route(get=NOBODY, post=NOBODY),
    "api:credential_get": Route(("credential",), get=NOBODY),
    "api:credential_revoke": Route(("credential",), post=NOBODY),
    "api:credential_revoke_many": Route(post=NOBODY),
    "api:credential_suspend": Route(("credential",), post=NOBODY),
    "api:credential_reinstate": Route(("credential",), post=NOBODY),
    "api:bulk_job_create": Route(post=NOBODY),
    "api:bulk_job_get": Route(("bulk_job",), get=NOBODY),
    "api:bulk_job_start": Route(("bulk_job",), post=NOBODY),
    "api:bulk_job_report": Route(("bulk_job",), get=NOBODY),
    "api:bulk_job_revoke": Route(("bulk_job",), post=NOBODY),
    "api:vc_credentials_issue": Route(post=NOBODY),
    "api:vc_credentials_verify": Route(post=EVERYONE),
    "api:vc_presentations_verify": Route(post=EVERYONE),
    "issuer_api:vc_credentials_issue": Route(post=NOBODY),
    "issuer_api:vc_credentials_verify": Route(post=EVERYONE),
    "issuer_api:vc_presentations_verify": Route(post=EVERYONE),
}

# What a private badge shows to people other than its holder: the public routes of a badge
# that was never made public answer nobody.
PRIVATE = {
    "public:credential": Route(("credential",), get=NOBODY),
    "public:credential_json": Route(("credential",), get=NOBODY),
    "api:credential_verification": Route(("credential",), get=NOBODY),
    "sharing:card": Route(("credential",), get=NOBODY),
    "sharing:embed": Route(("credential",), get=NOBODY),
    "sharing:badge": Route(("credential", "png"), get=NOBODY),
    "sharing:certificate": Route(("credential",), get=NOBODY),
}


def route_names() -> set[str]:
    """Every named route of the site, with its namespace."""
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


def test_every_route_is_in_the_matrix() -> None:
    names = {n for n in route_names() if not any(n.startswith(p) for p in EXCLUDED_NAMESPACES)}
    assert names - MATRIX.keys() == set(), "routes with no access decision"
    assert MATRIX.keys() - names == set(), "decisions for routes that no longer exist"


# --- the world --------------------------------------------------------------------------------


def _issue(issuer: User, achievement: Achievement, email: str) -> Credential:
    return award_services.credential_issue(
        actor=issuer, achievement_id=achievement.pk, recipient_email=email
    )


@pytest.fixture
def world(
    org: Organisation,
    staff: dict[str, User],
    published: Achievement,
    make_user: Callable[..., User],
    settings: Any,
    tmp_path: Any,
) -> World:
    settings.INSIGNIA_EVIDENCE_DIR = tmp_path / "evidence"
    learner = make_user("lee.learner@example.com", "Lee Learner")
    other_learner = make_user("ola.other@example.com", "Ola Other")
    recruiter = make_user("rita.recruiter@harbour.example", "Rita Recruiter")
    employer = organisation_create(
        actor=recruiter,
        name="Harbour Logistics",
        url="https://harbour.example",
        email="talent@harbour.example",
        description="An employer.",
    )
    membership_grant(
        actor=recruiter, organisation_id=employer.pk, email=recruiter.email, roles=[Role.RECRUITER]
    )
    # The recruiter is a recruiter only (organisation_create made them its owner).
    helper = make_user("hana.helper@harbour.example", "Hana Helper")
    membership_grant(
        actor=recruiter, organisation_id=employer.pk, email=helper.email, roles=[Role.OWNER]
    )
    membership_set_roles(
        actor=helper, organisation_id=employer.pk, user_id=recruiter.pk, roles=[Role.RECRUITER]
    )
    other_owner = make_user("otto.owner@southgate.example", "Otto Owner")
    organisation_create(
        actor=other_owner,
        name="Southgate College",
        url="https://southgate.example",
        email="badges@southgate.example",
        description="Another issuer.",
    )
    site_admin = make_user("admin@insignia.example", "Ada Admin")
    site_admin.is_staff = True
    site_admin.save(update_fields=["is_staff"])

    issuer = staff["issuer"]
    held = _issue(issuer, published, learner.email)
    award_services.credential_accept(user=learner, credential_id=held.pk)
    shown = _issue(issuer, published, learner.email)
    award_services.credential_accept(user=learner, credential_id=shown.pk)
    wallet_services.wallet_set_visibility(user=learner, credential_id=shown.pk, public=True)
    pending = _issue(issuer, published, learner.email)

    assessed = _assessed(staff)
    application = earning_services.application_start(learner=learner, achievement_id=assessed.pk)
    fill(application, learner)
    application = submit(application, learner)
    evidence = EvidenceItem.objects.filter(application=application).exclude(file_path="").first()
    assert evidence is not None

    foreign = _issue(issuer, published, "lee@oldschool.example")
    imported = wallet_services.imported_credential_create(
        user=learner, data=foreign.document.encode()
    )
    other = _issue(issuer, published, "lee@formerjob.example")
    imported_baked = wallet_services.imported_credential_create(
        user=learner, data=_baked_png(other), filename="badge.png"
    )
    talent = talent_services.talent_profile_update(
        user=learner,
        is_discoverable=True,
        show_name=True,
        show_contact=False,
        show_location=False,
        wallet_item_ids=[WalletItem.objects.get(credential=held).pk],
    )
    job, _ = bulk_job_create(
        actor=issuer, achievement_id=published.pk, file_name="cohort.csv", data=csv_bytes(people(2))
    )
    code = earning_services.invite_code_create(actor=staff["designer"], achievement_id=assessed.pk)
    given = verification_services.Given(source="paste", data=shown.document.encode(), filename="")
    submission = verification_services.submission_create(given=given)
    batch = verification_services.submissions_create(given=[given, given])
    profile = LearnerProfile.objects.create(user=learner, is_public=True, updated_at=timezone.now())
    achievement_marketing_update(
        actor=staff["designer"],
        achievement_id=published.pk,
        learn_more_url="https://northbridge.example/programmes/data",
    )
    token = award_services.claim_token_create(credential=pending)
    assert ClaimToken.objects.filter(credential=pending).exists()

    from insignia.web.webhooks import services as webhook_services

    webhook = webhook_services.subscription_create(
        actor=staff["owner"],
        organisation_id=org.pk,
        url="https://hooks.northbridge.example/insignia",
        events=["credential.issued"],
    )
    webhook_delivery = webhook_services.subscription_send_test(
        actor=staff["owner"], subscription_id=webhook.pk
    )

    from insignia.web.api.services import api_token_create

    api_token, _ = api_token_create(
        actor=staff["owner"], organisation_id=org.pk, name="LMS", scopes=["credentials:read"]
    )

    from insignia.web.lti.services import PlatformData, platform_register

    lti_platform = platform_register(
        actor=staff["owner"],
        organisation_id=org.pk,
        data=PlatformData(
            name="Moodle",
            issuer="https://moodle.northbridge.example",
            client_id="insignia",
            deployment_ids=("1",),
            auth_login_url="https://moodle.northbridge.example/mod/lti/auth.php",
            access_token_url="https://moodle.northbridge.example/mod/lti/token.php",
            key_set_url="https://moodle.northbridge.example/mod/lti/certs.php",
        ),
    )

    from insignia.web.pathways import services as pathway_services

    pathway = pathway_services.pathway_create(
        actor=issuer,
        organisation_id=org.pk,
        goal_id=assessed.pk,
        name="Evidence track",
        is_public=True,
        award_mode="review",
    )
    requirement = pathway_services.requirement_add(
        actor=issuer,
        pathway_id=pathway.pk,
        parent_id=pathway.requirements.get(parent__isnull=True).pk,
        kind="achievement",
        achievement_id=published.pk,
    )
    pathway_services.pathway_activate(actor=issuer, pathway_id=pathway.pk)
    pathway_services.pathway_evaluate_learners(pathway_id=pathway.pk)
    completion = pathway.completions.get(learner=learner)

    people_: dict[str, User | None] = {
        "anonymous": None,
        "learner": learner,
        "other_learner": other_learner,
        **{k: staff[k] for k in ("owner", "designer", "assessor", "issuer")},
        "recruiter": recruiter,
        "other_owner": other_owner,
        "site_admin": site_admin,
    }
    ids = {
        "org": org.pk,
        "employer": employer.pk,
        "achievement": published.pk,
        "assessed": assessed.pk,
        "one": 1,
        "png": "png",
        "linkedin": "linkedin",
        "signature": "signature",
        "image": published.current_version.image_id,  # type: ignore[union-attr]
        "status_list": held.status_list_id,
        "credential": held.pk,
        "public_credential": shown.pk,
        "pending_credential": pending.pk,
        "application": application.pk,
        "application_row_version": application.row_version,
        "evidence": evidence.pk,
        "imported": imported.pk,
        "imported_baked": imported_baked.pk,
        "talent_profile": talent.pk,
        "profile": profile.pk,
        "bulk_job": job.pk,
        "invite_code": code.pk,
        "submission": submission.pk,
        "batch": batch,
        "claim_token": token,
        "exchange_token": exchange_token(WalletItem.objects.get(credential=shown)),
        "designer_id": staff["designer"].pk,
        "webhook": webhook.pk,
        "webhook_delivery": webhook_delivery.pk,
        "api_token": api_token.pk,
        "lti_platform": lti_platform.pk,
        "pathway": pathway.pk,
        "requirement": requirement.pk,
        "completion": completion.pk,
        "skill": Skill.objects.order_by("key").first().key,  # type: ignore[union-attr]
    }
    return World(people=people_, ids=ids)


def _baked_png(credential: Credential) -> bytes:
    return bake_png(png_bytes(), credential.document)


def _assessed(staff: dict[str, User]) -> Achievement:
    draft = achievement_services.achievement_create(
        actor=staff["designer"],
        organisation_id=staff["owner"].memberships.first().organisation_id,  # type: ignore[attr-defined]
        data=version_data("Evidence-based badge"),
        image=generated(),
    )
    earning_services.assessment_save(
        actor=staff["designer"], achievement_id=draft.pk, requirements=REQUIREMENTS, rubric=RUBRIC
    )
    achievement_services.achievement_publish(actor=staff["designer"], achievement_id=draft.pk)
    earning_services.access_policy_set(
        actor=staff["designer"], achievement_id=draft.pk, mode=AccessPolicy.Mode.OPEN
    )
    draft.refresh_from_db()
    return draft


# --- trying it ----------------------------------------------------------------------------------


def _allowed(response: Any) -> bool:
    if response.streaming:
        b"".join(response.streaming_content)
    if response.status_code in {401, 403, 404}:
        return False
    location = response.get("Location", "") if response.status_code in {301, 302, 303} else ""
    return not location.startswith(reverse("account_login"))


def _try(client: Client, method: str, url: str, data: dict[str, Any] | None = None) -> bool:
    with transaction.atomic():
        response = client.get(url) if method == "GET" else client.post(url, data or {})
        transaction.set_rollback(True)
    assert response.status_code != 405, f"{method} {url}: the route does not offer {method}"
    return _allowed(response)


def _client(user: User | None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _url(world: World, name: str, route: Route) -> str:
    return reverse(name, args=[world.ids[a] for a in route.args]) + route.query


@pytest.mark.parametrize("person", PEOPLE)
def test_who_may_use_each_route(world: World, person: str) -> None:
    client = _client(world.people[person])
    wrong: dict[str, str] = {}
    for name, route in sorted(MATRIX.items()):
        for method, policy in (("GET", route.get), ("POST", route.post)):
            if policy is None:
                continue
            data = {k: world.ids[v] for k, v in route.data}
            allowed = _try(client, method, _url(world, name, route), data)
            if allowed != (person in policy):
                wrong[f"{method} {name}"] = "allowed" if allowed else "denied"
    assert wrong == {}


@pytest.mark.parametrize("person", PEOPLE)
def test_private_badges_answer_nobody_on_public_routes(world: World, person: str) -> None:
    client = _client(world.people[person])
    assert {
        name: _try(client, "GET", _url(world, name, route)) for name, route in PRIVATE.items()
    } == dict.fromkeys(PRIVATE, False)


def test_public_urls_carry_no_sequential_ids() -> None:
    """Every public route (one anybody may use) names its objects by UUID or a secret token."""
    for name, route in MATRIX.items():
        if route.get == EVERYONE or route.post == EVERYONE:
            pattern = str(_pattern(name))
            assert "<int:" not in pattern or name == "public:achievement_version", name


def _pattern(name: str) -> Any:
    namespace, _, short = name.rpartition(":")
    resolver = get_resolver()
    if namespace:
        prefix, resolver = resolver.namespace_dict[namespace]
        return prefix + str(
            next(p.pattern for p in resolver.url_patterns if getattr(p, "name", None) == short)
        )
    return (
        next(p.pattern for p in resolver.url_patterns if getattr(p, "name", None) == short)
        or uuid.uuid4()
    )


# --- CSRF and framing, on the same routes -----------------------------------------------------

#: POST routes without a CSRF token, on purpose: the public verifier (its JSON API and its
#: forms) acts for nobody — it changes no one's data and reads no one's account — so a forged
#: submission gains an attacker nothing, and the page works for visitors who block cookies.
CSRF_EXEMPT = {
    "api:verify_badge",
    "verification:verify",
    "verification:resume",
    # the VC-API verifiers, for the same reason
    "api:vc_credentials_verify",
    "api:vc_presentations_verify",
    "issuer_api:vc_credentials_verify",
    "issuer_api:vc_presentations_verify",
    # LTI 1.3: the login and the launch are cross-site posts from the learning platform by
    # design, checked by the OIDC state cookie, the nonce and the platform's signature; the
    # instructor's forms (link, deep link) carry the secret id of their validated launch
    # instead of a CSRF token (a CSRF cookie would be a third-party cookie in the LMS frame).
    "lti:login",
    "lti:launch",
    "lti:link",
    "lti:deep_link",
    # OAuth 2.0 endpoints called by other servers (client registration, the token and
    # revocation endpoints): authenticated by client credentials and PKCE, never by cookie.
    "obapi:register",
    "obapi:token",
    "obapi:revoke",
}
#: The one route made to be framed by other sites (the badge card for blogs and portfolios).
FRAMEABLE = {"sharing:embed"}
#: Framed by this site only: the live previews of the sharing toolkit.
SAME_ORIGIN_FRAMEABLE = {"sharing:snippet_preview"}


def _first_allowed(policy: frozenset[str]) -> str:
    return next(p for p in PEOPLE if p in policy)


def test_every_form_route_enforces_csrf(world: World) -> None:
    """Signed in as someone who may post, but without the CSRF token: refused with 403."""
    unprotected = []
    for name, route in sorted(MATRIX.items()):
        if not route.post or name in CSRF_EXEMPT:
            continue
        client = Client(enforce_csrf_checks=True)
        person = world.people[_first_allowed(route.post)]
        if person is not None:
            client.force_login(person)
        with transaction.atomic():
            data = {k: world.ids[v] for k, v in route.data}
            response = client.post(_url(world, name, route), data)
            transaction.set_rollback(True)
        if response.status_code != 403:
            unprotected.append(name)
    assert unprotected == []


def test_pages_refuse_to_be_framed_except_the_embed(world: World) -> None:
    framable = []
    for name, route in sorted(MATRIX.items()):
        if not route.get:
            continue
        client = _client(world.people[_first_allowed(route.get)])
        response = client.get(_url(world, name, route))
        if response.streaming:
            b"".join(response.streaming_content)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        policy = response.get("Content-Security-Policy", "")
        if name in SAME_ORIGIN_FRAMEABLE:
            assert response.get("X-Frame-Options") == "SAMEORIGIN", name
            assert "frame-ancestors 'self'" in policy, name
        elif response.get("X-Frame-Options") != "DENY" or "frame-ancestors 'none'" not in policy:
            framable.append(name)
    assert framable == sorted(FRAMEABLE)
