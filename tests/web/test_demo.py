"""The demo seed: realistic, idempotent, and its learner's public badge verifies."""

from __future__ import annotations

import pytest
from django.test import Client

from insignia.web import demo
from insignia.web.achievements.models import Achievement
from insignia.web.awards.models import Credential
from insignia.web.awards.verification import credential_verify
from insignia.web.issuers.models import Membership, Organisation


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path) -> None:
    """The demo keeps its API token in var/: a temporary one here."""
    settings.VAR_DIR = tmp_path


def test_seed_is_complete_and_idempotent(db) -> None:
    assert demo.seed() is True
    assert demo.seed() is False
    org = Organisation.objects.get(email=demo.ORG_EMAIL)
    assert org.name == "Northbridge University" and org.logo is not None
    assert set(Membership.objects.values_list("role", flat=True)) == {
        "owner",
        "designer",
        "assessor",
        "issuer",
        "recruiter",  # of the employer, Harbour Analytics
    }
    badges = Achievement.objects.filter(state="published")
    assert badges.count() == 4
    for badge in badges:
        version = badge.current_version
        assert version is not None and version.image.has_png and version.alignments.count() >= 2
    credential = Credential.objects.get(recipient_email=demo.LEARNER[0])
    assert credential.recipient_user is not None
    assert credential.wallet_item.is_public
    assert credential_verify(credential=credential).valid


def test_seed_shows_earning_with_evidence(db, settings, tmp_path) -> None:
    import json

    from insignia.web.earning.models import AccessPolicy, Application, EvidenceItem

    settings.INSIGNIA_EVIDENCE_DIR = tmp_path
    demo.seed()
    data = Achievement.objects.get(current_version__name=demo.BADGES[0]["name"])
    version = data.current_version
    assert version.evidence_requirements.count() == 4
    assert version.rubric.criteria.count() == 3 and version.rubric.pass_mark == 6
    assert data.access_policy.mode == AccessPolicy.Mode.OPEN
    sustainability = Achievement.objects.get(current_version__name=demo.BADGES[1]["name"])
    assert sustainability.access_policy.mode == AccessPolicy.Mode.CODE
    assert sustainability.current_version.rubric.kind == "checklist"
    approved = Application.objects.get(state="approved")
    assert approved.learner.email == demo.APPLICANTS[0][0]
    assert credential_verify(credential=approved.credential).valid
    doc = json.loads(approved.credential.document)
    assert doc["credentialSubject"]["result"][0]["value"] == "7"
    assert len(doc["evidence"]) == 4
    waiting = Application.objects.get(state="submitted")
    assert waiting.learner.email == demo.APPLICANTS[1][0]
    stored = EvidenceItem.objects.exclude(file_path="")
    assert stored and all((tmp_path / i.file_path).is_file() for i in stored)


def test_banner_lists_every_login(db) -> None:
    demo.seed()
    banner = demo._banner()
    for email, _, role in demo.STAFF:
        assert email in banner and role in banner
    assert demo.LEARNER[0] in banner and demo.PASSWORD in banner
    assert "/credentials/" in banner
    assert all(email in banner for email, _ in demo.APPLICANTS)
    assert "/reviews/" in banner and "/apply/" in banner and "Invite code:" in banner


def test_seed_has_a_recruiter_who_finds_the_opted_in_learner(db) -> None:
    from insignia.web.talent.selectors import SearchQuery, talent_search

    demo.seed()
    employer = Organisation.objects.get(memberships__role="recruiter")
    assert employer.memberships.get(role="recruiter").user.email == demo.RECRUITER[0]
    found = talent_search(query=SearchQuery(all_skills=("Clean and prepare data sets",))).candidates
    assert [c.profile.user.email for c in found] == [demo.LEARNER[0]]


def test_seed_has_a_pathway_the_learner_is_half_way_along(
    db, django_capture_on_commit_callbacks
) -> None:
    from insignia.web.pathways.models import Pathway, PathwayProgress

    with django_capture_on_commit_callbacks(execute=True):
        demo.seed()
    pathway = Pathway.objects.get(name=demo.PATHWAY)
    assert pathway.is_active and pathway.is_public
    progress = PathwayProgress.objects.get(pathway=pathway, learner__email=demo.LEARNER[0])
    assert (progress.met, progress.total, progress.satisfied) == (1, 2, False)


def test_the_banner_shows_an_api_token_that_works(db) -> None:
    demo.seed()
    line = next(x for x in demo._banner().splitlines() if x.startswith("API token:"))
    token = line.split()[2]
    response = Client().get("/api/v1/achievements", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert len(response.json()["items"]) == 4
