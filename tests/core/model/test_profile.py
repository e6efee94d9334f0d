"""Profiles and their parts: exact JSON, construction checks, strict reading."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from insignia.core.errors import SchemaError
from insignia.core.model import Address, GeoCoordinates, IdentifierEntry, Image, Profile
from insignia.core.schema import validate_profile
from tests.core.model.factories import full_credential, issuer
from tests.support.paths import VECTORS

SPEC_EXAMPLES = VECTORS / "1edtech-ob-spec" / "spec-examples"


def test_image_json() -> None:
    assert Image(id="https://x.example/a.png").to_json() == {
        "id": "https://x.example/a.png",
        "type": "Image",
    }
    assert Image(id="data:image/svg+xml;base64,PHN2Zz4=", caption="Logo").to_json() == {
        "id": "data:image/svg+xml;base64,PHN2Zz4=",
        "type": "Image",
        "caption": "Logo",
    }


@pytest.mark.parametrize("bad", ["logo.png", "https ://x", "", 5, None])
def test_image_needs_a_uri(bad: object) -> None:
    with pytest.raises(SchemaError) as info:
        Image(id=bad)  # type: ignore[arg-type]
    assert info.value.code in {"model.not_uri", "model.missing"}


def test_issuer_profile_json() -> None:
    assert issuer().to_json() == {
        "id": "https://badges.example.org/issuers/42",
        "type": ["Profile"],
        "name": "Example Learning Lab",
        "url": "https://example.org",
        "email": "badges@example.org",
        "image": {
            "id": "https://badges.example.org/issuers/42/logo.png",
            "type": "Image",
            "caption": "Logo",
        },
    }
    assert validate_profile(issuer().to_json()) == []
    assert validate_profile(full_credential().issuer.to_json()) == []


def test_person_profile() -> None:
    person = Profile(
        id="did:example:ada",
        given_name="Ada",
        family_name="Lovelace",
        honorific_prefix="Countess",
        date_of_birth=date(1815, 12, 10),
    )
    out = person.to_json()
    assert out["givenName"] == "Ada"
    assert out["dateOfBirth"] == "1815-12-10"
    assert validate_profile(out) == []
    assert Profile.from_json(out) == person


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"email": "not-an-address"}, "model.bad_email"),
        ({"url": "example.org"}, "model.not_uri"),
        ({"name": ""}, "model.wrong_type"),
        ({"parent_org": {"id": "https://x.example"}}, "model.wrong_type"),
        ({"image": "https://x.example/logo.png"}, "model.wrong_type"),
        ({"endorsement_jwt": ["not a jws"]}, "model.bad_pattern"),
        ({"endorsement": [["not", "an", "object"]]}, "model.wrong_type"),
        (
            {"other_identifier": IdentifierEntry(identifier="1", identifier_type="name")},
            "model.wrong_type",
        ),
        ({"date_of_birth": "1815-12-10"}, "model.wrong_type"),
        ({"extra": {"name": "x"}}, "model.extension_conflict"),
        ({"extra": {"@id": "x"}}, "model.extension_conflict"),
        ({"extra": {"ext": object()}}, "model.not_json"),
        ({"extra": {"ext": float("nan")}}, "model.not_json"),
    ],
)
def test_profile_checks(kwargs: dict[str, Any], code: str) -> None:
    with pytest.raises(SchemaError) as info:
        Profile(id="https://x.example/issuer", **kwargs)
    assert info.value.code == code
    assert info.value.message.startswith("Profile.")


def test_parts() -> None:
    with pytest.raises(SchemaError) as info:
        GeoCoordinates(latitude=91, longitude=0)
    assert info.value.code == "model.out_of_range"
    with pytest.raises(SchemaError) as info:
        Address(address_country_code="Germany")
    assert info.value.code == "model.bad_pattern"
    with pytest.raises(SchemaError) as info:
        IdentifierEntry(identifier="1", identifier_type="passport")
    assert info.value.code == "model.bad_enum"
    assert Address(address_locality="Berlin").to_json() == {
        "type": ["Address"],
        "addressLocality": "Berlin",
    }


def test_profiles_are_immutable() -> None:
    profile = issuer()
    with pytest.raises(AttributeError):
        profile.name = "Other"  # type: ignore[misc]


@pytest.mark.parametrize("path", sorted(SPEC_EXAMPLES.glob("*.json")), ids=lambda p: p.name)
def test_spec_example_issuers_round_trip(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))["issuer"]
    assert Profile.from_json(data).to_json() == data


def test_compacted_type_is_read_and_emitted_as_array() -> None:
    profile = Profile.from_json({"id": "https://x.example", "type": "Profile", "name": "X"})
    assert profile.to_json()["type"] == ["Profile"]


@pytest.mark.parametrize(
    ("data", "code", "path"),
    [
        ("https://x.example", "model.not_object", ""),
        ({"id": "https://x.example", "type": ["Organization"]}, "model.wrong_type", "type"),
        ({"id": "x", "type": ["Profile"]}, "model.not_uri", "id"),
        ({"id": "https://x.example", "type": ["Profile"], "name": 5}, "model.wrong_type", "name"),
        (
            {"id": "https://x.example", "type": ["Profile"], "image": {"id": 5, "type": "Image"}},
            "model.not_uri",
            "image.id",
        ),
        (
            {
                "id": "https://x.example",
                "type": ["Profile"],
                "image": {"id": "https://i", "type": "Image", "x": 1},
            },
            "model.unknown_property",
            "image.x",
        ),
        (
            {
                "id": "https://x.example",
                "type": ["Profile"],
                "otherIdentifier": {"identifier": "1"},
            },
            "model.wrong_type",
            "otherIdentifier",
        ),
        (
            {
                "id": "https://x.example",
                "type": ["Profile"],
                "parentOrg": {"id": "https://p", "type": ["Profile"], "email": "nope"},
            },
            "model.bad_email",
            "parentOrg.email",
        ),
        (
            {"id": "https://x.example", "type": ["Profile"], "dateOfBirth": "10 Dec 1815"},
            "model.bad_date",
            "dateOfBirth",
        ),
    ],
)
def test_from_json_reports_where(data: object, code: str, path: str) -> None:
    with pytest.raises(SchemaError) as info:
        Profile.from_json(data)
    assert info.value.code == code
    assert info.value.detail["path"] == path
    if path:
        assert path in info.value.message


def test_unknown_profile_properties_are_kept_as_extra() -> None:
    data = {"id": "https://x.example", "type": ["Profile"], "ext:motto": "Learn"}
    profile = Profile.from_json(data)
    assert profile.extra == {"ext:motto": "Learn"}
    assert profile.to_json() == data
    assert profile.has_extra()
