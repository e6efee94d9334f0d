"""Fixtures for the LTI tests: a simulated platform on loopback and a registration for it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client
from django.urls import reverse

from insignia.web.accounts.models import User
from insignia.web.issuers.models import Organisation
from insignia.web.lti.models import Platform
from insignia.web.lti.selectors import tool_urls
from insignia.web.lti.services import PlatformData, platform_register
from tests.web.lti.platform import INSTRUCTOR, LEARNER, FakePlatform, Person, PlatformServer


@pytest.fixture(autouse=True)
def _insecure_platform_urls(settings: Any) -> None:
    """The simulated platform runs on http://127.0.0.1 (production refuses both)."""
    settings.INSIGNIA_LTI_ALLOW_INSECURE = True


@pytest.fixture
def fake() -> Iterator[FakePlatform]:
    platform = FakePlatform()
    platform.people = {
        "teacher": Person("u-teacher", [INSTRUCTOR], "tina@school.example", "Tina Teacher"),
        "ada": Person("u-ada", [LEARNER], "ada@school.example", "Ada Learner"),
        "bob": Person("u-bob", [LEARNER], "bob@school.example", "Bob Learner"),
        "anon": Person("u-anon", [LEARNER], "", "No Email"),
    }
    with PlatformServer(platform) as running:
        yield running


def register(fake: FakePlatform, actor: User, org: Organisation, **overrides: Any) -> Platform:
    values: dict[str, Any] = {
        "name": "Moodle",
        "issuer": fake.issuer,
        "client_id": fake.client_id,
        "deployment_ids": (fake.deployment_id,),
        "auth_login_url": fake.url + "/auth",
        "access_token_url": fake.url + "/token",
        "key_set_url": fake.url + "/jwks",
    }
    values.update(overrides)
    return platform_register(actor=actor, organisation_id=org.pk, data=PlatformData(**values))


@pytest.fixture
def registration(fake: FakePlatform, owner: User, org: Organisation) -> Platform:
    """The platform registered by the organisation's owner, and the tool's URL and key set
    entered in the platform (as an LMS administrator does)."""
    platform = register(fake, owner, org)
    fake.redirect_uri = tool_urls(platform=platform)["launch"]
    fake.tool_jwks = Client().get(reverse("lti:jwks", args=[platform.pk])).json()
    return platform


@dataclass
class LaunchResult:
    response: Any
    id_token: str
    state: str
    client: Client


def launch(
    client: Client,
    fake: FakePlatform,
    platform: Platform,
    who: str,
    resource_link: str = "rl-1",
) -> LaunchResult:
    """The whole browser journey: platform-initiated login at the tool, the tool's redirect
    to the platform's OIDC endpoint (real HTTP), and the form post of the signed id_token."""
    login = client.get(
        reverse("lti:login", args=[platform.pk]),
        {
            "iss": fake.issuer,
            "login_hint": who,
            "target_link_uri": fake.redirect_uri,
            "lti_message_hint": resource_link,
            "client_id": fake.client_id,
            "lti_deployment_id": fake.deployment_id,
        },
        secure=True,
    )
    assert login.status_code == 302, login.content
    answer = requests.get(login["Location"], timeout=10, allow_redirects=False)
    assert answer.status_code == 200, answer.text
    action = unescape(re.search(r'action="([^"]+)"', answer.text).group(1))  # type: ignore[union-attr]
    fields = dict(re.findall(r'name="(id_token|state)" value="([^"]+)"', answer.text))
    assert action == fake.redirect_uri
    response = client.post(
        urlsplit(action).path,
        {"id_token": fields["id_token"], "state": fields["state"]},
        secure=True,
    )
    return LaunchResult(response, fields["id_token"], fields["state"], client)
