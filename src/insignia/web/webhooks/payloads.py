"""What each event says: the JSON envelope and the data of credentials and applications.

Envelope: ``{"id", "type", "created_at", "organisation_id", "data"}``; ``id`` is the event's
own id (the same in every subscription's copy; ``Webhook-Id`` names the copy).  The data holds
what the issuer already knows: the recipient's address as the issuer typed it (never a
learner's account address), the public and staff URLs, the achievement, and per event the
reason or time of the change.  The JSON text is made once per event and stored verbatim.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.urls import reverse

from insignia.web.achievements.models import AchievementVersion
from insignia.web.awards.models import Credential
from insignia.web.earning.models import Application


def iso(moment: datetime | None) -> str | None:
    """UTC, seconds, ``Z``."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _absolute(name: str, *args: Any) -> str:
    return settings.INSIGNIA_BASE_URL + reverse(name, args=args)


def achievement_data(version: AchievementVersion) -> dict[str, Any]:
    return {
        "id": str(version.achievement_id),
        "name": version.name,
        "version": version.number,
        "url": _absolute("public:achievement", version.achievement_id),
    }


def credential_data(credential: Credential, version: AchievementVersion) -> dict[str, Any]:
    """The credential as the issuer's systems need it (no signed document: fetch ``json_url``
    once the learner made it public, or read it in the staff page)."""
    data: dict[str, Any] = {
        "id": credential.credential_id,
        "uuid": str(credential.pk),
        "url": _absolute("public:credential", credential.pk),
        "json_url": _absolute("public:credential_json", credential.pk),
        "manage_url": _absolute("awards:detail", credential.pk),
        "recipient": {"email": credential.recipient_email, "name": credential.recipient_name},
        "issued_at": iso(credential.issued_at),
        "valid_until": iso(credential.valid_until),
        "claimed": credential.recipient_user_id is not None,
        "achievement": achievement_data(version),
    }
    if credential.supersedes_id:
        data["supersedes"] = f"urn:uuid:{credential.supersedes_id}"
        data["supersede_kind"] = credential.supersede_kind
    if credential.revoked_at:
        data["revoked_at"] = iso(credential.revoked_at)
        data["revocation_reason"] = credential.revocation_reason
    if credential.suspended_at:
        data["suspended_at"] = iso(credential.suspended_at)
        data["suspension_reason"] = credential.suspension_reason
    return data


def application_data(application: Application) -> dict[str, Any]:
    """A submitted application: who (their name, as assessors see it) and for which badge."""
    return {
        "id": str(application.pk),
        "review_url": _absolute("earning:review", application.pk),
        "revision": application.revision,
        "state": application.state,
        "submitted_at": iso(application.submitted_at),
        "applicant": {"name": application.learner.display_name},
        "achievement": achievement_data(application.version),
    }


def envelope(
    *,
    event_id: uuid.UUID,
    event_type: str,
    created_at: datetime,
    organisation_id: uuid.UUID,
    data: dict[str, Any],
) -> str:
    """The JSON text of one event (compact, UTF-8 characters kept)."""
    return json.dumps(
        {
            "id": str(event_id),
            "type": event_type,
            "created_at": iso(created_at),
            "organisation_id": str(organisation_id),
            "data": data,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
