"""Site staff edit the synonym groups of skills; search follows at once; nobody else may."""

from __future__ import annotations

import pytest
from django.urls import reverse

from insignia.web.common.errors import NotFound
from insignia.web.talent import selectors, services
from insignia.web.talent.models import BadgeSkill, Skill, SkillSynonym
from tests.web.talent.test_summary import summary_is_the_index_aggregate
from tests.web.talent.test_talent import _holding, _names
from tests.web.test_accessibility import audit


@pytest.fixture
def admin(make_user):
    person = make_user("site.admin@insignia.example", "Sita Admin")
    person.is_staff = True
    person.save()
    return person


def test_only_site_staff_reach_the_pages(client_for, admin, staff, make_user) -> None:
    pages = [reverse("talent:skills"), reverse("talent:skill_edit", args=["python"])]
    for person in (staff["owner"], make_user("lee@example.com")):
        for url in pages:
            assert client_for(person).get(url).status_code == 404
            assert client_for(person).post(url, {"name": "Hacked"}).status_code == 404
    assert client_for(None).get(pages[0]).status_code == 302  # to sign in
    with pytest.raises(NotFound):
        services.skill_group_update(actor=staff["owner"], key="python", name="x", aliases=[])
    assert Skill.objects.get(key="python").name == "Python"
    for url in pages:
        assert client_for(admin).get(url).status_code == 200


def test_pages_are_accessible(client_for, admin) -> None:
    client = client_for(admin)
    for url in (
        reverse("talent:skills") + "?q=python",
        reverse("talent:skill_edit", args=["python"]),
    ):
        response = client.get(url)
        page = audit(response.content.decode())
        assert page.lang and page.h1 == 1 and page.scripts == 0, url
        assert {"main", "header", "footer", "nav"} <= page.tags, url
        unlabelled = [
            c
            for c in page.controls
            if c.get("id") not in page.label_for and not c.get("aria-label")
        ]
        assert len(unlabelled) <= page.controls_in_labels, url
    listing = client.get(reverse("talent:skills") + "?q=analyse").content.decode()
    assert "Data analysis" in listing and "Teamwork" not in listing


def test_moving_a_wording_regroups_the_badges_already_found(
    client_for, admin, make_user, staff, badges
) -> None:
    # "Query databases" is seeded as SQL; an admin decides it is a skill of its own, then
    # that "Teamwork" also means "collaboration" (already seeded) and "pair work".
    _holding(make_user, staff, badges, "ada@example.com", ["sql"])
    assert _names(all_skills=("sql",)) == ["ada@example.com"]
    client = client_for(admin)
    aliases = "\n".join(
        a
        for a in SkillSynonym.objects.filter(skill__key="sql").values_list("alias", flat=True)
        if a != "query databases"
    )
    url = reverse("talent:skill_edit", args=["sql"])
    response = client.post(url, {"name": "SQL", "aliases": aliases})
    assert response.status_code == 302
    assert _names(all_skills=("sql",)) == []
    assert _names(all_skills=("query databases",)) == ["ada@example.com"]
    summary_is_the_index_aggregate()
    # Move it back, from the SQL group's page: the split-off skill is left empty and removed.
    client.post(
        url, {"name": "Structured Query Language", "aliases": aliases + "\nQuery databases"}
    )
    assert _names(all_skills=("sql",)) == ["ada@example.com"]
    assert not Skill.objects.filter(key="query databases").exists()
    assert Skill.objects.get(key="sql").name == "Structured Query Language"
    teamwork = reverse("talent:skill_edit", args=["teamwork"])
    client.post(teamwork, {"name": "Teamwork", "aliases": "team work\nPair work"})
    assert SkillSynonym.objects.get(alias="pair work").skill.key == "teamwork"
    assert _names(all_skills=("pair work",)) == ["ada@example.com"]
    summary_is_the_index_aggregate()


def test_merging_two_skills(client_for, admin, make_user, staff, badges) -> None:
    _holding(make_user, staff, badges, "ada@example.com", ["python", "sql"])
    _holding(make_user, staff, badges, "ben@example.com", ["sql"])
    client = client_for(admin)
    url = reverse("talent:skill_edit", args=["data analysis"])
    refused = client.post(url, {"into": "no such skill"})
    assert "No skill is called that" in refused.content.decode()
    response = client.post(url, {"into": "Teamwork"})
    assert response.status_code == 302
    assert not Skill.objects.filter(key="data analysis").exists()
    assert SkillSynonym.objects.get(alias="analyse data").skill.key == "teamwork"
    # Ada's python badge declared "data analysis": it now shows teamwork (once, not twice).
    result = selectors.talent_search(query=selectors.SearchQuery(all_skills=("teamwork",)))
    assert {c.profile.user.email for c in result.candidates} == {
        "ada@example.com",
        "ben@example.com",
    }
    assert BadgeSkill.objects.filter(skill__key="teamwork").count() == 3
    assert _names(all_skills=("data analysis", "python")) == ["ada@example.com"]
    summary_is_the_index_aggregate()
