"""Request and response shapes of the issuer API (what the OpenAPI document shows)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from ninja import Field, Schema

from insignia.web.achievements.models import AchievementType


class ErrorOut(Schema):
    code: str = Field(description="Stable machine code, e.g. token.insufficient_scope.")
    message: str


class AlignmentIn(Schema):
    target_name: str = Field(max_length=200)
    target_url: str = Field(max_length=500)
    target_framework: str = Field("", max_length=200)
    target_code: str = Field("", max_length=100)
    target_description: str = ""


class DesignIn(Schema):
    """A generated badge image (see the designer for the choices)."""

    colour: str = Field("#3730a3", pattern=r"^#[0-9a-fA-F]{6}$")
    icon: str = "star"
    shape: str = "hexagon"


class AchievementIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1)
    criteria: str = Field(min_length=1)
    achievement_type: AchievementType = AchievementType.MICRO_CREDENTIAL
    language: str = Field("en", max_length=35)
    expiry_months: int | None = Field(None, ge=1, le=600)
    tags: list[str] = Field(default_factory=list, max_length=20)
    alignments: list[AlignmentIn] = Field(default_factory=list, max_length=50)
    design: DesignIn | None = Field(
        None, description="A generated image; on update, omit it to keep the current image."
    )


class AlignmentOut(Schema):
    target_name: str
    target_url: str
    target_framework: str
    target_code: str


class AchievementOut(Schema):
    id: uuid.UUID
    state: str
    name: str
    description: str
    criteria: str
    achievement_type: str
    language: str
    tags: list[str]
    expiry_months: int | None
    image: str
    version: int = Field(description="The newest version (a draft when has_draft).")
    published_version: int | None = Field(description="The version awarded now.")
    has_draft: bool
    alignments: list[AlignmentOut]
    url: str | None = Field(description="The public page of the published version.")
    created_at: datetime
    updated_at: datetime


class PageMeta(Schema):
    count: int
    limit: int
    offset: int
    next: str | None


class AchievementPage(PageMeta):
    items: list[AchievementOut]


class AwardIn(Schema):
    achievement_id: uuid.UUID
    recipient_email: str = Field(max_length=254)
    recipient_name: str = Field("", max_length=150)
    evidence_url: str = Field("", max_length=500)
    evidence_narrative: str = Field("", max_length=5000)
    result: str = Field("", max_length=200)


class CredentialOut(Schema):
    id: uuid.UUID
    credential_id: str = Field(description="The id inside the signed document (urn:uuid:…).")
    achievement_id: uuid.UUID
    achievement_version: int
    recipient_email: str
    recipient_name: str
    issued_at: datetime
    valid_until: datetime | None
    status: str = Field(description="valid · revoked · suspended · expired · not-yet-valid")
    revoked_at: datetime | None
    revocation_reason: str
    suspended_at: datetime | None
    suspension_reason: str
    url: str = Field(description="The public badge page (once the learner makes it public).")


class CredentialDetailOut(CredentialOut):
    document: dict[str, Any] = Field(description="The signed OpenBadgeCredential, as stored.")


class CredentialPage(PageMeta):
    items: list[CredentialOut]


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=500)


class RevokeManyIn(Schema):
    credential_ids: list[uuid.UUID] = Field(min_length=1, max_length=1000)
    reason: str = Field(min_length=1, max_length=500)


class RevokedOut(Schema):
    revoked: int = Field(description="How many were revoked (already revoked ones are skipped).")


class BulkJobOut(Schema):
    id: uuid.UUID
    achievement_id: uuid.UUID
    file_name: str
    state: str
    headers: list[str]
    mapping: dict[str, int]
    total: int
    valid: int
    invalid: int
    issued: int
    skipped: int
    percent: int
    error: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class BulkRowOut(Schema):
    row: int
    values: dict[str, str]
    outcome: str
    credential: str
    problems: list[str]


class BulkReportPage(PageMeta):
    items: list[BulkRowOut]
