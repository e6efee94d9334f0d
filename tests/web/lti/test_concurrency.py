"""Real concurrency on PostgreSQL: two launches of one learner at the same moment award once,
and one nonce is consumed by one request only.

SQLite (the default test database, in memory) gives each thread its own empty database, so
these run on PostgreSQL only:
``DATABASE_URL=postgresql://postgres@127.0.0.1:5432/lti_h pytest tests/web/lti``.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from insignia.web.accounts.models import User
from insignia.web.achievements.models import Achievement
from insignia.web.awards.models import Credential
from insignia.web.issuers.models import Organisation
from insignia.web.lti import services
from insignia.web.lti.claims import launch_from_claims
from insignia.web.lti.models import CompletionRule, LaunchValue, LtiAward
from insignia.web.lti.tool import DatabaseLaunchStorage
from tests.support.concurrency import RACES, race
from tests.web.lti.conftest import register
from tests.web.lti.platform import INSTRUCTOR, LEARNER, FakePlatform
from tests.web.lti.test_keys import claims

pytestmark = RACES


def test_two_launches_at_once_award_once(
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
    learner = launch_from_claims(claims("u-1", [LEARNER], "ada@school.example"))
    for _ in range(3):
        results = race(
            *[lambda: services.lti_award(link=link, launch=learner, score_percent=None)] * 3
        )
        created = [r for r in results if isinstance(r, tuple) and r[1]]
        assert len(created) <= 1
    assert LtiAward.objects.count() == 1
    assert Credential.objects.count() == 1


def test_a_nonce_is_consumed_once(db: None) -> None:
    LaunchValue.objects.create(
        key="lti1p3-nonce-abc", value=True, expires_at=timezone.now() + timedelta(minutes=5)
    )
    results = race(*[lambda: DatabaseLaunchStorage().consume("lti1p3-nonce-abc")] * 4)
    assert sorted(results) == [False, False, False, True]
