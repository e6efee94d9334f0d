"""A learner holding a public badge (the fixtures of tests/web/conftest.py underneath)."""

from __future__ import annotations

import pytest

from insignia.web.awards import services
from insignia.web.awards.models import Credential
from insignia.web.wallet.services import wallet_set_visibility


@pytest.fixture
def learner(make_user):
    return make_user("jamie.rivera@example.com", "Jamie Rivera")


@pytest.fixture
def held(published, staff, learner) -> Credential:
    credential = services.credential_issue(
        actor=staff["issuer"], achievement_id=published.pk, recipient_email=learner.email
    )
    services.credential_accept(user=learner, credential_id=credential.pk)
    return credential


@pytest.fixture
def public(held, learner) -> Credential:
    wallet_set_visibility(user=learner, credential_id=held.pk, public=True)
    return held
