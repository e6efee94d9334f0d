"""The designer's evidence requirements and rubric: versioned with the badge, frozen once
published, carried into new drafts, and published as OB 3.0 result descriptions."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from insignia.web.achievements import services as achievement_services
from insignia.web.awards import services as award_services
from insignia.web.common.errors import ApplicationError, NotFound
from insignia.web.earning import selectors, services
from insignia.web.earning.models import EvidenceRequirement, Rubric
from tests.web.conftest import version_data
from tests.web.earning.conftest import REQUIREMENTS, RUBRIC, levels


def test_saving_on_a_draft_edits_it_in_place(draft, staff) -> None:
    version = services.assessment_save(
        actor=staff["designer"], achievement_id=draft.pk, requirements=REQUIREMENTS, rubric=RUBRIC
    )
    assert version.number == 1 and not version.is_published
    requirements = selectors.version_requirements(version=version)
    assert [r.prompt for r in requirements] == [r.prompt for r in REQUIREMENTS]
    assert requirements[0].min_length == 40 and requirements[2].file_types == ["pdf", "png", "text"]
    assert requirements[2].max_bytes == 1_048_576 and requirements[4].required is False
    rubric = selectors.version_rubric(version=version)
    assert rubric is not None and rubric.pass_mark == 6 and rubric.max_points == 9
    cleaning = rubric.criteria.all()[0]
    assert cleaning.must_pass and cleaning.required_level.name == "Developing"
    assert not rubric.criteria.all()[1].must_pass


def test_a_published_version_is_frozen_a_change_makes_a_new_version(assessed, staff) -> None:
    v1 = assessed.current_version
    changed = services.RubricData(RUBRIC.name, RUBRIC.kind, RUBRIC.description, 8, RUBRIC.criteria)
    v2 = services.assessment_save(
        actor=staff["designer"],
        achievement_id=assessed.pk,
        requirements=REQUIREMENTS[:2],
        rubric=changed,
    )
    assert v2.number == 2 and not v2.is_published
    assert selectors.version_rubric(version=v1).pass_mark == 6
    assert len(selectors.version_requirements(version=v1)) == 5
    assert selectors.version_rubric(version=v2).pass_mark == 8
    assert len(selectors.version_requirements(version=v2)) == 2
    # v2's signed fields are copied from v1
    assert v2.name == v1.name and v2.alignments.count() == v1.alignments.count()


def test_editing_the_badge_carries_requirements_and_rubric_into_the_new_draft(
    assessed, staff
) -> None:
    v2 = achievement_services.achievement_update(
        actor=staff["designer"],
        achievement_id=assessed.pk,
        data=version_data(name="Python for Data Analysis II"),
        image=achievement_services.ImageChoice(),
    )
    assert v2.number == 2
    assert [r.prompt for r in selectors.version_requirements(version=v2)] == [
        r.prompt for r in REQUIREMENTS
    ]
    rubric = selectors.version_rubric(version=v2)
    old = selectors.version_rubric(version=assessed.current_version)
    assert rubric is not None and rubric.pk != old.pk
    assert [c.name for c in rubric.criteria.all()] == [c.name for c in old.criteria.all()]
    assert rubric.criteria.all()[0].required_level.name == "Developing"
    assert rubric.criteria.all()[0].required_level.criterion == rubric.criteria.all()[0]


def test_a_checklist_gets_met_levels_and_must_pass_items(draft, staff) -> None:
    checklist = services.RubricData(
        name="Workshop checklist",
        kind=Rubric.Kind.CHECKLIST,
        criteria=(
            services.CriterionData("Baseline submitted"),
            services.CriterionData("Three measures"),
        ),
    )
    version = services.assessment_save(
        actor=staff["designer"],
        achievement_id=draft.pk,
        requirements=REQUIREMENTS,
        rubric=checklist,
    )
    rubric = selectors.version_rubric(version=version)
    assert rubric.pass_mark == 2
    for criterion in rubric.criteria.all():
        assert [(lv.name, lv.points) for lv in criterion.levels.all()] == [
            ("Not met", 0),
            ("Met", 1),
        ]
        assert criterion.required_level.name == "Met"


@pytest.mark.parametrize(
    ("rubric", "message"),
    [
        (services.RubricData("", criteria=RUBRIC.criteria, pass_mark=6), "Name the rubric"),
        (services.RubricData("R", pass_mark=1), "at least one criterion"),
        (
            services.RubricData(
                "R", criteria=(services.CriterionData("C", levels=levels("Only")),), pass_mark=1
            ),
            "between 2 and",
        ),
        (
            services.RubricData(
                "R",
                criteria=(
                    services.CriterionData(
                        "C", levels=(services.LevelData("High", 3), services.LevelData("Low", 1))
                    ),
                ),
                pass_mark=1,
            ),
            "from the lowest to the highest",
        ),
        (services.RubricData("R", criteria=RUBRIC.criteria, pass_mark=10), "between 1 and 9"),
        (services.RubricData("R", criteria=RUBRIC.criteria, pass_mark=0), "between 1 and 9"),
    ],
)
def test_inconsistent_rubrics_are_refused(draft, staff, rubric, message) -> None:
    with pytest.raises(ApplicationError, match=message):
        services.assessment_save(
            actor=staff["designer"],
            achievement_id=draft.pk,
            requirements=REQUIREMENTS,
            rubric=rubric,
        )
    assert not Rubric.objects.exists() and not EvidenceRequirement.objects.exists()


def test_file_items_need_types(draft, staff) -> None:
    with pytest.raises(ApplicationError, match="which file types"):
        services.assessment_save(
            actor=staff["designer"],
            achievement_id=draft.pk,
            requirements=[services.RequirementData(prompt="Upload", kind="file")],
            rubric=RUBRIC,
        )


def test_only_designers_and_owners_edit_the_assessment(draft, staff) -> None:
    for role in ("assessor", "issuer", "outsider"):
        with pytest.raises(NotFound):
            services.assessment_save(
                actor=staff[role], achievement_id=draft.pk, requirements=REQUIREMENTS, rubric=RUBRIC
            )
    services.assessment_save(
        actor=staff["owner"], achievement_id=draft.pk, requirements=REQUIREMENTS, rubric=RUBRIC
    )


def test_the_public_achievement_document_describes_the_rubric(assessed, client) -> None:
    version = assessed.current_version
    response = client.get(
        reverse("public:achievement_version", args=[assessed.pk, version.number]),
        HTTP_ACCEPT="application/ld+json",
    )
    doc = json.loads(response.content)
    names = [d["name"] for d in doc["resultDescription"]]
    assert names == ["Practical assessment", "Data cleaning", "Analysis", "Communication"]


def test_manual_awards_embed_the_same_achievement(assessed, staff, client_for) -> None:
    response = client_for(staff["issuer"]).post(
        reverse("awards:award", args=[assessed.pk]),
        {"recipient_email": "someone@example.com", "result": "Merit", "confirm": "on"},
    )
    assert response.status_code == 302
    from insignia.web.awards.models import Credential

    doc = json.loads(Credential.objects.get().document)
    descriptions = doc["credentialSubject"]["achievement"]["resultDescription"]
    expected = award_services.engine.achievement_json(
        award_services.engine.achievement_data(
            assessed.current_version,
            doc["credentialSubject"]["achievement"]["id"],
            selectors.version_result_descriptions(version=assessed.current_version),
        ),
        award_services.issuer_profile(assessed.organisation),
    )["resultDescription"]
    assert descriptions == expected
    assert doc["credentialSubject"]["result"] == [{"type": ["Result"], "value": "Merit"}]
