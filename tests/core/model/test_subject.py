"""Recipients: identity hashes, identity objects, results, the achievement subject."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from insignia.core.errors import SchemaError
from insignia.core.model import (
    AchievementSubject,
    IdentityObject,
    Result,
    hashed_email,
    identity_hash,
)
from tests.core.model.factories import achievement, full_achievement


@pytest.mark.parametrize(
    ("value", "salt", "expected"),
    [
        # OB 3.0 spec, IdentityHash example (checked in the standards notes).
        (
            "a@example.com",
            "Kosher",
            "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399",
        ),
        # 1EdTech openbadges-validator-core OB 2.0 test assertion (recipient "deadsea").
        (
            "nobody@example.org",
            "deadsea",
            "sha256$ecf5409f3f4b91ab60cc5ef4c02aef7032354375e70cf4d8e43f6a1d29891942",
        ),
    ],
)
def test_identity_hash_vectors(value: str, salt: str, expected: str) -> None:
    assert identity_hash(value, salt) == expected


def test_identity_hash_without_salt_and_md5() -> None:
    # OB 2.0 spec example "sha256$7a1a1b3f…60c6" (full digest from sha256sum).
    assert identity_hash("mayze", None) == (
        "sha256$7a1a1b3f7d40552e4299180e346e3add12bf9a751a43d9c4ca4518febc2c60c6"
    )
    assert (
        identity_hash("x", "y", "md5") == "md5$3e44107170a520582ade522fa73c1d15"
    )  # md5sum of "xy"


@pytest.mark.parametrize("args", [("x", "y", "sha1"), (5, "y"), ("x", 5)])
def test_identity_hash_rejects_bad_input(args: tuple[object, ...]) -> None:
    with pytest.raises(SchemaError):
        identity_hash(*args)  # type: ignore[arg-type]


def test_hashed_email() -> None:
    obj = hashed_email("  learner@example.org ", "s4lt")
    assert obj.to_json() == {
        "type": "IdentityObject",
        "hashed": True,
        "identityHash": identity_hash("learner@example.org", "s4lt"),
        "identityType": "emailAddress",
        "salt": "s4lt",
    }
    assert obj.matches("learner@example.org")
    assert not obj.matches("Learner@example.org")
    assert not obj.matches("other@example.org")
    assert not obj.matches(5)  # type: ignore[arg-type]
    with pytest.raises(SchemaError):
        hashed_email("learner@example.org", "")


def test_matching_is_case_insensitive_on_hex_and_handles_plaintext() -> None:
    upper = identity_hash("a@example.com", "Kosher").upper().replace("SHA256$", "sha256$")
    obj = IdentityObject(
        hashed=True, identity_hash=upper, identity_type="emailAddress", salt="Kosher"
    )
    assert obj.matches("a@example.com")
    plain = IdentityObject(hashed=False, identity_hash="Parker Pearl", identity_type="name")
    assert plain.matches("Parker Pearl")
    assert not plain.matches("Parker")
    md5 = IdentityObject(
        hashed=True,
        identity_hash=identity_hash("x", "y", "md5"),
        identity_type="emailAddress",
        salt="y",
    )
    assert md5.matches("x")


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"identity_type": "email"}, "model.bad_enum"),  # the impl guide's mistake
        ({"identity_hash": "sha256$abc"}, "model.bad_identity_hash"),
        ({"identity_hash": ""}, "model.wrong_type"),
        ({"hashed": "yes"}, "model.wrong_type"),
        ({"salt": 5}, "model.wrong_type"),
    ],
)
def test_identity_object_checks(kwargs: dict[str, object], code: str) -> None:
    base: dict[str, object] = {
        "hashed": True,
        "identity_hash": identity_hash("a", "b"),
        "identity_type": "emailAddress",
    }
    with pytest.raises(SchemaError) as info:
        IdentityObject(**(base | kwargs))  # type: ignore[arg-type]
    assert info.value.code == code


def test_custom_identifier_types() -> None:
    obj = IdentityObject(hashed=False, identity_hash="12345", identity_type="ext:StudentNumber")
    assert obj.to_json()["identityType"] == "ext:StudentNumber"


def test_result_status_is_a_closed_list() -> None:
    assert Result(status="Completed").to_json() == {"type": ["Result"], "status": "Completed"}
    with pytest.raises(SchemaError) as info:
        Result(status="ext:Paused")
    assert info.value.code == "model.bad_enum"


def test_subject_needs_id_or_identifier() -> None:
    with pytest.raises(SchemaError) as info:
        AchievementSubject(achievement=achievement())
    assert info.value.code == "model.unidentified"
    subject = AchievementSubject(id="did:example:learner", achievement=achievement())
    assert subject.to_json()["id"] == "did:example:learner"
    assert subject.to_json()["type"] == ["AchievementSubject"]


def test_results_must_match_the_achievements_descriptions() -> None:
    with pytest.raises(SchemaError) as info:
        AchievementSubject(
            id="did:example:x",
            achievement=full_achievement(),
            result=[Result(result_description="urn:rd:unknown", value="A")],
        )
    assert info.value.code == "model.bad_reference"
    with pytest.raises(SchemaError) as info:
        AchievementSubject(
            id="did:example:x",
            achievement=full_achievement(),
            result=[Result(result_description="urn:rd:status")],
        )
    assert info.value.code == "model.missing"


def test_activity_dates() -> None:
    with pytest.raises(SchemaError) as info:
        AchievementSubject(
            id="did:example:x",
            achievement=achievement(),
            activity_start_date=datetime(2024, 1, 1),  # naive on purpose
        )
    assert info.value.code == "model.naive_datetime"
    with pytest.raises(SchemaError) as info:
        AchievementSubject(
            id="did:example:x",
            achievement=achievement(),
            activity_start_date=datetime(2024, 2, 1, tzinfo=UTC),
            activity_end_date=datetime(2024, 1, 1, tzinfo=UTC),
        )
    assert info.value.code == "model.date_order"


def test_wrong_kinds_of_values() -> None:
    with pytest.raises(SchemaError) as info:
        AchievementSubject(id="did:example:x", achievement={"name": "x"})  # type: ignore[arg-type]
    assert info.value.code == "model.wrong_type"
    with pytest.raises(SchemaError) as info:
        AchievementSubject(identifier=hashed_email("a@b.c", "s"), achievement=achievement())  # type: ignore[arg-type]
    assert info.value.code == "model.wrong_type"
    with pytest.raises(SchemaError) as info:
        AchievementSubject(id="did:example:x", achievement=achievement(), credits_earned=True)
    assert info.value.code == "model.wrong_type"
