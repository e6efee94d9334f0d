"""Earning a badge with evidence: what the learner must show, how it is judged, who may apply,
the applications themselves and the assessors' reviews.

What a learner must provide (:class:`EvidenceRequirement`) and how it is judged
(:class:`Rubric`, :class:`Criterion`, :class:`Level`) hang off an ``AchievementVersion``: they
are part of what a credential is issued for, so they are frozen with the version once it is
published, and a change means a new version.  Who may apply (:class:`AccessPolicy`) is not
signed and belongs to the achievement itself.

An :class:`Application` moves draft → submitted → in review → returned / approved / rejected.
``revision`` counts the learner's submissions (evidence and reviews are kept per revision, so
history is never overwritten); ``row_version`` is the optimistic lock every write checks, so
double submits and two assessors deciding at once are detected.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from insignia.web.achievements.models import Achievement, AchievementVersion
from insignia.web.awards.models import Credential
from insignia.web.issuers.models import Organisation


class EvidenceKind(models.TextChoices):
    TEXT = "text", "Written answer"
    URL = "url", "Link"
    FILE = "file", "File upload"
    ATTESTATION = "attestation", "Attestation (a statement to confirm)"


#: File types a requirement may accept (checked by content, never by name).
FILE_TYPES = {
    "pdf": "PDF document",
    "png": "PNG image",
    "jpeg": "JPEG image",
    "text": "Plain text",
}


class EvidenceRequirement(models.Model):
    """One item the learner must (or may) provide."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.ForeignKey(
        AchievementVersion, on_delete=models.CASCADE, related_name="evidence_requirements"
    )
    position = models.PositiveSmallIntegerField(default=0)
    prompt = models.CharField(max_length=300)
    guidance = models.TextField(blank=True)
    kind = models.CharField(max_length=16, choices=EvidenceKind.choices)
    required = models.BooleanField(default=True)
    #: Written answers: the fewest characters accepted.
    min_length = models.PositiveIntegerField(null=True, blank=True)
    #: File uploads: keys of :data:`FILE_TYPES`.
    file_types = models.JSONField(default=list, blank=True)
    #: File uploads: the largest file accepted (never above the site's limit).
    max_bytes = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("version", "position", "pk")

    def __str__(self) -> str:
        return self.prompt

    @property
    def file_types_label(self) -> str:
        return ", ".join(FILE_TYPES.get(t, t) for t in self.file_types)


class Rubric(models.Model):
    """How an application is judged: criteria scored at levels, and a pass mark.

    A checklist is a rubric whose every criterion has the two levels "Not met" and "Met",
    all of them must-pass.
    """

    class Kind(models.TextChoices):
        POINTS = "points", "Criteria with levels and points"
        CHECKLIST = "checklist", "Pass/fail checklist"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.OneToOneField(
        AchievementVersion, on_delete=models.CASCADE, related_name="rubric"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.POINTS)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    pass_mark = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.name

    @property
    def max_points(self) -> int:
        """The most points possible (uses prefetched criteria and levels when present)."""
        return sum(
            max((level.points for level in c.levels.all()), default=0) for c in self.criteria.all()
        )


class Criterion(models.Model):
    """One thing the assessor judges.  ``required_level`` makes it must-pass."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    #: The lowest level that passes a must-pass criterion (None: not must-pass).
    required_level = models.ForeignKey(
        "Level", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ("rubric", "position", "pk")

    def __str__(self) -> str:
        return self.name

    @property
    def must_pass(self) -> bool:
        return self.required_level_id is not None


class Level(models.Model):
    """A level of a criterion, lowest first."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="levels")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    points = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ("criterion", "position", "pk")

    def __str__(self) -> str:
        return f"{self.name} ({self.points})"


class AccessPolicy(models.Model):
    """Who may apply for a badge, and how many assessors judge each application."""

    class Mode(models.TextChoices):
        CLOSED = "closed", "Closed: awarded by your issuers only"
        OPEN = "open", "Anyone with an account"
        CODE = "code", "People with an invite code"
        LIST = "list", "People on an email list"

    achievement = models.OneToOneField(
        Achievement, on_delete=models.CASCADE, primary_key=True, related_name="access_policy"
    )
    mode = models.CharField(max_length=8, choices=Mode.choices, default=Mode.CLOSED)
    #: 1, or 2 when every decision needs a second, independent assessor.
    reviews_required = models.PositiveSmallIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.achievement_id}: {self.mode}"


class InviteCode(models.Model):
    """A code that lets its holders apply for a badge opened "by invite code"."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    achievement = models.ForeignKey(
        Achievement, on_delete=models.CASCADE, related_name="invite_codes"
    )
    code = models.CharField(max_length=32, unique=True)
    label = models.CharField(max_length=100, blank=True)
    max_uses = models.PositiveIntegerField(null=True, blank=True)
    use_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return self.code

    @property
    def usable(self) -> bool:
        return self.revoked_at is None and (self.max_uses is None or self.use_count < self.max_uses)


class InvitedEmail(models.Model):
    """An address allowed to apply for a badge opened to "an email list"."""

    achievement = models.ForeignKey(
        Achievement, on_delete=models.CASCADE, related_name="invited_emails"
    )
    email = models.EmailField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("email",)
        constraints = [  # noqa: RUF012
            models.UniqueConstraint(fields=["achievement", "email"], name="invited_email_once"),
        ]

    def __str__(self) -> str:
        return self.email


class Application(models.Model):
    """A learner's application for one published version of a badge."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        IN_REVIEW = "in_review", "In review"
        RETURNED = "returned", "Returned for changes"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Not approved"

    class Stage(models.TextChoices):
        """Which review the current revision waits for."""

        FIRST = "first", "First review"
        SECOND = "second", "Second review"
        DECIDING = "deciding", "Owner's deciding review"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications"
    )
    achievement = models.ForeignKey(
        Achievement, on_delete=models.PROTECT, related_name="applications"
    )
    version = models.ForeignKey(
        AchievementVersion, on_delete=models.PROTECT, related_name="applications"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    #: The learner's submission number: evidence and reviews are kept per revision.
    revision = models.PositiveIntegerField(default=1)
    #: Optimistic lock: every write checks it and adds one.
    row_version = models.PositiveIntegerField(default=1)
    reviews_required = models.PositiveSmallIntegerField(default=1)
    review_stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.FIRST)
    #: The assessor working on it now (None: waiting in the queue).
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_started_at = models.DateTimeField(null=True, blank=True)
    #: Two assessors disagreed: the owner decides.
    disagreement = models.BooleanField(default=False)
    invite_code = models.ForeignKey(
        InviteCode, null=True, blank=True, on_delete=models.SET_NULL, related_name="applications"
    )
    #: The credential issued on approval (unique: an application is awarded at most once).
    credential = models.OneToOneField(
        Credential, null=True, blank=True, on_delete=models.PROTECT, related_name="application"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-updated_at",)
        constraints = [  # noqa: RUF012
            # One live application per learner and badge; after a rejection they may try again.
            models.UniqueConstraint(
                fields=["learner", "achievement"],
                condition=~Q(state="rejected"),
                name="application_one_live_per_badge",
            ),
        ]
        indexes = [  # noqa: RUF012
            models.Index(fields=["achievement", "state"]),
            models.Index(fields=["state", "submitted_at"]),
        ]

    def __str__(self) -> str:
        return f"application {self.pk}"

    @property
    def is_editable(self) -> bool:
        return self.state in {self.State.DRAFT, self.State.RETURNED}

    @property
    def is_waiting(self) -> bool:
        return self.state in {self.State.SUBMITTED, self.State.IN_REVIEW}

    @property
    def is_final(self) -> bool:
        return self.state in {self.State.APPROVED, self.State.REJECTED}


class ApplicationEvent(models.Model):
    """The application's history, step by step (never rewritten)."""

    class Kind(models.TextChoices):
        CREATED = "created", "Started the application"
        SUBMITTED = "submitted", "Submitted"
        RESUBMITTED = "resubmitted", "Resubmitted with changes"
        REVIEW_STARTED = "review_started", "An assessor started the review"
        REVIEW_RELEASED = "review_released", "Put back in the queue"
        REVIEW_TAKEN_OVER = "review_taken_over", "Another assessor took over the review"
        REVIEWED = "reviewed", "First review recorded; a second assessor reviews it too"
        DISAGREEMENT = "disagreement", "The assessors disagreed; the owner decides"
        RETURNED = "returned", "Returned for changes"
        APPROVED = "approved", "Approved; the badge was issued"
        REJECTED = "rejected", "Not approved"
        CONFLICT = "conflict", "An assessor declared a conflict of interest"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    revision = models.PositiveIntegerField()
    kind = models.CharField(max_length=24, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"{self.application_id} {self.kind}"


class EvidenceItem(models.Model):
    """What the learner provided for one requirement in one revision.

    ``id`` is the opaque id of its URL (``/evidence/<id>/``), which goes into the credential:
    it answers only to the learner and the badge's assessors, and to anyone once the learner
    makes the item public.  Files live in private storage under ``file_path``.
    """

    class Visibility(models.TextChoices):
        PRIVATE = "private", "Private"
        PUBLIC = "public", "Public"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="evidence")
    requirement = models.ForeignKey(EvidenceRequirement, on_delete=models.PROTECT, related_name="+")
    revision = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    url = models.URLField(max_length=500, blank=True)
    attested = models.BooleanField(default=False)
    file_name = models.CharField(max_length=120, blank=True)
    file_path = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=64, blank=True)
    file_size = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    visibility = models.CharField(
        max_length=8, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ("application", "revision", "requirement__position")
        constraints = [  # noqa: RUF012
            models.UniqueConstraint(
                fields=["application", "requirement", "revision"], name="evidence_item_once"
            ),
        ]

    def __str__(self) -> str:
        return f"evidence {self.pk}"

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC

    @property
    def has_file(self) -> bool:
        return bool(self.file_path)

    @property
    def is_image(self) -> bool:
        return self.content_type in {"image/png", "image/jpeg"}


class Review(models.Model):
    """One assessor's judgement of one revision."""

    class Decision(models.TextChoices):
        APPROVE = "approve", "Approve"
        RETURN = "return", "Return for changes"
        REJECT = "reject", "Reject"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    revision = models.PositiveIntegerField()
    stage = models.CharField(max_length=16, choices=Application.Stage.choices)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=8, choices=Decision.choices)
    feedback = models.TextField()
    total_points = models.PositiveIntegerField(null=True, blank=True)
    #: Whether the scores meet the rubric (pass mark and every must-pass criterion).
    meets_rubric = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ("created_at", "pk")
        constraints = [  # noqa: RUF012
            # Two assessors deciding the same review at once: the second insert fails.
            models.UniqueConstraint(
                fields=["application", "revision", "stage"], name="review_once_per_stage"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision} of {self.application_id} r{self.revision}"


class CriterionScore(models.Model):
    """The level an assessor gave one criterion, with feedback."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(
        Level, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    feedback = models.TextField(blank=True)

    class Meta:
        ordering = ("review", "criterion__position")
        constraints = [  # noqa: RUF012
            models.UniqueConstraint(fields=["review", "criterion"], name="score_once"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.level_id}"


class ConflictOfInterest(models.Model):
    """An assessor who must not judge a learner's applications in an organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="conflicts_of_interest"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [  # noqa: RUF012
            models.UniqueConstraint(
                fields=["organisation", "assessor", "learner"], name="conflict_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessor_id} ≠ {self.learner_id}"
