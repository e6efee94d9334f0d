"""The whole journey in a real browser, with JavaScript switched off.

A designer creates a badge and publishes it, an issuer awards it, the learner claims it with a
new account and makes it public, and an anonymous visitor sees it verified.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail

from insignia.web.accounts.models import User
from insignia.web.achievements.models import Achievement
from insignia.web.awards.models import Credential
from insignia.web.issuers.models import Role
from insignia.web.issuers.services import membership_grant, organisation_create
from tests.web.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _people(make: Any) -> tuple[User, User, Any]:
    owner = make("owner@northbridge.example", "Olivia Owner")
    designer = make("designer@northbridge.example", "Dana Designer")
    issuer = make("issuer@northbridge.example", "Ian Issuer")
    org = organisation_create(
        actor=owner,
        name="Northbridge University",
        url="https://northbridge.example",
        email="badges@northbridge.example",
    )
    membership_grant(
        actor=owner, organisation_id=org.pk, email=designer.email, roles=[Role.DESIGNER]
    )
    membership_grant(actor=owner, organisation_id=org.pk, email=issuer.email, roles=[Role.ISSUER])
    return designer, issuer, org


def _sign_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def test_design_award_claim_share_verify(new_page: Any, live_server: Any, make_user: Any) -> None:
    base = live_server.url
    designer, issuer, org = _people(make_user)

    # A designer designs the badge (keyboard first: the skip link is the first stop).
    designer_page = new_page()
    _sign_in(designer_page, base, designer.email)
    designer_page.goto(f"{base}/orgs/{org.pk}/")
    designer_page.keyboard.press("Tab")
    assert designer_page.evaluate("document.activeElement.textContent") == "Skip to main content"
    designer_page.get_by_role("link", name="Design a badge").first.click()
    designer_page.get_by_label("Badge name").fill("Public Speaking")
    designer_page.get_by_label("Description").fill("Speaks clearly and confidently to an audience.")
    designer_page.get_by_label("Criteria").fill("Deliver three assessed talks of ten minutes.")
    designer_page.get_by_label("Type of achievement").select_option("Competency")
    designer_page.get_by_label("Skill", exact=True).first.fill("Present to an audience")
    designer_page.get_by_label("Skill URL").first.fill("https://skills.example/present")
    designer_page.get_by_label("Icon").select_option("bulb")
    designer_page.get_by_role("button", name="Save draft").click()
    designer_page.get_by_role("button", name="Publish version 1").click()
    assert "Published. Issuers can award this version now." in designer_page.content()
    achievement = Achievement.objects.get()
    assert achievement.state == "published"

    # An issuer awards it.
    issuer_page = new_page()
    _sign_in(issuer_page, base, issuer.email)
    issuer_page.goto(f"{base}/manage/badges/{achievement.pk}/award/")
    issuer_page.get_by_role("button", name="Award and sign").click()
    assert "Confirm that the person met the criteria." in issuer_page.content()
    issuer_page.get_by_label("Recipient’s email").fill("sam.learner@example.com")
    issuer_page.get_by_label("Result").fill("Merit")
    issuer_page.get_by_label("I confirm this person met the criteria.").check()
    issuer_page.get_by_role("button", name="Award and sign").click()
    assert "Awarded and signed." in issuer_page.content()
    credential = Credential.objects.get()

    # The learner follows the emailed link and creates an account.
    [message] = mail.outbox
    path = re.search(r"https?://[^/\s]+(/claim/[\w-]+/)", message.body)
    assert path is not None
    learner_page = new_page()
    learner_page.goto(base + path.group(1))
    assert learner_page.get_by_role("heading", name="Public Speaking").is_visible()
    learner_page.get_by_label("Full name").fill("Sam Learner")
    learner_page.get_by_label("Choose a password").fill("a-long-unusual-passphrase")
    learner_page.get_by_role("button", name="Create account and accept").click()
    assert "the badge is in your wallet" in learner_page.content()
    learner_page.get_by_role("button", name="Make public").click()
    assert "The badge is public" in learner_page.content()

    # An anonymous visitor sees it, verified by the engine on this request.
    visitor = new_page()
    visitor.goto(f"{base}/credentials/{credential.pk}/")
    assert visitor.get_by_role("heading", name="Public Speaking").is_visible()
    assert visitor.get_by_role("heading", name="Verified").is_visible()
    assert "Merit" in visitor.content()
    assert visitor.get_by_role("img", name="Public Speaking badge").first.is_visible()

    # Once private again, the page is gone for everyone.
    learner_page.get_by_role("button", name="Make private").click()
    response = visitor.goto(f"{base}/credentials/{credential.pk}/")
    assert response is not None and response.status == 404
