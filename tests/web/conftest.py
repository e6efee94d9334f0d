"""Fixtures for the web tests: people, an organisation with one member per role, badges."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image as PilImage

from insignia.web.accounts.models import User
from insignia.web.achievements import services as achievement_services
from insignia.web.achievements.models import Achievement
from insignia.web.images.designs import Design
from insignia.web.issuers.models import Organisation, Role
from insignia.web.issuers.services import membership_grant, organisation_create

PASSWORD = "correct-horse-battery-staple-9"


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    """Create a user with a verified primary address."""

    def make(email: str, name: str = "", *, verified: bool = True) -> User:
        user = User.objects.create_user(
            email, PASSWORD, name=name or email.split("@", maxsplit=1)[0].title()
        )
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=verified)
        return user

    return make


@pytest.fixture
def owner(make_user: Callable[..., User]) -> User:
    return make_user("olivia.owner@northbridge.example", "Olivia Owner")


@pytest.fixture
def org(owner: User) -> Organisation:
    return organisation_create(
        actor=owner,
        name="Northbridge University",
        url="https://northbridge.example",
        email="badges@northbridge.example",
        description="A university in the north.",
    )


@pytest.fixture
def staff(org: Organisation, owner: User, make_user: Callable[..., User]) -> dict[str, User]:
    """One person per role (plus the owner and an outsider with no role)."""
    people = {"owner": owner}
    for role in (Role.DESIGNER, Role.ASSESSOR, Role.ISSUER):
        person = make_user(f"{role.value}@northbridge.example", f"{role.label} Person")
        membership_grant(actor=owner, organisation_id=org.pk, email=person.email, roles=[role])
        people[role.value] = person
    people["outsider"] = make_user("outsider@elsewhere.example", "Otto Outsider")
    return people


def version_data(
    name: str = "Python for Data Analysis", **overrides: object
) -> achievement_services.VersionData:
    values: dict[str, object] = {
        "name": name,
        "description": "Can clean, analyse and visualise data with pandas.",
        "criteria": "Pass the 3-hour practical assessment with at least 70%.",
        "achievement_type": "MicroCredential",
        "language": "en",
        "expiry_months": None,
        "tags": ("python", "data"),
        "alignments": (
            achievement_services.AlignmentData(
                target_name="Use Python",
                target_url="https://esco.example/skill/python",
                target_framework="ESCO",
                target_code="S1.2.3",
            ),
        ),
    }
    values.update(overrides)
    return achievement_services.VersionData(**values)  # type: ignore[arg-type]


def generated() -> achievement_services.ImageChoice:
    return achievement_services.ImageChoice(
        design=Design(title="Python for Data Analysis", colour="#0f766e", icon="code")
    )


@pytest.fixture
def draft(org: Organisation, staff: dict[str, User]) -> Achievement:
    return achievement_services.achievement_create(
        actor=staff["designer"], organisation_id=org.pk, data=version_data(), image=generated()
    )


@pytest.fixture
def published(draft: Achievement, staff: dict[str, User]) -> Achievement:
    achievement_services.achievement_publish(actor=staff["designer"], achievement_id=draft.pk)
    draft.refresh_from_db()
    return draft


@pytest.fixture
def client_for(db: None) -> Callable[[User | None], Client]:
    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


def png_bytes(width: int = 64, height: int = 64, colour: str = "#3366cc") -> bytes:
    out = io.BytesIO()
    PilImage.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def upload(
    data: bytes, name: str = "badge.png", content_type: str = "image/png"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def fixed_now() -> datetime:
    return datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)
