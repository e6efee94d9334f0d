"""Tool keys under key-encryption-key rotation, and the award service's idempotency."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from insignia.web.accounts.models import User
from insignia.web.achievements.models import Achievement
from insignia.web.awards.models import Credential
from insignia.web.issuers.keystore import KeyDecryptionError
from insignia.web.issuers.models import AuditEvent, Organisation
from insignia.web.lti import services
from insignia.web.lti.claims import LTI, launch_from_claims
from insignia.web.lti.models import CompletionRule, LtiAward, Platform
from insignia.web.lti.tool import tool_private_key_pem
from tests.web.lti.conftest import register
from tests.web.lti.platform import INSTRUCTOR, LEARNER, FakePlatform

pytestmark = pytest.mark.django_db

NEW_KEK = b"n" * 32


def test_rewrap_moves_tool_keys_to_the_new_kek(
    fake: FakePlatform, owner: User, org: Organisation, settings: Any
) -> None:
    platform = register(fake, owner, org)
    before = tool_private_key_pem(platform)
    old = list(settings.INSIGNIA_KEY_ENCRYPTION_KEYS)
    settings.INSIGNIA_KEY_ENCRYPTION_KEYS = [NEW_KEK, *old]
    out = io.StringIO()
    call_command("rewrap_lti_keys", stdout=out)
    assert "Re-encrypted 1 LTI tool key(s)" in out.getvalue()
    settings.INSIGNIA_KEY_ENCRYPTION_KEYS = [NEW_KEK]  # the old key is gone
    platform.refresh_from_db()
    assert tool_private_key_pem(platform) == before
    assert AuditEvent.objects.filter(action="lti.tool_key_rewrapped").count() == 1


def test_a_key_blob_moved_to_another_registration_does_not_decrypt(
    fake: FakePlatform, owner: User, org: Organisation
) -> None:
    first = register(fake, owner, org)
    second = register(fake, owner, org, client_id="second")
    second.tool_private_key_encrypted = first.tool_private_key_encrypted
    second.kek_id = first.kek_id
    with pytest.raises(KeyDecryptionError):
        tool_private_key_pem(second)


def claims(sub: str, roles: list[str], email: str = "") -> dict[str, Any]:
    return {
        "sub": sub,
        "email": email,
        "given_name": "Ada",
        "family_name": "Lovelace",
        LTI + "deployment_id": "dep-1",
        LTI + "resource_link": {"id": "rl-9", "title": "Quiz"},
        LTI + "roles": roles,
    }


def test_award_service_is_idempotent_per_link_and_user(
    fake: FakePlatform, owner: User, org: Organisation, published: Achievement
) -> None:
    platform: Platform = register(fake, owner, org)
    teacher = launch_from_claims(claims("t", [INSTRUCTOR]))
    link = services.resource_link_configure(
        platform=platform,
        launch=teacher,
        achievement_id=published.pk,
        rule=CompletionRule.GRADED,
        threshold_percent=0,
    )
    learner = launch_from_claims(claims("u-1", [LEARNER], "ada@school.example"))
    assert learner.name == "Ada Lovelace"
    first, created = services.lti_award(link=link, launch=learner, score_percent=None)
    second, created_again = services.lti_award(link=link, launch=learner, score_percent=None)
    assert created and not created_again and first == second
    assert Credential.objects.count() == LtiAward.objects.count() == 1


def test_learners_cannot_configure_links(
    fake: FakePlatform, owner: User, org: Organisation, published: Achievement
) -> None:
    platform = register(fake, owner, org)
    learner = launch_from_claims(claims("u-1", [LEARNER]))
    ta = launch_from_claims(
        claims(
            "u-2",
            ["http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"],
        )
    )
    for who in (learner, ta):
        with pytest.raises(services.ApplicationError):
            services.resource_link_configure(
                platform=platform,
                launch=who,
                achievement_id=published.pk,
                rule=CompletionRule.SCORE,
                threshold_percent=50,
            )


def test_a_malformed_email_claim_is_not_a_recipient(
    fake: FakePlatform, owner: User, org: Organisation, published: Achievement
) -> None:
    platform = register(fake, owner, org)
    link = services.resource_link_configure(
        platform=platform,
        launch=launch_from_claims(claims("t", [INSTRUCTOR])),
        achievement_id=published.pk,
        rule=CompletionRule.GRADED,
        threshold_percent=0,
    )
    learner = launch_from_claims(claims("u-1", [LEARNER], "not an address"))
    with pytest.raises(services.ApplicationError, match="email address"):
        services.lti_award(link=link, launch=learner, score_percent=None)
    assert not Credential.objects.exists()


def test_odd_claims_are_read_safely() -> None:
    facts = launch_from_claims(
        {
            "sub": "s",
            LTI + "context": "not an object",
            LTI + "roles": "Instructor",
            LTI + "custom": [1],
        }
    )
    assert (facts.context_title, facts.roles, facts.custom, facts.is_instructor) == (
        "",
        (),
        {},
        False,
    )


def test_results_url_keeps_the_line_items_query() -> None:
    from insignia.web.lti.ags import _results_url

    assert (
        _results_url(
            "https://moodle.example/mod/lti/services.php/2/lineitems/7/lineitem?type_id=3", "u 1"
        )
        == "https://moodle.example/mod/lti/services.php/2/lineitems/7/lineitem/results?type_id=3&user_id=u+1"
    )
    assert (
        _results_url("https://canvas.example/api/lti/courses/1/line_items/2/", "42")
        == "https://canvas.example/api/lti/courses/1/line_items/2/results?user_id=42"
    )
