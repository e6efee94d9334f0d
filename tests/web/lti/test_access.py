"""Who may register platforms and link activities, and what the tool refuses to call."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from insignia.web.accounts.models import User
from insignia.web.achievements import services as achievement_services
from insignia.web.achievements.models import Achievement
from insignia.web.awards.models import Credential
from insignia.web.issuers.models import Organisation
from insignia.web.issuers.services import membership_set_roles, organisation_create
from insignia.web.lti.ags import LearnerResult, completion_met
from insignia.web.lti.models import CompletionRule, Platform, ResourceLink
from insignia.web.lti.tool import ForbiddenPlatformURL, check_platform_url, tool_private_key_pem
from tests.web.conftest import generated, version_data
from tests.web.lti.conftest import launch, register
from tests.web.lti.platform import FakePlatform
from tests.web.test_accessibility import audit

pytestmark = pytest.mark.django_db


def launch_id_of(response: Any) -> str:
    match = re.search(r'name="launch" value="([^"]+)"', response.content.decode())
    assert match, response.content.decode()
    return match.group(1)


def post_link(platform: Platform, launch_id: str, badge: Any, **extra: Any) -> Any:
    return Client().post(
        reverse("lti:link", args=[platform.pk]),
        {"launch": launch_id, "badge": str(badge), "rule": "score", "threshold": 50, **extra},
    )


def form_data(fake: FakePlatform, **overrides: str) -> dict[str, str]:
    data = {
        "name": "Moodle (main campus)",
        "issuer": fake.issuer,
        "client_id": fake.client_id,
        "deployment_ids": "dep-1\ndep-2\n",
        "auth_login_url": fake.url + "/auth",
        "access_token_url": fake.url + "/token",
        "auth_audience": "",
        "key_set_url": fake.url + "/jwks",
        "key_set": "",
    }
    data.update(overrides)
    return data


# --- registering a platform -------------------------------------------------------------


def test_issuer_registers_a_platform_and_sees_the_urls_to_paste(
    fake: FakePlatform, org: Organisation, staff: dict[str, User], client_for: Any
) -> None:
    client = client_for(staff["issuer"])
    page = client.get(reverse("lti:platform_list", args=[org.pk]))
    assert page.status_code == 200
    response = client.post(reverse("lti:platform_list", args=[org.pk]), form_data(fake))
    assert response.status_code == 302
    platform = Platform.objects.get()
    assert platform.deployment_ids == ["dep-1", "dep-2"]
    assert platform.responsible == staff["issuer"]
    # The tool's private key is stored encrypted, bound to this registration.
    blob = bytes(platform.tool_private_key_encrypted)
    assert b"PRIVATE KEY" not in blob
    assert "BEGIN PRIVATE KEY" in tool_private_key_pem(platform)
    detail = client.get(response["Location"])
    text = detail.content.decode()
    for name in ("lti:login", "lti:launch", "lti:jwks"):
        assert "http://testserver" + reverse(name, args=[platform.pk]) in text
    page_audit = audit(text)
    assert page_audit.scripts == 0 and page_audit.h1 == 1
    labelled = page_audit.label_for
    assert all(c.get("id") in labelled for c in page_audit.controls)


def test_a_pasted_key_set_replaces_the_key_set_url(
    fake: FakePlatform, org: Organisation, owner: User, client_for: Any
) -> None:
    import json

    pasted = json.dumps(fake.jwks())
    response = client_for(owner).post(
        reverse("lti:platform_list", args=[org.pk]),
        form_data(fake, key_set_url="", key_set=pasted),
    )
    assert response.status_code == 302
    assert Platform.objects.get().key_set == fake.jwks()
    bad = client_for(owner).post(
        reverse("lti:platform_list", args=[org.pk]),
        form_data(fake, client_id="other", key_set_url="", key_set='{"keys": [{"kty": "EC"}]}'),
    )
    assert bad.status_code == 400
    neither = client_for(owner).post(
        reverse("lti:platform_list", args=[org.pk]),
        form_data(fake, client_id="other", key_set_url=""),
    )
    assert neither.status_code == 400
    assert Platform.objects.count() == 1


def test_duplicate_registration_is_refused(
    fake: FakePlatform, org: Organisation, owner: User, client_for: Any
) -> None:
    register(fake, owner, org)
    response = client_for(owner).post(reverse("lti:platform_list", args=[org.pk]), form_data(fake))
    assert response.status_code == 400
    assert "already registered" in response.content.decode()


@pytest.mark.parametrize("who", ["designer", "assessor", "outsider"])
def test_other_people_cannot_see_or_register_platforms(
    who: str, fake: FakePlatform, org: Organisation, staff: dict[str, User], client_for: Any
) -> None:
    platform = register(fake, staff["owner"], org)
    client = client_for(staff[who])
    assert client.get(reverse("lti:platform_list", args=[org.pk])).status_code == 404
    assert (
        client.post(reverse("lti:platform_list", args=[org.pk]), form_data(fake)).status_code == 404
    )
    detail = reverse("lti:platform", args=[org.pk, platform.pk])
    assert client.get(detail).status_code == 404
    assert Platform.objects.count() == 1


def test_platform_page_only_under_its_own_organisation(
    fake: FakePlatform, org: Organisation, owner: User, client_for: Any
) -> None:
    platform = register(fake, owner, org)
    other = organisation_create(
        actor=owner, name="Other", url="https://other.example", email="o@other.example"
    )
    client = client_for(owner)
    assert client.get(reverse("lti:platform", args=[other.pk, platform.pk])).status_code == 404
    assert client.get(reverse("lti:platform", args=[org.pk, platform.pk])).status_code == 200


# --- the instructor's link form ---------------------------------------------------------


def test_learner_launch_cannot_link_the_activity(
    fake: FakePlatform, registration: Platform, published: Achievement
) -> None:
    page = launch(Client(), fake, registration, "ada").response
    assert 'name="launch"' not in page.content.decode()  # learners get no form
    # Even with a learner's own launch id (taken from the stored launch), the link is refused.
    from insignia.web.lti.models import LaunchValue

    learner_launch = LaunchValue.objects.get(key__startswith="lti1p3-launch-").key
    response = post_link(registration, learner_launch, published.pk)
    assert response.status_code == 403
    assert not ResourceLink.objects.exists()


def test_link_form_needs_a_live_launch(registration: Platform, published: Achievement) -> None:
    for launch_id in ("", "lti1p3-launch-00000000-0000-0000-0000-000000000000", "x" * 10):
        response = post_link(registration, launch_id, published.pk)
        assert response.status_code == 400
    assert not ResourceLink.objects.exists()


def test_instructor_may_only_choose_the_organisations_published_badges(
    fake: FakePlatform,
    registration: Platform,
    published: Achievement,
    draft_elsewhere: Achievement,
    owner: User,
) -> None:
    page = launch(Client(), fake, registration, "teacher").response
    launch_id = launch_id_of(page)
    refused = post_link(registration, launch_id, draft_elsewhere.pk)
    assert refused.status_code == 400
    assert not ResourceLink.objects.exists()
    accepted = post_link(registration, launch_id, published.pk, threshold=90)
    assert accepted.status_code == 200
    assert "Saved" in accepted.content.decode()
    assert ResourceLink.objects.get().threshold_percent == 90


def test_launch_of_one_registration_does_not_open_another(
    fake: FakePlatform,
    registration: Platform,
    published: Achievement,
    org: Organisation,
    owner: User,
) -> None:
    other = register(fake, owner, org, client_id="another-client")
    page = launch(Client(), fake, registration, "teacher").response
    response = post_link(other, launch_id_of(page), published.pk)
    assert response.status_code == 400
    assert not ResourceLink.objects.exists()


def test_awards_stop_when_the_responsible_person_loses_the_issuer_role(
    fake: FakePlatform, org: Organisation, staff: dict[str, User], published: Achievement
) -> None:
    platform = register(fake, staff["issuer"], org)
    fake.redirect_uri = "http://testserver" + reverse("lti:launch", args=[platform.pk])
    fake.tool_jwks = Client().get(reverse("lti:jwks", args=[platform.pk])).json()
    page = launch(Client(), fake, platform, "teacher").response
    assert post_link(platform, launch_id_of(page), published.pk).status_code == 200
    membership_set_roles(
        actor=staff["owner"], organisation_id=org.pk, user_id=staff["issuer"].pk, roles=[]
    )
    fake.results[("rl-1", "u-ada")] = (10, 10)
    text = launch(Client(), fake, platform, "ada").response.content.decode()
    assert "must confirm this platform" in text
    assert not Credential.objects.exists()


@pytest.fixture
def draft_elsewhere(owner: User, staff: dict[str, User]) -> Achievement:
    """A published badge of *another* organisation."""
    other = organisation_create(
        actor=owner, name="Elsewhere", url="https://elsewhere.example", email="e@elsewhere.example"
    )
    badge = achievement_services.achievement_create(
        actor=owner, organisation_id=other.pk, data=version_data("Other"), image=generated()
    )
    achievement_services.achievement_publish(actor=owner, achievement_id=badge.pk)
    return badge


# --- rules and outbound calls -----------------------------------------------------------


def test_completion_rules() -> None:
    score = ResourceLink(rule=CompletionRule.SCORE, threshold_percent=70)
    graded = ResourceLink(rule=CompletionRule.GRADED, threshold_percent=70)
    assert completion_met(score, LearnerResult(Decimal(7), Decimal(10)))
    assert not completion_met(score, LearnerResult(Decimal("6.99"), Decimal(10)))
    assert not completion_met(score, LearnerResult(None, Decimal(10)))
    assert completion_met(graded, LearnerResult(Decimal(0), Decimal(10)))
    assert not completion_met(graded, LearnerResult(None, Decimal(1)))


def test_platform_urls_must_be_public_https_in_production(settings: Any) -> None:
    settings.INSIGNIA_LTI_ALLOW_INSECURE = False
    for url in (
        "http://lms.example/token",
        "https://127.0.0.1/token",
        "https://10.0.0.5/jwks",
        "https://169.254.169.254/latest",
        "https://[::1]/x",
    ):
        with pytest.raises(ForbiddenPlatformURL):
            check_platform_url(url)
    check_platform_url("https://93.184.215.14/jwks")  # a public address passes


def test_launch_against_a_private_platform_is_refused_in_production(
    fake: FakePlatform, registration: Platform, settings: Any
) -> None:
    """The key set fetch to 127.0.0.1 is refused, so the launch cannot be verified."""
    client = Client()
    login = client.get(
        reverse("lti:login", args=[registration.pk]),
        {"iss": fake.issuer, "login_hint": "ada", "client_id": fake.client_id},
    )
    import requests

    form = requests.get(login["Location"], timeout=10).text
    fields = dict(re.findall(r'name="(id_token|state)" value="([^"]+)"', form))
    settings.INSIGNIA_LTI_ALLOW_INSECURE = False
    response = client.post(reverse("lti:launch", args=[registration.pk]), fields)
    assert response.status_code == 400
    assert not any("/jwks" in line for line in fake.log)


def test_dashboard_links_the_platforms_page_for_issuers_only(
    org: Organisation, staff: dict[str, User], client_for: Any
) -> None:
    target = reverse("lti:platform_list", args=[org.pk])
    dashboard = reverse("issuers:dashboard", args=[org.pk])
    assert target in client_for(staff["issuer"]).get(dashboard).content.decode()
    assert target not in client_for(staff["designer"]).get(dashboard).content.decode()


def test_only_owners_disconnect_a_platform_and_awarded_badges_stay(
    fake: FakePlatform, registration: Platform, published: Achievement, staff: dict[str, User]
) -> None:
    page = launch(Client(), fake, registration, "teacher").response
    assert post_link(registration, launch_id_of(page), published.pk).status_code == 200
    fake.results[("rl-1", "u-ada")] = (10, 10)
    launch(Client(), fake, registration, "ada")
    credential = Credential.objects.get()
    url = reverse("lti:platform_delete", args=[registration.organisation_id, registration.pk])
    issuer = Client()
    issuer.force_login(staff["issuer"])
    assert issuer.post(url).status_code == 404
    owner = Client()
    owner.force_login(staff["owner"])
    assert owner.post(url).status_code == 302
    assert not Platform.objects.exists() and not ResourceLink.objects.exists()
    credential.refresh_from_db()
    assert credential.revoked_at is None
    # Launches from the platform now find nothing.
    gone = Client().get(reverse("lti:login", args=[registration.pk]), {"iss": fake.issuer})
    assert gone.status_code == 404
