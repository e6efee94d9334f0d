"""The LTI 1.3 launch flow end to end against the simulated platform (real RS256 JWTs)."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from insignia.web.achievements.models import Achievement
from insignia.web.awards.models import Credential
from insignia.web.issuers.models import AuditEvent, Organisation
from insignia.web.lti.models import LaunchValue, LtiAward, Platform, ResourceLink
from tests.web.lti.conftest import launch
from tests.web.lti.platform import FakePlatform
from tests.web.test_accessibility import audit

pytestmark = pytest.mark.django_db


def launch_id_of(response: Any) -> str:
    match = re.search(r'name="launch" value="([^"]+)"', response.content.decode())
    assert match, response.content.decode()
    return match.group(1)


def link_activity(
    fake: FakePlatform,
    registration: Platform,
    achievement: Achievement,
    rule: str = "score",
    threshold: int = 70,
    resource_link: str = "rl-1",
) -> ResourceLink:
    """The instructor opens the activity and links it to a badge."""
    client = Client()
    page = launch(client, fake, registration, "teacher", resource_link).response
    assert page.status_code == 200
    page_audit = audit(page.content.decode())
    assert page_audit.scripts == 0 and page_audit.h1 == 1
    assert all(
        c.get("id") in page_audit.label_for for c in page_audit.controls
    ) or page_audit.controls_in_labels == len(page_audit.controls)
    saved = client.post(
        reverse("lti:link", args=[registration.pk]),
        {
            "launch": launch_id_of(page),
            "badge": str(achievement.pk),
            "rule": rule,
            "threshold": threshold,
        },
    )
    assert saved.status_code == 200, saved.content.decode()
    return ResourceLink.objects.get(platform=registration, resource_link_id=resource_link)


def test_login_redirects_to_the_platform_with_state_cookie_and_nonce(
    fake: FakePlatform, registration: Platform
) -> None:
    client = Client()
    response = client.get(
        reverse("lti:login", args=[registration.pk]),
        {"iss": fake.issuer, "login_hint": "ada", "client_id": fake.client_id},
        secure=True,
    )
    assert response.status_code == 302
    assert response["Location"].startswith(fake.url + "/auth?")
    assert "redirect_uri=http%3A%2F%2Ftestserver%2Flti%2F" in response["Location"]
    state = re.search(r"state=(state-[0-9a-f-]+)", response["Location"]).group(1)  # type: ignore[union-attr]
    cookie = response.cookies[f"lti1p3-{state}"]
    # The launch comes back as a cross-site POST: only SameSite=None cookies ride along.
    assert cookie["samesite"] == "None" and cookie["secure"] and cookie["httponly"]
    nonce = re.search(r"nonce=([0-9a-f]+)", response["Location"]).group(1)  # type: ignore[union-attr]
    assert LaunchValue.objects.filter(key=f"lti1p3-nonce-{nonce}").exists()


def test_login_for_another_issuer_or_client_is_refused(
    fake: FakePlatform, registration: Platform
) -> None:
    url = reverse("lti:login", args=[registration.pk])
    other_issuer = Client().get(url, {"iss": "https://evil.example", "login_hint": "ada"})
    other_client = Client().get(
        url, {"iss": fake.issuer, "login_hint": "ada", "client_id": "someone-else"}
    )
    assert other_issuer.status_code == other_client.status_code == 400


def test_instructor_links_the_activity_then_a_completed_learner_is_awarded_exactly_once(
    fake: FakePlatform, registration: Platform, published: Achievement
) -> None:
    link = link_activity(fake, registration, published, threshold=70)
    assert (link.rule, link.threshold_percent, link.achievement) == ("score", 70, published)
    assert (link.context_title, link.title, link.configured_by_sub) == (
        "Data Analysis 101",
        "Final quiz",
        "u-teacher",
    )
    fake.results[("rl-1", "u-ada")] = (85, 100)

    first = launch(Client(), fake, registration, "ada").response
    assert first.status_code == 200
    assert "you have earned this badge" in first.content.decode()
    credential = Credential.objects.get(achievement=published)
    assert credential.recipient_email == "ada@school.example"
    assert credential.recipient_name == "Ada Learner"
    award = LtiAward.objects.get()
    assert (award.user_sub, award.credential, str(award.score_percent)) == (
        "u-ada",
        credential,
        "85.00",
    )
    event = AuditEvent.objects.get(action="credential.issued", object_id=str(credential.pk))
    assert event.detail["lti"] == "dep-1/rl-1"
    assert event.actor == registration.responsible

    # The token endpoint only accepted an assertion signed with the tool's key.
    assert len(fake.seen_jtis) == 1

    again = launch(Client(), fake, registration, "ada").response
    assert again.status_code == 200
    assert "You have earned this badge" in again.content.decode()
    assert Credential.objects.filter(achievement=published).count() == 1
    assert LtiAward.objects.count() == 1


def test_learner_below_the_threshold_is_not_awarded_and_sees_what_is_missing(
    fake: FakePlatform, registration: Platform, published: Achievement
) -> None:
    link_activity(fake, registration, published, threshold=70)
    fake.results[("rl-1", "u-bob")] = (13, 20)  # 65 %
    page = launch(Client(), fake, registration, "bob").response
    text = page.content.decode()
    assert page.status_code == 200
    assert "not earned this badge yet" in text
    assert "at least 70%" in text and "65.00%" in text
    assert not Credential.objects.exists() and not LtiAward.objects.exists()

    fake.results[("rl-1", "u-bob")] = (14, 20)  # 70 %: now it counts
    assert (
        "you have earned this badge"
        in launch(Client(), fake, registration, "bob").response.content.decode()
    )
    assert Credential.objects.get().recipient_email == "bob@school.example"


def test_no_result_recorded_yet_is_not_awarded(
    fake: FakePlatform, registration: Platform, published: Achievement
) -> None:
    link_activity(fake, registration, published, rule="graded")
    page = launch(Client(), fake, registration, "ada").response
    assert "None recorded yet" in page.content.decode()
    fake.results[("rl-1", "u-ada")] = (0, 10)  # graded, however low: the rule is met
    page = launch(Client(), fake, registration, "ada").response
    assert "you have earned this badge" in page.content.decode()
    assert LtiAward.objects.get().score_percent == 0


def test_launch_without_email_claim_is_not_awarded(
    fake: FakePlatform, registration: Platform, published: Achievement
) -> None:
    link_activity(fake, registration, published)
    fake.results[("rl-1", "u-anon")] = (10, 10)
    page = launch(Client(), fake, registration, "anon").response
    assert "did not share your email address" in page.content.decode()
    assert not Credential.objects.exists()


def test_platform_without_grade_service_awards_nothing(
    fake: FakePlatform, registration: Platform, published: Achievement
) -> None:
    link_activity(fake, registration, published)
    fake.share_ags = False
    fake.results[("rl-1", "u-ada")] = (10, 10)
    page = launch(Client(), fake, registration, "ada").response
    assert "could not be read" in page.content.decode()
    assert not Credential.objects.exists()


def test_token_refused_when_the_platform_holds_another_tool_key(
    fake: FakePlatform, registration: Platform, published: Achievement
) -> None:
    link_activity(fake, registration, published)
    fake.results[("rl-1", "u-ada")] = (10, 10)
    fake.tool_jwks = {"keys": [dict(fake.tool_jwks["keys"][0], n=fake.jwks()["keys"][0]["n"])]}
    page = launch(Client(), fake, registration, "ada").response
    assert "could not be read" in page.content.decode()
    assert any("assertion refused" in line for line in fake.log)
    assert not Credential.objects.exists()


def test_forged_id_token_is_refused(
    fake: FakePlatform, registration: Platform, published: Achievement
) -> None:
    link_activity(fake, registration, published)
    fake.results[("rl-1", "u-ada")] = (10, 10)
    fake.forge = True  # same kid, another key
    page = launch(Client(), fake, registration, "ada").response
    assert page.status_code == 400
    assert "could not be verified" in page.content.decode()
    assert not Credential.objects.exists()


def test_replayed_launch_is_refused(
    fake: FakePlatform, registration: Platform, published: Achievement
) -> None:
    first = launch(Client(), fake, registration, "teacher")
    assert first.response.status_code == 200
    # The nonce was consumed by the launch; the state is still known to pylti1p3 (it lets a
    # validated launch be re-validated), so it is the nonce that refuses the replay.
    assert not LaunchValue.objects.filter(key__startswith="lti1p3-nonce-").exists()
    replay = first.client.post(
        reverse("lti:launch", args=[registration.pk]),
        {"id_token": first.id_token, "state": first.state},
        secure=True,
    )
    assert replay.status_code == 400


def test_wrong_deployment_is_refused(fake: FakePlatform, registration: Platform) -> None:
    fake.deployment_override = "dep-unknown"
    assert launch(Client(), fake, registration, "teacher").response.status_code == 400


def test_launch_without_the_state_cookie_is_refused(
    fake: FakePlatform, registration: Platform
) -> None:
    """Another browser cannot post an id_token obtained in this one (login CSRF)."""
    started = Client()
    login = started.get(
        reverse("lti:login", args=[registration.pk]),
        {"iss": fake.issuer, "login_hint": "ada", "client_id": fake.client_id},
    )
    form = requests.get(login["Location"], timeout=10).text
    fields = dict(re.findall(r'name="(id_token|state)" value="([^"]+)"', form))
    response = Client().post(reverse("lti:launch", args=[registration.pk]), fields)
    assert response.status_code == 400


def test_launch_pages_may_be_framed_by_the_platform_only(
    fake: FakePlatform, registration: Platform
) -> None:
    page = launch(Client(), fake, registration, "teacher").response
    assert "X-Frame-Options" not in page
    csp = page["Content-Security-Policy"]
    assert f"frame-ancestors {fake.url}" in csp
    assert "script-src 'none'" in csp


def test_tool_endpoints_alone_are_csrf_exempt(
    fake: FakePlatform, registration: Platform, org: Organisation, owner: Any
) -> None:
    strict = Client(enforce_csrf_checks=True)
    result = launch(strict, fake, registration, "teacher")
    assert result.response.status_code == 200  # cross-site POST accepted by design
    strict.force_login(owner)
    page = strict.post(reverse("lti:platform_list", args=[org.pk]), {"name": "x"})
    assert page.status_code == 403  # the organisation's pages keep CSRF protection


def test_jwks_serves_the_public_key_only(registration: Platform) -> None:
    keys = Client().get(reverse("lti:jwks", args=[registration.pk])).json()["keys"]
    assert len(keys) == 1
    assert keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256"
    assert keys[0]["kid"] == registration.tool_key_id
    assert "d" not in keys[0] and "p" not in keys[0]


def test_a_revoked_award_is_not_reissued_and_the_learner_is_told(
    fake: FakePlatform, registration: Platform, published: Achievement
) -> None:
    link_activity(fake, registration, published)
    fake.results[("rl-1", "u-ada")] = (10, 10)
    launch(Client(), fake, registration, "ada")
    Credential.objects.update(revoked_at=timezone.now())
    page = launch(Client(), fake, registration, "ada").response
    assert "has since revoked it" in page.content.decode()
    assert Credential.objects.count() == 1
