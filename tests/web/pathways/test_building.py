"""Building pathways: who may, what a tree may look like, and cycles refused by name."""

from __future__ import annotations

import pytest

from insignia.web.common.errors import ApplicationError, NotFound
from insignia.web.pathways import services
from insignia.web.pathways.models import Pathway, Requirement


def test_only_issuers_build_pathways(org, staff, badges) -> None:
    for role in ("designer", "assessor", "outsider"):
        with pytest.raises(NotFound):
            services.pathway_create(
                actor=staff[role], organisation_id=org.pk, goal_id=badges["goal"].pk, name="X"
            )
    pathway = services.pathway_create(
        actor=staff["owner"], organisation_id=org.pk, goal_id=badges["goal"].pk, name="X"
    )
    assert pathway.requirements.get().kind == "all_of" and not pathway.is_active


def test_the_goal_must_be_a_published_badge_of_the_organisation(
    org, staff, make_user, draft
) -> None:
    with pytest.raises(ApplicationError, match="published badges") as exc:
        services.pathway_create(
            actor=staff["issuer"], organisation_id=org.pk, goal_id=draft.pk, name="X"
        )
    assert exc.value.field == "goal"


def test_slugs_are_unique_per_organisation(make_pathway) -> None:
    first = make_pathway(activate=False)
    second = make_pathway(activate=False)
    assert (first.slug, second.slug) == ("become-a-data-analyst", "become-a-data-analyst-2")


def test_an_empty_pathway_cannot_be_activated(make_pathway, staff) -> None:
    pathway = make_pathway(activate=False)
    with pytest.raises(ApplicationError, match="group is empty"):
        services.pathway_activate(actor=staff["issuer"], pathway_id=pathway.pk)


def test_nesting_and_thresholds(make_pathway, staff, badges) -> None:
    pathway = make_pathway(badges["a"], activate=False)
    root = pathway.requirements.get(parent=None)
    group = services.requirement_add(
        actor=staff["issuer"], pathway_id=pathway.pk, parent_id=root.pk, kind="at_least_n", n=3
    )
    for badge in (badges["b"], badges["c"]):
        services.requirement_add(
            actor=staff["issuer"],
            pathway_id=pathway.pk,
            parent_id=group.pk,
            kind="achievement",
            achievement_id=badge.pk,
        )
    with pytest.raises(ApplicationError, match=r"N between 1 and 2 .* not 3"):
        services.pathway_activate(actor=staff["issuer"], pathway_id=pathway.pk)
    services.requirement_set_threshold(
        actor=staff["issuer"],
        pathway_id=pathway.pk,
        requirement_id=group.pk,
        kind="at_least_n",
        n=1,
    )
    services.pathway_activate(actor=staff["issuer"], pathway_id=pathway.pk)
    # an active pathway stays valid: emptying a group is refused and changes nothing
    (leaf_b, leaf_c) = group.children.all()
    services.requirement_remove(
        actor=staff["issuer"], pathway_id=pathway.pk, requirement_id=leaf_b.pk
    )
    with pytest.raises(ApplicationError, match="group is empty"):
        services.requirement_remove(
            actor=staff["issuer"], pathway_id=pathway.pk, requirement_id=leaf_c.pk
        )
    with pytest.raises(ApplicationError, match="cannot be removed"):
        services.requirement_remove(
            actor=staff["issuer"], pathway_id=pathway.pk, requirement_id=root.pk
        )


def test_groups_nest_at_most_four_deep(make_pathway, staff) -> None:
    pathway = make_pathway(activate=False)
    parent = pathway.requirements.get()
    for _ in range(3):
        parent = services.requirement_add(
            actor=staff["issuer"], pathway_id=pathway.pk, parent_id=parent.pk, kind="all_of"
        )
    with pytest.raises(ApplicationError, match="at most 4 deep"):
        services.requirement_add(
            actor=staff["issuer"], pathway_id=pathway.pk, parent_id=parent.pk, kind="all_of"
        )


def test_leaves_must_name_something(make_pathway, staff, badges, draft) -> None:
    pathway = make_pathway(activate=False)
    root = pathway.requirements.get()

    def add(**kw):
        return services.requirement_add(
            actor=staff["issuer"], pathway_id=pathway.pk, parent_id=root.pk, **kw
        )

    with pytest.raises(ApplicationError, match="published badge"):
        add(kind="achievement", achievement_id=draft.pk)
    with pytest.raises(ApplicationError, match="its own requirements"):
        add(kind="achievement", achievement_id=badges["goal"].pk)
    with pytest.raises(ApplicationError, match="achievement id"):
        add(kind="external", value="  ")
    with pytest.raises(ApplicationError, match="Name the skill"):
        add(kind="skill", value="!!")
    skill = add(kind="skill", value="  Data  Analysis. ")
    assert skill.value == "data analysis"
    assert Requirement.objects.filter(pathway=pathway).count() == 2


def test_a_cycle_of_pathways_is_refused_naming_it(org, staff, badges, make_pathway) -> None:
    # earning the goal requires A; a second pathway makes A require the goal
    make_pathway(badges["a"])
    second = services.pathway_create(
        actor=staff["issuer"], organisation_id=org.pk, goal_id=badges["a"].pk, name="Back"
    )
    services.requirement_add(
        actor=staff["issuer"],
        pathway_id=second.pk,
        parent_id=second.requirements.get().pk,
        kind="achievement",
        achievement_id=badges["goal"].pk,
    )
    with pytest.raises(ApplicationError) as exc:
        services.pathway_activate(actor=staff["issuer"], pathway_id=second.pk)
    assert exc.value.message == (
        "This would make a cycle of pathways: earning “Data Cleaning” requires “Data Analyst”, "
        "and earning “Data Analyst” requires “Data Cleaning”."
    )
    assert not Pathway.objects.get(pk=second.pk).is_active


def test_a_longer_cycle_added_to_an_active_pathway_is_refused(
    org, staff, badges, make_pathway
) -> None:
    make_pathway(badges["a"])  # goal ← a
    via_b = make_pathway(badges["b"], goal=badges["a"], name="A path")  # a ← b
    third = make_pathway(badges["c"], goal=badges["b"], name="B path")  # b ← c
    with pytest.raises(ApplicationError, match="cycle of pathways: earning “Data Visualisation”"):
        services.requirement_add(
            actor=staff["issuer"],
            pathway_id=third.pk,
            parent_id=third.requirements.get(parent=None).pk,
            kind="achievement",
            achievement_id=badges["goal"].pk,
        )
    assert third.requirements.count() == 2 and via_b.is_active
