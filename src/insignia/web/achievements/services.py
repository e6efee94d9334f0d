"""Writes about achievements: create, edit (as a new draft version when published), publish."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from insignia.web.accounts.models import User
from insignia.web.achievements.models import Achievement, AchievementVersion, Alignment
from insignia.web.achievements.selectors import access_achievement, achievement_latest_version
from insignia.web.common.errors import ApplicationError
from insignia.web.images.designs import Design
from insignia.web.images.models import Image
from insignia.web.images.services import image_create_from_file, image_create_generated
from insignia.web.issuers.models import Role
from insignia.web.issuers.selectors import access_organisation
from insignia.web.issuers.services import audit_record

#: Other apps whose data hangs off a version (evidence requirements, rubrics) register here how
#: to carry it from a published version into the next draft; see :func:`achievement_draft_start`.
VersionCarryOver = Callable[[AchievementVersion, AchievementVersion], None]
_carry_over: list[VersionCarryOver] = []


def register_version_carry_over(copy: VersionCarryOver) -> None:
    """Have ``copy(published, draft)`` run whenever a new draft starts from a published version."""
    if copy not in _carry_over:
        _carry_over.append(copy)


@dataclass(frozen=True, slots=True)
class AlignmentData:
    """A skill the badge certifies."""

    target_name: str
    target_url: str
    target_framework: str = ""
    target_code: str = ""
    target_description: str = ""


@dataclass(frozen=True, slots=True)
class VersionData:
    """The signed fields a designer edits."""

    name: str
    description: str
    criteria: str
    achievement_type: str
    language: str = "en"
    expiry_months: int | None = None
    tags: tuple[str, ...] = ()
    alignments: tuple[AlignmentData, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class ImageChoice:
    """Where the badge image comes from: an upload, a generated design, or the one it has."""

    upload: UploadedFile[bytes] | None = None
    design: Design | None = None
    image: Image | None = None


def _image_for(choice: ImageChoice, data: VersionData, fallback: Image | None) -> Image:
    if choice.upload is not None:
        return image_create_from_file(file=choice.upload)
    if choice.design is not None:
        return image_create_generated(design=choice.design, label=f"{data.name} badge")
    if choice.image is not None:
        return choice.image
    if fallback is not None:
        return fallback
    raise ApplicationError("Upload an image or choose a generated design.", field="image")


def _clean_tags(tags: tuple[str, ...]) -> list[str]:
    seen: dict[str, str] = {}
    for raw in tags:
        tag = " ".join(raw.split())[:50]
        if tag:
            seen.setdefault(tag.lower(), tag)
    return list(seen.values())[:20]


def _write_version(version: AchievementVersion, data: VersionData, image: Image) -> None:
    version.name = data.name.strip()
    version.description = data.description.strip()
    version.criteria = data.criteria.strip()
    version.achievement_type = data.achievement_type
    version.language = data.language.strip() or "en"
    version.expiry_months = data.expiry_months
    version.tags = _clean_tags(data.tags)
    version.image = image
    version.save()
    version.alignments.all().delete()
    Alignment.objects.bulk_create(
        Alignment(
            version=version,
            position=i,
            target_name=a.target_name.strip(),
            target_url=a.target_url.strip(),
            target_framework=a.target_framework.strip(),
            target_code=a.target_code.strip(),
            target_description=a.target_description.strip(),
        )
        for i, a in enumerate(data.alignments)
    )


@transaction.atomic
def achievement_create(
    *, actor: User, organisation_id: uuid.UUID, data: VersionData, image: ImageChoice
) -> Achievement:
    """Create a draft badge (designers and owners).

    :raises ApplicationError: when no image is given or the upload is refused.
    """
    organisation = access_organisation(
        user=actor, organisation_id=organisation_id, role=Role.DESIGNER
    )
    achievement = Achievement.objects.create(organisation=organisation, created_by=actor)
    version = AchievementVersion(achievement=achievement, number=1, created_by=actor)
    _write_version(version, data, _image_for(image, data, None))
    audit_record(
        organisation=organisation,
        actor=actor,
        action="achievement.created",
        obj=achievement,
        name=version.name,
    )
    return achievement


@transaction.atomic
def achievement_update(
    *, actor: User, achievement_id: uuid.UUID, data: VersionData, image: ImageChoice
) -> AchievementVersion:
    """Save the designer's changes.

    A draft version is edited in place; a published one is never touched — the changes go
    into a new draft version, which is awarded only once it is published.
    """
    achievement = access_achievement(user=actor, achievement_id=achievement_id, role=Role.DESIGNER)
    Achievement.objects.select_for_update().filter(pk=achievement.pk).first()
    latest = achievement_latest_version(achievement=achievement)
    if latest is None or latest.is_published:
        number = latest.number + 1 if latest is not None else 1
        version = AchievementVersion(achievement=achievement, number=number, created_by=actor)
    else:
        version = latest
    _write_version(version, data, _image_for(image, data, latest.image if latest else None))
    if latest is not None and latest is not version:
        for copy in _carry_over:
            copy(latest, version)
    achievement.save(update_fields=["updated_at"])
    audit_record(
        organisation=achievement.organisation,
        actor=actor,
        action="achievement.edited",
        obj=achievement,
        version=version.number,
    )
    return version


def _copy_version(source: AchievementVersion, actor: User) -> AchievementVersion:
    draft = AchievementVersion.objects.create(
        achievement=source.achievement,
        number=source.number + 1,
        name=source.name,
        description=source.description,
        criteria=source.criteria,
        achievement_type=source.achievement_type,
        tags=list(source.tags),
        image=source.image,
        expiry_months=source.expiry_months,
        language=source.language,
        created_by=actor,
    )
    Alignment.objects.bulk_create(
        Alignment(
            version=draft,
            position=a.position,
            target_name=a.target_name,
            target_url=a.target_url,
            target_framework=a.target_framework,
            target_code=a.target_code,
            target_description=a.target_description,
        )
        for a in source.alignments.all()
    )
    for copy in _carry_over:
        copy(source, draft)
    return draft


@transaction.atomic
def achievement_draft_start(*, actor: User, achievement_id: uuid.UUID) -> AchievementVersion:
    """Return the draft version to edit, starting one as a copy of the published version when
    there is none (a published version is never changed).  Designers and owners only."""
    achievement = access_achievement(user=actor, achievement_id=achievement_id, role=Role.DESIGNER)
    Achievement.objects.select_for_update().filter(pk=achievement.pk).first()
    latest = achievement_latest_version(achievement=achievement)
    if latest is None:
        raise ApplicationError("This badge has no version yet.")
    if not latest.is_published:
        return latest
    draft = _copy_version(latest, actor)
    achievement.save(update_fields=["updated_at"])
    audit_record(
        organisation=achievement.organisation,
        actor=actor,
        action="achievement.edited",
        obj=achievement,
        version=draft.number,
    )
    return draft


@transaction.atomic
def achievement_publish(
    *, actor: User, achievement_id: uuid.UUID, now: datetime | None = None
) -> AchievementVersion:
    """Publish the draft version: it is frozen and awarded from now on.

    :raises ApplicationError: when there is nothing to publish.
    """
    achievement = access_achievement(user=actor, achievement_id=achievement_id, role=Role.DESIGNER)
    latest = achievement_latest_version(achievement=achievement)
    if latest is None or latest.is_published:
        if achievement.state == Achievement.State.ARCHIVED and latest is not None:
            achievement.state = Achievement.State.PUBLISHED
            achievement.save(update_fields=["state", "updated_at"])
            return latest
        raise ApplicationError("There are no unpublished changes.")
    now = now or timezone.now()
    latest.published_at = now
    latest.save(update_fields=["published_at"])
    achievement.current_version = latest
    achievement.state = Achievement.State.PUBLISHED
    achievement.save(update_fields=["current_version", "state", "updated_at"])
    audit_record(
        organisation=achievement.organisation,
        actor=actor,
        action="achievement.published",
        obj=achievement,
        version=latest.number,
        now=now,
    )
    return latest


@transaction.atomic
def achievement_archive(*, actor: User, achievement_id: uuid.UUID) -> Achievement:
    """Stop awarding a badge; credentials already issued are unaffected."""
    achievement = access_achievement(user=actor, achievement_id=achievement_id, role=Role.DESIGNER)
    if achievement.current_version is None:
        raise ApplicationError("A badge that was never published cannot be archived.")
    achievement.state = Achievement.State.ARCHIVED
    achievement.save(update_fields=["state", "updated_at"])
    audit_record(
        organisation=achievement.organisation,
        actor=actor,
        action="achievement.archived",
        obj=achievement,
    )
    return achievement


@transaction.atomic
def achievement_discard_draft(*, actor: User, achievement_id: uuid.UUID) -> Achievement | None:
    """Throw away unpublished changes; a never-published badge is deleted (returns None)."""
    achievement = access_achievement(user=actor, achievement_id=achievement_id, role=Role.DESIGNER)
    latest = achievement_latest_version(achievement=achievement)
    if latest is None or latest.is_published:
        raise ApplicationError("There are no unpublished changes.")
    latest.delete()
    audit_record(
        organisation=achievement.organisation,
        actor=actor,
        action="achievement.draft_discarded",
        obj=achievement,
        version=latest.number,
    )
    if achievement.current_version is None:
        achievement.delete()
        return None
    return achievement
