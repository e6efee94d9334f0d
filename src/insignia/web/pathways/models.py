"""Pathways: a goal badge and the tree of requirements that earns it.

A :class:`Pathway` belongs to an organisation and names one of its published badges as the
goal.  Its requirements are :class:`Requirement` rows forming a tree: groups (all of, or at
least *n* of their children) over leaves that each name one badge — one of this platform's
achievements, an outside achievement id (matched against imported badges), or a skill
(matched through the alignments badges declare).  A :class:`PathwayCompletion` records, once
per learner and pathway, that the requirements were met and what followed (the award, or a
review); its unique constraint is what makes the award happen exactly once.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from insignia.web.achievements.models import Achievement
from insignia.web.awards.models import Credential
from insignia.web.issuers.models import Organisation


class Pathway(models.Model):
    """A named goal badge and the requirements that lead to it."""

    class AwardMode(models.TextChoices):
        AUTOMATIC = "automatic", "Award automatically"
        REVIEW = "review", "Queue for an issuer's review"

    class OnDependencyLost(models.TextChoices):
        KEEP = "keep", "Keep the goal badge (record it)"
        SUSPEND = "suspend", "Suspend the goal badge until restored"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="pathways"
    )
    goal = models.ForeignKey(Achievement, on_delete=models.PROTECT, related_name="goal_of")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200)
    description = models.TextField(blank=True)
    is_public = models.BooleanField("public page", default=False)
    #: Only active pathways are evaluated and shown to learners; activation validates the tree.
    is_active = models.BooleanField(default=False)
    award_mode = models.CharField(
        max_length=16, choices=AwardMode.choices, default=AwardMode.AUTOMATIC
    )
    on_dependency_lost = models.CharField(
        max_length=16, choices=OnDependencyLost.choices, default=OnDependencyLost.KEEP
    )
    #: Signs automatic awards as ``issued_by`` (an issuer of the organisation when created).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("name",)
        constraints = [  # noqa: RUF012
            models.UniqueConstraint(fields=["organisation", "slug"], name="pathway_slug"),
        ]

    def __str__(self) -> str:
        return self.name


class Requirement(models.Model):
    """One node of a pathway's requirement tree: a group or a leaf."""

    class Kind(models.TextChoices):
        ALL_OF = "all_of", "All of"
        AT_LEAST = "at_least_n", "At least N of"
        ACHIEVEMENT = "achievement", "A badge of this platform"
        EXTERNAL = "external", "A badge from elsewhere (achievement id)"
        SKILL = "skill", "Any badge aligned to a skill"

    GROUPS = frozenset({Kind.ALL_OF, Kind.AT_LEAST})

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="requirements")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    #: For ``at_least_n`` groups: how many children must be met.
    n = models.PositiveSmallIntegerField(null=True, blank=True)
    achievement = models.ForeignKey(
        Achievement, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: For ``external`` leaves: the outside achievement's id; for ``skill``: the skill's name.
    value = models.CharField(max_length=500, blank=True)
    #: What learners read for external and skill leaves (e.g. the outside badge's name).
    label = models.CharField(max_length=200, blank=True)
    #: Where learners can go to earn an external or skill requirement.
    url = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ("position", "pk")

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"

    @property
    def is_group(self) -> bool:
        return self.kind in self.GROUPS


class PathwayCompletion(models.Model):
    """A learner met a pathway's requirements (at most one row per learner and pathway)."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        AWARDED = "awarded", "Awarded"
        REJECTED = "rejected", "Rejected"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="completions")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pathway_completions"
    )
    state = models.CharField(max_length=16, choices=State.choices)
    #: The holdings that met the requirements: ``[{"kind", "id", "name", "url"}]``.
    satisfied_by = models.JSONField(default=list)
    credential = models.OneToOneField(
        Credential, null=True, blank=True, on_delete=models.SET_NULL, related_name="completion"
    )
    completed_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: Set while the requirements are no longer met because a badge relied on is not valid.
    dependency_lost_at = models.DateTimeField(null=True, blank=True)
    dependency_lost_detail = models.CharField(max_length=500, blank=True)
    #: True when the pathway's policy suspended the goal badge (so restoring reinstates it).
    goal_suspended = models.BooleanField(default=False)

    class Meta:
        ordering = ("-completed_at",)
        constraints = [  # noqa: RUF012
            models.UniqueConstraint(fields=["pathway", "learner"], name="pathway_completion_once"),
        ]

    def __str__(self) -> str:
        return f"{self.pathway} · {self.learner}"


class PathwayProgress(models.Model):
    """The last evaluation of a pathway for a learner who holds at least one requirement
    (what the issuer's funnel counts; the learner's own page evaluates live)."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="progress")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pathway_progress"
    )
    met = models.PositiveIntegerField()
    total = models.PositiveIntegerField()
    satisfied = models.BooleanField(default=False)
    #: The ids of the requirements (leaves) the learner held a valid badge for.
    met_requirements = models.JSONField(default=list)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [  # noqa: RUF012
            models.UniqueConstraint(fields=["pathway", "learner"], name="pathway_progress_once"),
        ]

    def __str__(self) -> str:
        return f"{self.pathway} · {self.learner}: {self.met}/{self.total}"
