"""Achievements, criteria, alignments and result descriptions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from insignia.core.errors import SchemaError
from insignia.core.model import (
    Achievement,
    Alignment,
    Criteria,
    Related,
    ResultDescription,
    RubricCriterionLevel,
)
from insignia.core.schema import validate_achievement_credential
from tests.core.model.factories import achievement, full_achievement
from tests.support.paths import VECTORS

SPEC_EXAMPLES = VECTORS / "1edtech-ob-spec" / "spec-examples"


def _achievement(**changes: Any) -> Achievement:
    base: dict[str, Any] = {
        "id": "https://badges.example.org/achievements/1",
        "name": "Teamwork",
        "description": "Works well in a team.",
        "criteria": Criteria(narrative="Nominated by peers."),
    }
    return Achievement(**(base | changes))


def test_minimal_json() -> None:
    assert achievement().to_json() == {
        "id": "https://badges.example.org/achievements/7",
        "type": ["Achievement"],
        "name": "Teamwork",
        "description": "Works well in a team.",
        "criteria": {"narrative": "Nominated by three peers."},
        "achievementType": "Competency",
    }


def test_every_property_has_its_ob_name() -> None:
    out = full_achievement().to_json()
    assert set(out) == {
        "id", "type", "name", "description", "criteria", "image", "achievementType",
        "alignment", "tag", "creator", "resultDescription", "inLanguage", "version",
        "creditsAvailable", "fieldOfStudy", "humanCode", "specialization", "otherIdentifier",
        "related",
    }  # fmt: skip
    assert out["tag"] == ["data", "statistics"]
    assert out["alignment"][0] == {
        "type": ["Alignment"],
        "targetName": "Data literacy",
        "targetUrl": "https://case.example/items/123",
        "targetDescription": "CASE item",
        "targetFramework": "Digital Competence Framework",
        "targetCode": "DL-1",
        "targetType": "CFItem",
    }
    rubric = out["resultDescription"][1]
    assert rubric["rubricCriterionLevel"][1]["points"] == "3"
    assert rubric["requiredLevel"] == "urn:level:2"


def test_criteria_must_say_something() -> None:
    with pytest.raises(SchemaError) as info:
        Criteria()
    assert info.value.code == "model.empty_criteria"
    assert Criteria(id="https://x.example/criteria").to_json() == {
        "id": "https://x.example/criteria"
    }


@pytest.mark.parametrize("value", ["Badge", "MicroCredential", "ext:Bootcamp", "ext:a.b-c_d9"])
def test_achievement_types_accepted(value: str) -> None:
    assert _achievement(achievement_type=value).achievement_type == value


@pytest.mark.parametrize(
    "value", ["Program", "ext:", "ext:two words", "badge", "Badgeext:x", "ext:-camp"]
)
def test_achievement_types_refused(value: str) -> None:
    with pytest.raises(SchemaError) as info:
        _achievement(achievement_type=value)
    assert info.value.code == "model.bad_enum"


def test_hyphenated_extension_terms_fail_the_official_schema() -> None:
    """Why the model refuses ``ext:-camp``: the schema's character class excludes ``-``."""
    doc = json.loads((SPEC_EXAMPLES / "basicOpenBadgeCredential.json").read_text("utf-8"))
    doc["credentialSubject"]["achievement"]["achievementType"] = "ext:-camp"
    problems = validate_achievement_credential(doc)
    assert [p.path for p in problems] == ["credentialSubject.achievement.achievementType"]
    doc["credentialSubject"]["achievement"]["achievementType"] = "ext:boot-camp"
    assert validate_achievement_credential(doc) == []


@pytest.mark.parametrize("value", ["en", "de", "pt-BR", "zh-Hant-TW", "es-419"])
def test_languages_accepted(value: str) -> None:
    assert _achievement(in_language=value).to_json()["inLanguage"] == value


@pytest.mark.parametrize("value", ["EN", "english", "en_US", "en-us", "e"])
def test_languages_refused(value: str) -> None:
    with pytest.raises(SchemaError) as info:
        _achievement(in_language=value)
    assert info.value.code == "model.bad_language"
    with pytest.raises(SchemaError):
        Related(id="https://x.example/de", in_language=value)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"name": None}, "model.missing"),
        ({"criteria": "Nominated by peers."}, "model.wrong_type"),
        ({"tag": "data"}, "model.wrong_type"),
        ({"tag": ["data", 5]}, "model.wrong_type"),
        ({"credits_available": -1}, "model.out_of_range"),
        ({"credits_available": float("inf")}, "model.wrong_type"),
        ({"credits_available": "3"}, "model.wrong_type"),
        ({"id": "achievement-1"}, "model.not_uri"),
        ({"endorsement_jwt": ["a.b"]}, "model.bad_pattern"),
        (
            {
                "result_description": [
                    ResultDescription(id="urn:rd:1", name="A", result_type="Status"),
                    ResultDescription(id="urn:rd:1", name="B", result_type="Status"),
                ]
            },
            "model.duplicate_id",
        ),
    ],
)
def test_achievement_checks(changes: dict[str, Any], code: str) -> None:
    with pytest.raises(SchemaError) as info:
        _achievement(**changes)
    assert info.value.code == code


def test_alignment_and_result_description_checks() -> None:
    with pytest.raises(SchemaError) as info:
        Alignment(target_name="X", target_url="https://x.example", target_type="Skill")
    assert info.value.code == "model.bad_enum"
    with pytest.raises(SchemaError) as info:
        Alignment(target_name="X", target_url="not a url")
    assert info.value.code == "model.not_uri"
    with pytest.raises(SchemaError) as info:
        ResultDescription(id="urn:rd:1", name="Grade", result_type="Grade")
    assert info.value.code == "model.bad_enum"
    level = RubricCriterionLevel(id="urn:level:1", name="Novice")
    with pytest.raises(SchemaError) as info:
        ResultDescription(
            id="urn:rd:1",
            name="Rubric",
            result_type="RubricCriterionLevel",
            rubric_criterion_level=[level],
            required_level="urn:level:9",
        )
    assert info.value.code == "model.bad_reference"


def _spec_achievements() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in sorted(SPEC_EXAMPLES.glob("*.json")):
        subject = json.loads(Path(path).read_text(encoding="utf-8"))["credentialSubject"]
        if "achievement" in subject:
            out.append((path.name, subject["achievement"]))
    return out


@pytest.mark.parametrize(("name", "data"), _spec_achievements(), ids=lambda v: str(v)[:30])
def test_spec_example_achievements_round_trip(name: str, data: dict[str, Any]) -> None:
    assert Achievement.from_json(data).to_json() == data


def test_from_json_paths_inside_achievements() -> None:
    data = achievement().to_json()
    data["alignment"] = [{"type": ["Alignment"], "targetName": "X", "targetUrl": 7}]
    with pytest.raises(SchemaError) as info:
        Achievement.from_json(data, "credentialSubject.achievement")
    assert info.value.detail["path"] == "credentialSubject.achievement.alignment[0].targetUrl"
    assert info.value.code == "model.not_uri"
