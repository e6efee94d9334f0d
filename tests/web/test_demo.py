"""The demo seed: realistic, idempotent, and its learner's public badge verifies."""

from __future__ import annotations

from insignia.web import demo
from insignia.web.achievements.models import Achievement
from insignia.web.awards.models import Credential
from insignia.web.awards.verification import credential_verify
from insignia.web.issuers.models import Membership, Organisation


def test_seed_is_complete_and_idempotent(db) -> None:
    assert demo.seed() is True
    assert demo.seed() is False
    org = Organisation.objects.get()
    assert org.name == "Northbridge University" and org.logo is not None
    assert set(Membership.objects.values_list("role", flat=True)) == {
        "owner",
        "designer",
        "assessor",
        "issuer",
    }
    badges = Achievement.objects.filter(state="published")
    assert badges.count() == 3
    for badge in badges:
        version = badge.current_version
        assert version is not None and version.image.has_png and version.alignments.count() >= 2
    credential = Credential.objects.get()
    assert credential.recipient_user is not None
    assert credential.wallet_item.is_public
    assert credential_verify(credential=credential).valid


def test_banner_lists_every_login(db) -> None:
    demo.seed()
    banner = demo._banner()
    for email, _, role in demo.STAFF:
        assert email in banner and role in banner
    assert demo.LEARNER[0] in banner and demo.PASSWORD in banner
    assert "/credentials/" in banner
