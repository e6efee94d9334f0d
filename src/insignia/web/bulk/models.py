"""Bulk issuance: an uploaded spreadsheet of recipients (:class:`BulkJob`) and its rows.

Each :class:`BulkRow` is issued at most once: the row is claimed and its credential stored in
the same transaction, and the one-to-one link row → credential is unique.  A job that stops
(paused, cancelled, crashed, worker killed) resumes by processing the rows not yet issued.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from insignia.web.achievements.models import Achievement
from insignia.web.awards.models import Credential
from insignia.web.issuers.models import Organisation

#: The fields a row can carry, in the order of the mapping form and the report.
FIELDS: tuple[tuple[str, str], ...] = (
    ("email", "Email"),
    ("name", "Name"),
    ("evidence_url", "Evidence URL"),
    ("evidence_narrative", "Evidence narrative"),
    ("result", "Result"),
    ("issue_date", "Issue date"),
)


class BulkJob(models.Model):
    """One uploaded file of recipients for one badge."""

    class State(models.TextChoices):
        UPLOADED = "uploaded", "Waiting for the column mapping"
        CHECKED = "checked", "Checked (dry run)"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Issuing"
        PAUSED = "paused", "Paused"
        FAILED = "failed", "Stopped by an error"
        CANCELLED = "cancelled", "Cancelled"
        DONE = "done", "Finished"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="bulk_jobs"
    )
    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="bulk_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    #: SHA-256 of the uploaded bytes: the same file uploaded again opens the same job.
    file_hash = models.CharField(max_length=64)
    headers = models.JSONField(default=list)
    #: field name → column index (see :data:`FIELDS`).
    mapping = models.JSONField(default=dict)
    state = models.CharField(max_length=16, choices=State.choices, default=State.UPLOADED)
    total = models.PositiveIntegerField(default=0)
    valid = models.PositiveIntegerField(default=0)
    invalid = models.PositiveIntegerField(default=0)
    issued = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    #: Last sign of life of the worker running it (a stale one can be resumed).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        constraints = [  # noqa: RUF012
            models.UniqueConstraint(
                fields=["achievement", "file_hash"],
                condition=~Q(state="cancelled"),
                name="bulk_job_one_live_per_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.state})"

    @property
    def done_count(self) -> int:
        return self.issued + self.skipped

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / self.valid) if self.valid else 100


class BulkRow(models.Model):
    """One recipient row; ``number`` is its row number in the spreadsheet (header = 1)."""

    class State(models.TextChoices):
        NEW = "new", "Not checked"
        INVALID = "invalid", "Has problems"
        VALID = "valid", "Ready"
        ISSUED = "issued", "Issued"
        SKIPPED = "skipped", "Skipped"

    job = models.ForeignKey(BulkJob, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField()
    #: The cells as read from the file.
    cells = models.JSONField(default=list)
    #: The mapped, cleaned values (after the dry run).
    data = models.JSONField(default=dict)
    state = models.CharField(max_length=16, choices=State.choices, default=State.NEW)
    errors = models.JSONField(default=list)
    credential = models.OneToOneField(
        Credential, null=True, blank=True, on_delete=models.SET_NULL, related_name="bulk_row"
    )
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("job", "number")
        constraints = [  # noqa: RUF012
            models.UniqueConstraint(fields=["job", "number"], name="bulk_row_unique_number"),
        ]
        indexes = [models.Index(fields=["job", "state", "number"])]  # noqa: RUF012

    def __str__(self) -> str:
        return f"row {self.number} of {self.job_id}"
