"""The badge designer's pages: forms keep what was typed, uploads are checked, roles apply."""

from __future__ import annotations

import pytest
from django.urls import reverse

from insignia.web.achievements.models import Achievement
from tests.web.conftest import png_bytes, upload
from tests.web.images.test_sanitise import HOSTILE_SVGS, png_bomb


def form_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Public Speaking",
        "description": "Speaks clearly to an audience.",
        "criteria": "Give three assessed talks.",
        "achievement_type": "Competency",
        "tags": "speaking, communication",
        "language": "en",
        "expiry": "months",
        "expiry_months": "24",
        "image_source": "design",
        "design_colour": "#7e22ce",
        "design_icon": "bulb",
        "design_shape": "circle",
        "design_subtitle": "Northbridge",
        "skills-TOTAL_FORMS": "2",
        "skills-INITIAL_FORMS": "0",
        "skills-MIN_NUM_FORMS": "0",
        "skills-MAX_NUM_FORMS": "20",
        "skills-0-target_name": "Present to an audience",
        "skills-0-target_url": "https://skills.example/present",
        "skills-0-target_framework": "Example",
        "skills-0-target_code": "P1",
    }
    data.update(overrides)
    return data


def test_designer_creates_a_badge(org, staff, client_for) -> None:
    response = client_for(staff["designer"]).post(
        reverse("achievements:create", args=[org.pk]), form_data()
    )
    achievement = Achievement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("achievements:detail", args=[achievement.pk])
    version = achievement.versions.get()
    assert version.expiry_months == 24
    assert version.tags == ["speaking", "communication"]
    assert version.alignments.get().target_code == "P1"


def test_errors_keep_what_was_typed(org, staff, client_for) -> None:
    response = client_for(staff["designer"]).post(
        reverse("achievements:create", args=[org.pk]),
        form_data(name="", expiry_months="", **{"skills-1-target_name": "Orphan skill"}),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "This field is required." in html
    assert "Enter after how many months the badge expires." in html
    assert "Give the URL where the skill is defined." in html
    assert 'value="speaking, communication"' in html
    assert "Speaks clearly to an audience." in html
    assert 'value="Orphan skill"' in html
    assert 'aria-invalid="true"' in html
    assert not Achievement.objects.exists()


def test_preview_renders_the_design_without_saving(org, staff, client_for) -> None:
    response = client_for(staff["designer"]).post(
        reverse("achievements:create", args=[org.pk]), form_data(preview="1")
    )
    assert response.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in response.content.decode()
    assert not Achievement.objects.exists()


def test_png_upload_is_accepted(org, staff, client_for) -> None:
    response = client_for(staff["designer"]).post(
        reverse("achievements:create", args=[org.pk]),
        form_data(image_source="upload", image=upload(png_bytes(256, 256))),
    )
    assert response.status_code == 302
    image = Achievement.objects.get().versions.get().image
    assert image.content_type == "image/png" and image.source == "upload"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (HOSTILE_SVGS["script"], "evil.svg", "could run code"),
        (HOSTILE_SVGS["onload"], "evil.svg", "event handler"),
        (HOSTILE_SVGS["external-image"], "tracker.svg", "external resource"),
        (png_bomb(), "bomb.png", "decompression bomb"),
        (b"\x89PNG" + b"\0" * (3 * 1024 * 1024), "huge.png", "the limit is 2 MB"),
    ],
)
def test_hostile_uploads_are_refused_with_a_clear_message(
    org, staff, client_for, data: bytes, name: str, message: str
) -> None:
    response = client_for(staff["designer"]).post(
        reverse("achievements:create", args=[org.pk]),
        form_data(image_source="upload", image=upload(data, name)),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="Public Speaking"' in html  # what was typed is kept
    assert not Achievement.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("owner", 200),
        ("designer", 200),
        ("issuer", 404),
        ("assessor", 404),
        ("outsider", 404),
    ],
)
def test_designer_pages_by_role(org, staff, client_for, draft, role: str, status: int) -> None:
    client = client_for(staff[role])
    assert client.get(reverse("achievements:create", args=[org.pk])).status_code == status
    assert client.get(reverse("achievements:edit", args=[draft.pk])).status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("owner", 200),
        ("designer", 200),
        ("issuer", 200),
        ("assessor", 200),
        ("outsider", 404),
    ],
)
def test_badge_detail_by_role(staff, client_for, draft, role: str, status: int) -> None:
    assert (
        client_for(staff[role]).get(reverse("achievements:detail", args=[draft.pk])).status_code
        == status
    )


def test_anonymous_is_sent_to_login(draft, client_for) -> None:
    response = client_for(None).get(reverse("achievements:detail", args=[draft.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_publish_view(draft, staff, client_for) -> None:
    response = client_for(staff["designer"]).post(reverse("achievements:publish", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == "published"


def test_publish_needs_post(draft, staff, client_for) -> None:
    assert (
        client_for(staff["designer"])
        .get(reverse("achievements:publish", args=[draft.pk]))
        .status_code
        == 405
    )


def test_edit_of_published_badge_says_it_makes_a_new_version(published, staff, client_for) -> None:
    html = (
        client_for(staff["designer"])
        .get(reverse("achievements:edit", args=[published.pk]))
        .content.decode()
    )
    assert "saved as version 2, a draft" in html
    assert 'value="keep"' in html
