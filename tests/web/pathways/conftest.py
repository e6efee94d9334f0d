"""Fixtures for pathways: badges to require, a goal, a learner, and awarding helpers that run
the deferred (on-commit) evaluations the way a committed request would."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from insignia.web.accounts.models import User
from insignia.web.achievements import services as achievement_services
from insignia.web.achievements.models import Achievement
from insignia.web.awards import services as award_services
from insignia.web.awards.models import Credential
from insignia.web.pathways import services
from insignia.web.pathways.models import Pathway
from tests.web.conftest import generated, version_data


@pytest.fixture
def make_badge(org, staff) -> Callable[..., Achievement]:
    def make(name: str, **overrides: Any) -> Achievement:
        achievement = achievement_services.achievement_create(
            actor=staff["designer"],
            organisation_id=org.pk,
            data=version_data(name, **overrides),
            image=generated(),
        )
        achievement_services.achievement_publish(
            actor=staff["designer"], achievement_id=achievement.pk
        )
        achievement.refresh_from_db()
        return achievement

    return make


@pytest.fixture
def badges(make_badge) -> dict[str, Achievement]:
    """Three course badges and the goal they lead to."""
    return {
        "a": make_badge("Data Cleaning", alignments=()),
        "b": make_badge("Data Visualisation", alignments=()),
        "c": make_badge("Statistics", alignments=()),
        "goal": make_badge("Data Analyst", alignments=()),
    }


@pytest.fixture
def learner(make_user) -> User:
    return make_user("jamie.rivera@example.com", "Jamie Rivera")


@pytest.fixture
def award(staff, django_capture_on_commit_callbacks) -> Callable[..., Credential]:
    """Award a badge into the learner's wallet, running what waits for the commit."""

    def give(achievement: Achievement, user: User, **kwargs: Any) -> Credential:
        with django_capture_on_commit_callbacks(execute=True):
            credential = award_services.credential_issue(
                actor=staff["issuer"],
                achievement_id=achievement.pk,
                recipient_email=user.email,
                **kwargs,
            )
            award_services.credential_accept(user=user, credential_id=credential.pk)
        return credential

    return give


@pytest.fixture
def make_pathway(org, staff, badges) -> Callable[..., Pathway]:
    """A pathway towards the goal; ``leaves`` are added to its top group."""

    def make(
        *achievements: Achievement, activate: bool = True, threshold: int | None = None, **kw: Any
    ) -> Pathway:
        pathway = services.pathway_create(
            actor=staff["issuer"],
            organisation_id=org.pk,
            goal_id=kw.pop("goal", badges["goal"]).pk,
            name=kw.pop("name", "Become a data analyst"),
            **kw,
        )
        root = pathway.requirements.get()
        if threshold is not None:
            services.requirement_set_threshold(
                actor=staff["issuer"],
                pathway_id=pathway.pk,
                requirement_id=root.pk,
                kind="at_least_n",
                n=threshold,
            )
        for achievement in achievements:
            services.requirement_add(
                actor=staff["issuer"],
                pathway_id=pathway.pk,
                parent_id=root.pk,
                kind="achievement",
                achievement_id=achievement.pk,
            )
        if activate:
            services.pathway_activate(actor=staff["issuer"], pathway_id=pathway.pk)
        pathway.refresh_from_db()
        return pathway

    return make
