"""Designing badges: drafts, frozen published versions, roles."""

from __future__ import annotations

import pytest

from insignia.web.achievements import services
from insignia.web.achievements.models import Achievement, AchievementVersion
from insignia.web.achievements.selectors import (
    access_achievement,
    achievement_draft,
    achievement_public_get,
    published_achievements,
    version_public_get,
)
from insignia.web.common.errors import ApplicationError, NotFound
from insignia.web.issuers.models import Role
from tests.web.conftest import generated, version_data


def test_create_is_a_draft_with_alignments_and_generated_image(draft: Achievement) -> None:
    assert draft.state == Achievement.State.DRAFT
    assert draft.current_version is None
    version = draft.versions.get()
    assert version.number == 1 and not version.is_published
    assert version.tags == ["python", "data"]
    alignment = version.alignments.get()
    assert (alignment.target_name, alignment.target_framework, alignment.target_code) == (
        "Use Python",
        "ESCO",
        "S1.2.3",
    )
    assert version.image.is_svg and version.image.has_png
    assert version.image.design["icon"] == "code"


@pytest.mark.parametrize("role", ["assessor", "issuer", "outsider"])
def test_only_designers_and_owners_create(org, staff, role: str) -> None:
    with pytest.raises(NotFound):
        services.achievement_create(
            actor=staff[role], organisation_id=org.pk, data=version_data(), image=generated()
        )


def test_owner_may_design(org, staff) -> None:
    achievement = services.achievement_create(
        actor=staff["owner"], organisation_id=org.pk, data=version_data(), image=generated()
    )
    assert achievement.organisation == org


def test_image_is_required(org, staff) -> None:
    with pytest.raises(ApplicationError) as exc:
        services.achievement_create(
            actor=staff["designer"],
            organisation_id=org.pk,
            data=version_data(),
            image=services.ImageChoice(),
        )
    assert exc.value.field == "image"


def test_editing_a_draft_changes_it_in_place(draft: Achievement, staff) -> None:
    version = services.achievement_update(
        actor=staff["designer"],
        achievement_id=draft.pk,
        data=version_data("Data Analysis in Python", alignments=()),
        image=services.ImageChoice(),
    )
    assert version.number == 1
    assert draft.versions.count() == 1
    assert version.name == "Data Analysis in Python"
    assert version.alignments.count() == 0


def test_published_version_is_frozen_and_edits_make_a_new_draft(
    published: Achievement, staff
) -> None:
    v1 = published.current_version
    assert v1 is not None and v1.is_published and published.state == "published"
    v2 = services.achievement_update(
        actor=staff["designer"],
        achievement_id=published.pk,
        data=version_data("Advanced Data Analysis"),
        image=services.ImageChoice(),
    )
    assert v2.number == 2 and not v2.is_published
    assert v2.image_id == v1.image_id  # the image carries over unless replaced
    v1.refresh_from_db()
    assert v1.name == "Python for Data Analysis"  # untouched
    published.refresh_from_db()
    assert published.current_version == v1  # still awarding version 1
    assert achievement_draft(achievement=published) == v2
    services.achievement_publish(actor=staff["designer"], achievement_id=published.pk)
    published.refresh_from_db()
    assert published.current_version == v2
    assert (
        version_public_get(achievement_id=published.pk, number=1).name == "Python for Data Analysis"
    )


def test_publish_without_changes_is_refused(published: Achievement, staff) -> None:
    with pytest.raises(ApplicationError, match="no unpublished changes"):
        services.achievement_publish(actor=staff["designer"], achievement_id=published.pk)


def test_issuer_cannot_publish(draft: Achievement, staff) -> None:
    with pytest.raises(NotFound):
        services.achievement_publish(actor=staff["issuer"], achievement_id=draft.pk)


def test_archive_and_award_again(published: Achievement, staff, org) -> None:
    services.achievement_archive(actor=staff["designer"], achievement_id=published.pk)
    published.refresh_from_db()
    assert published.state == "archived"
    assert list(published_achievements(organisation=org)) == []
    assert achievement_public_get(achievement_id=published.pk) == published  # still resolvable
    services.achievement_publish(actor=staff["designer"], achievement_id=published.pk)
    published.refresh_from_db()
    assert published.state == "published"


def test_discarding_a_never_published_draft_deletes_the_badge(draft: Achievement, staff) -> None:
    assert (
        services.achievement_discard_draft(actor=staff["designer"], achievement_id=draft.pk) is None
    )
    assert not Achievement.objects.filter(pk=draft.pk).exists()


def test_discarding_changes_keeps_the_published_version(published: Achievement, staff) -> None:
    services.achievement_update(
        actor=staff["designer"],
        achievement_id=published.pk,
        data=version_data("Renamed"),
        image=services.ImageChoice(),
    )
    kept = services.achievement_discard_draft(actor=staff["designer"], achievement_id=published.pk)
    assert kept is not None
    assert list(
        AchievementVersion.objects.filter(achievement=published).values_list("number", flat=True)
    ) == [1]


def test_drafts_are_not_public(draft: Achievement) -> None:
    with pytest.raises(NotFound):
        achievement_public_get(achievement_id=draft.pk)
    with pytest.raises(NotFound):
        version_public_get(achievement_id=draft.pk, number=1)


@pytest.mark.parametrize(
    ("role", "needed", "allowed"),
    [
        ("owner", Role.DESIGNER, True),
        ("designer", Role.DESIGNER, True),
        ("issuer", Role.DESIGNER, False),
        ("assessor", Role.DESIGNER, False),
        ("issuer", Role.ISSUER, True),
        ("designer", Role.ISSUER, False),
        ("assessor", None, True),
        ("outsider", None, False),
    ],
)
def test_access_achievement(
    draft: Achievement, staff, role: str, needed: Role | None, allowed: bool
) -> None:
    if allowed:
        assert access_achievement(user=staff[role], achievement_id=draft.pk, role=needed) == draft
    else:
        with pytest.raises(NotFound):
            access_achievement(user=staff[role], achievement_id=draft.pk, role=needed)
