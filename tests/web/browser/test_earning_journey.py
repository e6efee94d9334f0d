"""The earning journey in a real browser (Debian's chromium, JavaScript off).

A learner applies with a file and a URL; an assessor returns it with feedback; the learner
resubmits; a second assessor approves; the credential carries the result and the evidence.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core import mail

from insignia.web.achievements import services as achievement_services
from insignia.web.awards.verification import credential_verify
from insignia.web.earning import services
from insignia.web.earning.models import AccessPolicy, Application, EvidenceItem, EvidenceKind
from insignia.web.issuers.models import Role
from insignia.web.issuers.services import membership_grant, organisation_create
from tests.web.conftest import PASSWORD, generated, version_data
from tests.web.earning.conftest import RUBRIC, pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _badge(make_user: Any) -> tuple[Any, Any, Any]:
    owner = make_user("owner@northbridge.example", "Olivia Owner")
    first = make_user("priya@northbridge.example", "Priya Raman")
    second = make_user("sasha@northbridge.example", "Sasha Second")
    org = organisation_create(
        actor=owner,
        name="Northbridge University",
        url="https://northbridge.example",
        email="badges@northbridge.example",
    )
    for person in (first, second):
        membership_grant(
            actor=owner, organisation_id=org.pk, email=person.email, roles=[Role.ASSESSOR]
        )
    badge = achievement_services.achievement_create(
        actor=owner, organisation_id=org.pk, data=version_data(), image=generated()
    )
    services.assessment_save(
        actor=owner,
        achievement_id=badge.pk,
        requirements=[
            services.RequirementData(
                prompt="Your analysis report", kind=EvidenceKind.FILE, file_types=("pdf",)
            ),
            services.RequirementData(prompt="Link to your notebook", kind=EvidenceKind.URL),
        ],
        rubric=RUBRIC,
    )
    achievement_services.achievement_publish(actor=owner, achievement_id=badge.pk)
    services.access_policy_set(actor=owner, achievement_id=badge.pk, mode=AccessPolicy.Mode.OPEN)
    return badge, first, second


def _sign_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def _review(
    page: Any, base: str, org_id: Any, levels: list[str], decision: str, feedback: str
) -> None:
    page.goto(f"{base}/orgs/{org_id}/reviews/")
    page.get_by_role("link", name="Lee Learner").click()
    page.get_by_role("button", name="Start the review").click()
    assert "The application is yours to review." in page.content()
    for criterion, level in zip(
        ("Data cleaning", "Analysis", "Communication"), levels, strict=True
    ):
        page.get_by_role("group", name=criterion).get_by_label(level).check()
    page.get_by_role("group", name="Decision").get_by_label(decision).check()
    page.get_by_label("Feedback to the learner").fill(feedback)
    page.get_by_role("button", name="Record decision").click()
    assert "Your review is recorded." in page.content()


def test_apply_return_resubmit_approve(new_page: Any, live_server: Any, make_user: Any) -> None:
    base = live_server.url
    badge, first, second = _badge(make_user)
    make_user("lee@example.com", "Lee Learner")

    # The learner finds the badge, applies with a file and a URL, and submits.
    learner = new_page()
    _sign_in(learner, base, "lee@example.com")
    learner.goto(f"{base}/badges/{badge.pk}/")
    learner.get_by_role("link", name="Apply for this badge").click()
    assert learner.get_by_role(
        "heading", name="How it is judged: Practical assessment"
    ).is_visible()
    learner.get_by_role("button", name="Start my application").click()
    learner.get_by_label("Your analysis report").set_input_files(
        files=[{"name": "bus-report.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
    )
    learner.get_by_label("Link to your notebook").fill("https://notebooks.example/lee/v1")
    learner.get_by_role("button", name="Submit for assessment").click()
    assert "Submitted. We will email you when an assessor has decided." in learner.content()
    application = Application.objects.get()
    assert application.state == "submitted"

    # The first assessor returns it with feedback.
    assessor = new_page()
    _sign_in(assessor, base, first.email)
    _review(
        assessor,
        base,
        badge.organisation_id,
        ["Developing (1 point)", "Developing (1 point)", "Proficient (2 points)"],
        "Return for changes",
        "Show how you cleaned the data.",
    )
    assert any("needs changes" in m.subject for m in mail.outbox)

    # The learner reads the feedback, changes the link and resubmits.
    learner.goto(f"{base}/applications/")
    learner.get_by_role("link", name="Python for Data Analysis").click()
    assert "Returned for changes." in learner.content()
    assert "Show how you cleaned the data." in learner.content()
    assert "bus-report.pdf" in learner.content()  # the file carries over
    learner.get_by_label("Link to your notebook").fill("https://notebooks.example/lee/v2")
    learner.get_by_role("button", name="Resubmit").click()
    assert "Submitted." in learner.content()

    # A second assessor approves.
    other = new_page()
    _sign_in(other, base, second.email)
    _review(
        other,
        base,
        badge.organisation_id,
        ["Proficient (2 points)", "Exemplary (3 points)", "Proficient (2 points)"],
        "Approve",
        "Thorough and clear.",
    )
    application.refresh_from_db()
    assert application.state == "approved" and application.revision == 2

    # The learner has the badge; the credential carries the result and the evidence.
    learner.goto(f"{base}/applications/{application.pk}/")
    assert "Approved." in learner.content()
    learner.get_by_role("link", name="your wallet").click()
    assert "Practical assessment: 7 of 9" in learner.content()
    assert "Data cleaning: Proficient" in learner.content()
    credential = application.credential
    assert credential is not None and credential_verify(credential=credential).valid
    doc = json.loads(credential.document)
    assert doc["credentialSubject"]["result"][0]["value"] == "7"
    evidence = {e["name"]: e["id"] for e in doc["evidence"]}
    items = {i.requirement.prompt: i for i in EvidenceItem.objects.filter(revision=2)}
    assert evidence.keys() == items.keys()
    assert all(url.endswith(f"/evidence/{items[name].pk}/") for name, url in evidence.items())
    assert items["Link to your notebook"].url == "https://notebooks.example/lee/v2"

    # The evidence link answers nobody else until the learner makes it public.
    visitor = new_page()
    path = f"/evidence/{items['Link to your notebook'].pk}/"
    response = visitor.goto(base + path)
    assert response is not None and response.status == 404
    learner.goto(f"{base}/applications/{application.pk}/")
    learner.get_by_role("button", name=re.compile(r"Make public\s*: Link to your notebook")).click()
    response = visitor.goto(base + path)
    assert response is not None and response.status == 200
    assert "https://notebooks.example/lee/v2" in visitor.content()
