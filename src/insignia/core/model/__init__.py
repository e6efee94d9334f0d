"""Typed, immutable Open Badges 3.0 objects that serialize to exactly what the spec expects.

Build a credential from these classes, call ``to_json()``, and sign the result::

    badge = AchievementCredential(
        id="urn:uuid:…",
        name="Teamwork",
        issuer=Profile(id="https://example.org/issuers/1", name="Example U"),
        valid_from=datetime(2025, 1, 1, tzinfo=UTC),
        credential_subject=AchievementSubject(
            identifier=[hashed_email("learner@example.org", salt)],
            achievement=Achievement(id=…, name="Teamwork", description=…,
                                    criteria=Criteria(narrative="…")),
        ),
    )

Every class validates on construction (raising :class:`~insignia.core.errors.SchemaError`
with a stable ``code``) and offers a strict ``from_json``.
"""

from __future__ import annotations

from insignia.core.model._base import Model
from insignia.core.model.achievement import (
    Achievement,
    Alignment,
    Criteria,
    Related,
    ResultDescription,
    RubricCriterionLevel,
)
from insignia.core.model.badge import (
    AchievementCredential,
    EndorsementCredential,
    EndorsementSubject,
)
from insignia.core.model.credential import (
    OB_EXTENSIONS_CONTEXT,
    CredentialBase,
    CredentialSchema,
    CredentialStatus,
    Evidence,
    RefreshService,
    TermsOfUse,
)
from insignia.core.model.profile import Address, GeoCoordinates, IdentifierEntry, Image, Profile
from insignia.core.model.subject import (
    AchievementSubject,
    HashAlgorithm,
    IdentityObject,
    Result,
    hashed_email,
    identity_hash,
)

__all__ = [
    "OB_EXTENSIONS_CONTEXT",
    "Achievement",
    "AchievementCredential",
    "AchievementSubject",
    "Address",
    "Alignment",
    "CredentialBase",
    "CredentialSchema",
    "CredentialStatus",
    "Criteria",
    "EndorsementCredential",
    "EndorsementSubject",
    "Evidence",
    "GeoCoordinates",
    "HashAlgorithm",
    "IdentifierEntry",
    "IdentityObject",
    "Image",
    "Model",
    "Profile",
    "RefreshService",
    "Related",
    "Result",
    "ResultDescription",
    "RubricCriterionLevel",
    "TermsOfUse",
    "hashed_email",
    "identity_hash",
]
