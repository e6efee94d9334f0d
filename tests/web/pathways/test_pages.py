"""Pathway pages: the builder without JavaScript, access control, the learner's progress and
"what's next", the public page with Open Graph tags, reviews and the funnel; every new page
passes the site's structural accessibility audit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from insignia.web.awards.models import Credential
from insignia.web.pathways.models import Pathway, PathwayCompletion, Requirement
from tests.web.test_accessibility import audit


def assert_accessible(response) -> None:
    html = response.content.decode()
    page = audit(html)
    assert page.lang and page.h1 == 1
    assert {"main", "header", "footer", "nav"} <= page.tags
    assert page.scripts == 0
    unlabelled = [
        c for c in page.controls if c.get("id") not in page.label_for and not c.get("aria-label")
    ]
    assert len(unlabelled) <= page.controls_in_labels, unlabelled
    assert all(img.get("alt") is not None for img in page.images)


@pytest.fixture
def started(badges, learner, award, make_pathway):
    pathway = make_pathway(badges["a"], badges["b"], is_public=True, description="Two steps.")
    credential = award(badges["a"], learner)
    return pathway, credential


def test_the_builder_creates_a_pathway_and_its_tree_by_forms(
    org, staff, badges, client_for, django_capture_on_commit_callbacks
) -> None:
    client = client_for(staff["issuer"])
    response = client.post(
        reverse("pathways:create", args=[org.pk]),
        {
            "name": "Analyst track",
            "goal": badges["goal"].pk,
            "description": "",
            "award_mode": "automatic",
            "on_dependency_lost": "suspend",
        },
    )
    pathway = Pathway.objects.get(name="Analyst track")
    assert response.status_code == 302 and response["Location"].endswith(
        reverse("pathways:builder", args=[pathway.pk])
    )
    root = pathway.requirements.get()
    add = reverse("pathways:requirement_add", args=[pathway.pk])
    response = client.post(add, {"parent": root.pk, "kind": "at_least_n", "n": 1})
    assert response.status_code == 302
    group = pathway.requirements.get(kind="at_least_n")
    client.post(add, {"parent": group.pk, "kind": "achievement", "achievement": badges["a"].pk})
    client.post(
        add,
        {"parent": group.pk, "kind": "external", "value": "https://x.example/ach/1", "label": "X"},
    )
    response = client.post(add, {"parent": root.pk, "kind": "skill", "value": ""})
    assert response.status_code == 400 and "Name the skill" in response.content.decode()
    assert Requirement.objects.filter(pathway=pathway).count() == 4
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("pathways:activate", args=[pathway.pk]))
    pathway.refresh_from_db()
    assert pathway.is_active and pathway.on_dependency_lost == "suspend"
    page = client.get(reverse("pathways:builder", args=[pathway.pk]))
    assert "At least 1 of these" in page.content.decode()
    assert_accessible(page)


def test_activation_problems_are_shown_in_words(make_pathway, staff, client_for) -> None:
    pathway = make_pathway(activate=False)
    client = client_for(staff["issuer"])
    response = client.post(reverse("pathways:activate", args=[pathway.pk]), follow=True)
    assert "the group is empty" in response.content.decode()
    assert not Pathway.objects.get(pk=pathway.pk).is_active


def test_issuer_pages_answer_404_to_everyone_else(started, staff, client_for, learner) -> None:
    pathway, _ = started
    urls = [
        reverse("pathways:builder", args=[pathway.pk]),
        reverse("pathways:reviews", args=[pathway.pk]),
        reverse("pathways:analytics", args=[pathway.pk]),
        reverse("pathways:list", args=[pathway.organisation_id]),
    ]
    for user in (staff["designer"], staff["assessor"], staff["outsider"], learner):
        for url in urls:
            assert client_for(user).get(url).status_code == 404, url
        response = client_for(user).post(reverse("pathways:deactivate", args=[pathway.pk]))
        assert response.status_code == 404
    assert client_for(None).get(urls[0]).status_code == 302  # to the sign-in page
    for url in urls:
        response = client_for(staff["owner"]).get(url)
        assert response.status_code == 200
        assert_accessible(response)


def test_the_learner_sees_progress_missing_items_and_links(started, learner, client_for, badges):
    response = client_for(learner).get(reverse("pathways:progress"))
    html = response.content.decode()
    assert "Become a data analyst" in html and "1 of 2 requirements" in html
    assert "Data Visualisation (Northbridge University)" in html
    assert reverse("public:achievement", args=[badges["b"].pk]) in html
    assert_accessible(response)


def test_whats_next_on_an_earned_badge(started, learner, client_for) -> None:
    _, credential = started
    response = client_for(learner).get(reverse("wallet:detail", args=[credential.pk]))
    html = response.content.decode()
    assert "What&#x27;s next" in html or "What's next" in html
    assert "1 of 2 towards “Data Analyst”" in html and "next: Data Visualisation" in html


def test_the_public_page_has_open_graph_tags_and_links(started, client_for, badges) -> None:
    pathway, _ = started
    response = client_for(None).get(reverse("pathways:public", args=[pathway.pk]))
    html = response.content.decode()
    assert '<meta property="og:title" content="Become a data analyst">' in html
    assert '<meta property="og:description" content="Two steps.">' in html
    assert 'property="og:image" content="http' in html
    assert reverse("public:achievement", args=[badges["a"].pk]) in html
    assert reverse("account_signup") in html
    assert_accessible(response)


def test_private_or_inactive_pathways_have_no_public_page(make_pathway, badges, client_for):
    hidden = make_pathway(badges["a"], is_public=False)
    inactive = make_pathway(badges["a"], is_public=True, activate=False)
    for p in (hidden, inactive):
        assert client_for(None).get(reverse("pathways:public", args=[p.pk])).status_code == 404


def test_reviews_page_approves_into_the_wallet(
    badges, learner, award, make_pathway, staff, client_for
) -> None:
    pathway = make_pathway(badges["a"], award_mode="review")
    award(badges["a"], learner)
    completion = PathwayCompletion.objects.get(pathway=pathway)
    client = client_for(staff["issuer"])
    page = client.get(reverse("pathways:reviews", args=[pathway.pk]))
    assert "Jamie Rivera" in page.content.decode()
    assert_accessible(page)
    client.post(
        reverse("pathways:decide", args=[pathway.pk, completion.pk]), {"decision": "approve"}
    )
    assert Credential.objects.get(achievement=badges["goal"]).wallet_item.user == learner


def test_the_funnel_counts_started_halfway_and_completed(
    badges, make_user, award, make_pathway, staff, client_for
) -> None:
    pathway = make_pathway(badges["a"], badges["b"], badges["c"])
    people = [make_user(f"learner{i}@example.com") for i in range(3)]
    award(badges["a"], people[0])
    for b in ("a", "b"):
        award(badges[b], people[1])
    for b in ("a", "b", "c"):
        award(badges[b], people[2])
    response = client_for(staff["issuer"]).get(reverse("pathways:analytics", args=[pathway.pk]))
    funnel = response.context["funnel"]
    assert (funnel.started, funnel.progressed, funnel.completed) == (3, 2, 1)
    assert response.context["reach"] == [
        ("Data Cleaning (Northbridge University)", 3),
        ("Data Visualisation (Northbridge University)", 2),
        ("Statistics (Northbridge University)", 1),
    ]
    html = response.content.decode()
    assert '<svg class="chart chart--bars"' in html and "Halfway or more" in html
