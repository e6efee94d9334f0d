"""Deep linking: an instructor adds a badge activity to the course from Insignia."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
import requests
from django.test import Client
from django.urls import reverse

from insignia.web.achievements.models import Achievement
from insignia.web.awards.models import Credential
from insignia.web.lti.models import Platform, ResourceLink
from tests.web.lti.conftest import launch
from tests.web.lti.platform import FakePlatform

pytestmark = pytest.mark.django_db


def launch_id_of(response: Any) -> str:
    match = re.search(r'name="launch" value="([^"]+)"', response.content.decode())
    assert match, response.content.decode()
    return match.group(1)


def test_instructor_adds_a_badge_activity_and_its_first_learner_launch_links_it(
    fake: FakePlatform, registration: Platform, published: Achievement
) -> None:
    page = launch(Client(), fake, registration, "teacher", "deep-link").response
    assert page.status_code == 200
    assert reverse("lti:deep_link", args=[registration.pk]) in page.content.decode()
    answer = Client().post(
        reverse("lti:deep_link", args=[registration.pk]),
        {
            "launch": launch_id_of(page),
            "badge": str(published.pk),
            "rule": "score",
            "threshold": 80,
        },
    )
    assert answer.status_code == 200
    html = answer.content.decode()
    action = unescape(
        re.search(r'<form class="card" method="post" action="([^"]+)"', html).group(1)
    )  # type: ignore[union-attr]
    token = re.search(r'name="JWT" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    assert action == fake.url + "/deep-link-return"
    # The page may post to the platform (and only there besides ourselves).
    assert f"form-action 'self' {fake.url}" in answer["Content-Security-Policy"]
    assert not ResourceLink.objects.exists()  # nothing until the platform launches the link

    # The browser returns the response to the platform, which checks the tool's signature.
    returned = requests.post(action, data={"JWT": token}, timeout=10)
    assert returned.status_code == 200, fake.log
    (item,) = fake.deep_link_items
    assert item["type"] == "ltiResourceLink"
    assert item["url"] == fake.redirect_uri
    assert item["custom"] == {
        "insignia_badge": str(published.pk),
        "insignia_rule": "score",
        "insignia_threshold": "80",
    }

    # The platform creates the activity (rl-new) with those custom parameters.
    fake.custom["rl-new"] = item["custom"]
    fake.results[("rl-new", "u-ada")] = (8, 10)
    learner = launch(Client(), fake, registration, "ada", "rl-new").response
    assert "you have earned this badge" in learner.content.decode()
    link = ResourceLink.objects.get()
    assert (link.resource_link_id, link.achievement, link.threshold_percent) == (
        "rl-new",
        published,
        80,
    )
    assert Credential.objects.get().recipient_email == "ada@school.example"


def test_learners_cannot_use_deep_linking(fake: FakePlatform, registration: Platform) -> None:
    page = launch(Client(), fake, registration, "ada", "deep-link").response
    assert page.status_code == 403


def test_custom_parameters_naming_no_published_badge_link_nothing(
    fake: FakePlatform, registration: Platform, published: Achievement
) -> None:
    fake.custom["rl-x"] = {"insignia_badge": "00000000-0000-0000-0000-000000000000"}
    fake.results[("rl-x", "u-ada")] = (10, 10)
    page = launch(Client(), fake, registration, "ada", "rl-x").response
    assert "No badge is linked" in page.content.decode()
    fake.custom["rl-y"] = {"insignia_badge": "not-a-uuid", "insignia_threshold": "x"}
    page = launch(Client(), fake, registration, "ada", "rl-y").response
    assert "No badge is linked" in page.content.decode()
    assert not ResourceLink.objects.exists() and not Credential.objects.exists()


def test_a_resource_link_launch_id_cannot_answer_deep_linking(
    fake: FakePlatform, registration: Platform, published: Achievement
) -> None:
    page = launch(Client(), fake, registration, "teacher").response
    answer = Client().post(
        reverse("lti:deep_link", args=[registration.pk]),
        {"launch": launch_id_of(page), "badge": str(published.pk), "rule": "score", "threshold": 1},
    )
    assert answer.status_code == 403
