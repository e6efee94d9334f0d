"""The issuer REST API: badges, awards, revocation, bulk jobs — within the token's organisation."""

from __future__ import annotations

import uuid

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from insignia.web.achievements import services as achievement_services
from insignia.web.awards import services as award_services
from insignia.web.awards.models import Credential
from insignia.web.bulk.models import BulkJob
from insignia.web.issuers.models import AuditEvent, Membership, Role
from insignia.web.issuers.services import membership_grant
from tests.web.bulk.conftest import csv_bytes, people
from tests.web.conftest import generated, version_data

BADGE = {
    "name": "Data Wrangling",
    "description": "Cleans messy data.",
    "criteria": "Clean three real data sets.",
    "achievement_type": "Badge",
    "tags": ["data"],
    "alignments": [{"target_name": "Clean data", "target_url": "https://esco.example/clean"}],
    "design": {"colour": "#0f766e", "icon": "code"},
}


def award(api, published, email="sam@example.com", **extra):
    return api.post(
        "/api/v1/credentials",
        {"achievement_id": str(published.pk), "recipient_email": email, **extra},
    )


# --- achievements ----------------------------------------------------------------------------


def test_create_update_publish_an_achievement(api, org, owner):
    created = api.post("/api/v1/achievements", BADGE)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "draft" and body["version"] == 1 and body["has_draft"]
    assert body["published_version"] is None and body["url"] is None
    assert body["alignments"][0]["target_name"] == "Clean data"
    assert body["image"].startswith("http://testserver/")
    pk = body["id"]
    event = AuditEvent.objects.get(action="achievement.created")
    assert event.actor == owner and event.detail["token"].startswith("ins_")

    published = api.post(f"/api/v1/achievements/{pk}/publish")
    assert published.status_code == 200
    assert published.json()["state"] == "published" and published.json()["published_version"] == 1

    edited = api.put(f"/api/v1/achievements/{pk}", {**BADGE, "name": "Data Wrangling II"})
    assert edited.status_code == 200
    assert edited.json()["name"] == "Data Wrangling II"
    assert edited.json()["version"] == 2 and edited.json()["published_version"] == 1
    assert edited.json()["has_draft"]

    got = api.get(f"/api/v1/achievements/{pk}")
    assert got.status_code == 200 and got.json()["version"] == 2


def test_publishing_twice_is_refused_with_a_code(api, published):
    response = api.post(f"/api/v1/achievements/{published.pk}/publish")
    assert response.status_code == 422
    assert response.json()["code"] == "rule.refused" and response.json()["message"]


def test_malformed_body_is_422_with_errors(api, org):
    response = api.post("/api/v1/achievements", {"name": ""})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "request.invalid" and body["errors"]


def test_list_achievements_pages(api, org, staff):
    for i in range(5):
        achievement_services.achievement_create(
            actor=staff["designer"],
            organisation_id=org.pk,
            data=version_data(f"Badge {i}"),
            image=generated(),
        )
    first = api.get("/api/v1/achievements", limit=2).json()
    assert first["count"] == 5 and len(first["items"]) == 2
    assert first["next"].endswith("limit=2&offset=2")
    seen = [a["id"] for a in first["items"]]
    offset = 2
    while True:
        page = api.get("/api/v1/achievements", limit=2, offset=offset).json()
        seen += [a["id"] for a in page["items"]]
        if page["next"] is None:
            break
        offset += 2
    assert len(seen) == len(set(seen)) == 5
    assert api.get("/api/v1/achievements", limit=0).status_code == 400
    assert api.get("/api/v1/achievements", limit=500).json()["code"] == "request.invalid_paging"
    drafts = api.get("/api/v1/achievements", state="draft").json()
    assert drafts["count"] == 5


def test_designer_token_cannot_award(api_as, make_token, org, staff, published):
    """Scopes are checked against the creator's role: a designer's token may not issue."""
    membership_grant(
        actor=staff["owner"],
        organisation_id=org.pk,
        email=staff["designer"].email,
        roles=[Role.OWNER],
    )
    _, secret = make_token(["credentials:issue"], actor=staff["designer"])
    Membership.objects.filter(user=staff["designer"], role=Role.OWNER).delete()
    response = award(api_as(secret), published)
    assert response.status_code == 403
    assert response.json()["code"] == "token.creator_lacks_role"


# --- credentials -----------------------------------------------------------------------------


def test_award_signs_stores_and_emails(api, published, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = award(api, published, recipient_name="Sam Learner", result="Merit")
    assert response.status_code == 201, response.content
    body = response.json()
    credential = Credential.objects.get(pk=body["id"])
    assert body["credential_id"] == f"urn:uuid:{credential.pk}"
    assert body["status"] == "valid" and body["recipient_email"] == "sam@example.com"
    assert body["document"]["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    assert credential.issued_by == owner
    assert len(mail.outbox) == 1
    event = AuditEvent.objects.get(action="credential.issued")
    assert event.actor == owner and event.detail["token"].startswith("ins_")


def test_award_checks_its_input(api, published, org, staff):
    draft = achievement_services.achievement_create(
        actor=staff["designer"],
        organisation_id=org.pk,
        data=version_data("Draft"),
        image=generated(),
    )
    bad = award(api, published, email="not-an-address")
    assert bad.status_code == 422 and bad.json()["code"] == "request.invalid"
    unpublished = award(api, draft)
    assert unpublished.status_code == 422 and unpublished.json()["code"] == "rule.refused"
    unknown = api.post(
        "/api/v1/credentials",
        {"achievement_id": str(uuid.uuid4()), "recipient_email": "a@example.com"},
    )
    assert unknown.status_code == 404 and unknown.json() == {
        "code": "not_found",
        "message": "Not found.",
    }


@pytest.fixture
def issued(published, staff):
    return [
        award_services.credential_issue(
            actor=staff["issuer"],
            achievement_id=published.pk,
            recipient_email=f"learner{i}@example.com",
        )
        for i in range(5)
    ]


def test_list_credentials_pages_and_filters(api, issued):
    page = api.get("/api/v1/credentials", limit=2).json()
    assert page["count"] == 5 and len(page["items"]) == 2 and page["next"]
    ids = [c["id"] for c in page["items"]]
    rest = api.get("/api/v1/credentials", limit=2, offset=2).json()["items"]
    rest += api.get("/api/v1/credentials", limit=2, offset=4).json()["items"]
    assert len(set(ids + [c["id"] for c in rest])) == 5
    one = api.get("/api/v1/credentials", recipient_email="LEARNER3@example.com").json()
    assert [c["recipient_email"] for c in one["items"]] == ["learner3@example.com"]
    assert api.get("/api/v1/credentials", status="bogus").status_code == 400


def test_revoke_one_suspend_reinstate(api, issued, owner):
    first, second = issued[0], issued[1]
    missing_reason = api.post(f"/api/v1/credentials/{first.pk}/revoke", {})
    assert missing_reason.status_code == 422
    revoked = api.post(f"/api/v1/credentials/{first.pk}/revoke", {"reason": "Exam misconduct"})
    assert revoked.status_code == 200, revoked.content
    assert revoked.json()["status"] == "revoked"
    assert revoked.json()["revocation_reason"] == "Exam misconduct"
    event = AuditEvent.objects.get(action="credential.revoked")
    assert event.actor == owner and event.detail["token"].startswith("ins_")
    again = api.post(f"/api/v1/credentials/{first.pk}/revoke", {"reason": "Twice"})
    assert again.status_code == 422 and again.json()["code"] == "rule.refused"

    suspended = api.post(f"/api/v1/credentials/{second.pk}/suspend", {"reason": "Under review"})
    assert suspended.status_code == 200 and suspended.json()["status"] == "suspended"
    listed = api.get("/api/v1/credentials", status="suspended").json()
    assert [c["id"] for c in listed["items"]] == [str(second.pk)]
    reinstated = api.post(f"/api/v1/credentials/{second.pk}/reinstate")
    assert reinstated.status_code == 200 and reinstated.json()["status"] == "valid"
    assert api.get("/api/v1/credentials", status="revoked").json()["count"] == 1
    assert api.get("/api/v1/credentials", status="active").json()["count"] == 4


def test_revoke_many(api, issued):
    ids = [str(c.pk) for c in issued[:3]]
    response = api.post("/api/v1/credentials/revoke", {"credential_ids": ids, "reason": "Void"})
    assert response.status_code == 200 and response.json() == {"revoked": 3}
    assert Credential.objects.filter(revoked_at__isnull=False).count() == 3
    events = AuditEvent.objects.filter(action="credential.revoked")
    assert events.count() == 3 and all(e.detail.get("token") for e in events)


# --- isolation between organisations -----------------------------------------------------------


@pytest.fixture
def foreign(other_org, staff):
    """A badge and an award of another organisation, where our issuer is also an owner."""
    owner_b = Membership.objects.get(organisation=other_org).user
    membership_grant(
        actor=owner_b, organisation_id=other_org.pk, email=staff["owner"].email, roles=[Role.OWNER]
    )
    achievement = achievement_services.achievement_create(
        actor=owner_b,
        organisation_id=other_org.pk,
        data=version_data("Elsewhere"),
        image=generated(),
    )
    achievement_services.achievement_publish(actor=owner_b, achievement_id=achievement.pk)
    credential = award_services.credential_issue(
        actor=owner_b, achievement_id=achievement.pk, recipient_email="x@example.com"
    )
    return achievement, credential


def test_other_organisations_objects_are_404(api, foreign, issued):
    """The token's creator also owns the other organisation; the token still never reaches it."""
    achievement, credential = foreign
    assert api.get(f"/api/v1/achievements/{achievement.pk}").status_code == 404
    assert api.post(f"/api/v1/achievements/{achievement.pk}/publish").status_code == 404
    assert api.put(f"/api/v1/achievements/{achievement.pk}", BADGE).status_code == 404
    assert award(api, achievement).status_code == 404
    assert api.get(f"/api/v1/credentials/{credential.pk}").status_code == 404
    assert (
        api.post(f"/api/v1/credentials/{credential.pk}/revoke", {"reason": "x"}).status_code == 404
    )
    assert (
        api.post(f"/api/v1/credentials/{credential.pk}/suspend", {"reason": "x"}).status_code == 404
    )
    assert api.post(f"/api/v1/credentials/{credential.pk}/reinstate").status_code == 404
    mixed = [str(issued[0].pk), str(credential.pk)]
    many = api.post("/api/v1/credentials/revoke", {"credential_ids": mixed, "reason": "x"})
    assert many.status_code == 404
    assert not Credential.objects.filter(revoked_at__isnull=False).exists()
    listed = api.get("/api/v1/credentials").json()
    assert str(credential.pk) not in {c["id"] for c in listed["items"]}
    assert listed["count"] == 5
    assert all(
        a["id"] != str(achievement.pk) for a in api.get("/api/v1/achievements").json()["items"]
    )


# --- bulk jobs -------------------------------------------------------------------------------


def upload(api, published, rows, *, start=False, name="cohort.csv"):
    data = csv_bytes(rows)
    return api.post(
        "/api/v1/bulk-jobs",
        data={
            "file": SimpleUploadedFile(name, data, content_type="text/csv"),
            "achievement_id": str(published.pk),
            "start": "true" if start else "false",
        },
    )


def test_bulk_job_dry_run_and_report(api, published):
    rows = [*people(3), ["not-an-email", "Bad Row", "", "", "", ""]]
    response = upload(api, published, rows)
    assert response.status_code == 201, response.content
    job = response.json()
    assert job["state"] == "checked" and job["total"] == 4
    assert job["valid"] == 3 and job["invalid"] == 1
    assert job["mapping"]["email"] == 0
    report = api.get(f"/api/v1/bulk-jobs/{job['id']}/report", limit=10).json()
    assert report["count"] == 4
    bad = next(r for r in report["items"] if r["row"] == 5)
    assert bad["outcome"] == "not issued: problems" and bad["problems"]
    first = api.get(f"/api/v1/bulk-jobs/{job['id']}/report", limit=1, offset=0).json()
    assert first["items"][0]["row"] == 2 and first["next"]
    again = upload(api, published, rows)
    assert again.status_code == 200 and again.json()["id"] == job["id"]  # same file, same job


def test_bulk_job_start_and_progress(api, published, django_capture_on_commit_callbacks):
    from insignia.web.bulk import services as bulk_services

    with django_capture_on_commit_callbacks(execute=False):
        response = upload(api, published, people(3), start=True)
    assert response.status_code == 201
    job_id = response.json()["id"]
    assert response.json()["state"] == "queued"
    bulk_services.bulk_job_run(job_id=job_id)  # what the worker does
    progress = api.get(f"/api/v1/bulk-jobs/{job_id}").json()
    assert progress["state"] == "done" and progress["issued"] == 3 and progress["percent"] == 100
    report = api.get(f"/api/v1/bulk-jobs/{job_id}/report").json()
    assert all(r["outcome"] == "issued" and r["credential"] for r in report["items"])
    assert AuditEvent.objects.filter(
        action="bulk.started", detail__token__startswith="ins_"
    ).exists()
    revoked = api.post(f"/api/v1/bulk-jobs/{job_id}/revoke", {"reason": "Wrong cohort"})
    assert revoked.status_code == 200 and revoked.json() == {"revoked": 3}
    assert Credential.objects.filter(revocation_reason="Wrong cohort").count() == 3
    events = AuditEvent.objects.filter(action="credential.revoked")
    assert events.count() == 3 and all(e.detail.get("token") for e in events)


def test_bulk_job_start_later(api, published, django_capture_on_commit_callbacks):
    job_id = upload(api, published, people(2)).json()["id"]
    with django_capture_on_commit_callbacks(execute=False):
        started = api.post(f"/api/v1/bulk-jobs/{job_id}/start")
    assert started.status_code == 200 and started.json()["state"] == "queued"
    twice = api.post(f"/api/v1/bulk-jobs/{job_id}/start")
    assert twice.status_code == 422 and twice.json()["code"] == "rule.refused"


def test_bulk_jobs_need_the_bulk_scope_and_stay_in_the_organisation(
    api_as, make_token, published, foreign
):
    _, read_only = make_token(["credentials:read"])
    assert upload(api_as(read_only), published, people(1)).status_code == 403
    _, secret = make_token(["bulk:write"])
    achievement, _ = foreign
    assert upload(api_as(secret), achievement, people(1)).status_code == 404
    job = BulkJob.objects.create(
        organisation=achievement.organisation,
        achievement=achievement,
        file_name="x.csv",
        file_hash="0" * 64,
    )
    assert api_as(secret).get(f"/api/v1/bulk-jobs/{job.pk}").status_code == 404
    assert api_as(secret).get(f"/api/v1/bulk-jobs/{job.pk}/report").status_code == 404
    assert api_as(secret).post(f"/api/v1/bulk-jobs/{job.pk}/start").status_code == 404
    assert (
        api_as(secret).post(f"/api/v1/bulk-jobs/{job.pk}/revoke", {"reason": "x"}).status_code
        == 403  # revoking needs credentials:revoke
    )
    _, revoker = make_token(["credentials:revoke"])
    assert (
        api_as(revoker).post(f"/api/v1/bulk-jobs/{job.pk}/revoke", {"reason": "x"}).status_code
        == 404
    )


def test_unreadable_bulk_file_is_422(api, published):
    response = api.post(
        "/api/v1/bulk-jobs",
        data={
            "file": SimpleUploadedFile("x.pdf", b"%PDF-1.4", content_type="application/pdf"),
            "achievement_id": str(published.pk),
        },
    )
    assert response.status_code == 422 and response.json()["code"] == "rule.refused"


def test_issuer_operations_are_limited_per_token(make_token, api_as, settings) -> None:
    """Each token has its own "api" budget (besides its address's): one busy integration does
    not starve another."""
    from django.core.cache import cache

    cache.clear()
    settings.INSIGNIA_DISABLE_RATE_LIMITS = False
    settings.INSIGNIA_RATE_LIMITS = {"api": "3/m"}
    from django.test import Client

    busy, calm = api_as(make_token()[1]), api_as(make_token(name="Other")[1])
    calm.client = Client(REMOTE_ADDR="198.51.100.9")
    assert [busy.get("/api/v1/achievements").status_code for _ in range(3)] == [200] * 3
    limited = busy.get("/api/v1/credentials")
    assert limited.status_code == 429 and "Retry-After" in limited
    assert calm.get("/api/v1/achievements").status_code == 200
    busy.client = Client(REMOTE_ADDR="198.51.100.10")  # the same token from elsewhere
    assert busy.get("/api/v1/achievements").status_code == 429
    cache.clear()
