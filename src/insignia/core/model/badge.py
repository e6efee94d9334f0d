"""The two credentials Insignia issues: OpenBadgeCredential and EndorsementCredential.

Both are built unsigned; a proof suite signs ``to_json()``.  Construction already enforces
what the 1EdTech schema and our conformance rules demand, so a credential that can be built
passes :func:`insignia.core.schema.validate_achievement_credential` (tested on every builder).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from insignia.core.model._base import Kind, Model, fail, js
from insignia.core.model.credential import CredentialBase, Evidence
from insignia.core.model.profile import COMPACT_JWS, Image
from insignia.core.model.subject import AchievementSubject


@dataclass(frozen=True, kw_only=True)
class AchievementCredential(CredentialBase):
    """An OB 3.0 ``OpenBadgeCredential`` (``AchievementCredential`` is accepted when reading).

    :param credential_subject: the learner and the achievement.
    :param evidence: evidence of the work (in OB 3.0 it hangs off the credential).
    :param endorsement: signed EndorsementCredential documents about this credential.
    """

    CREDENTIAL_TYPES = ("OpenBadgeCredential", "AchievementCredential")
    NEEDS_CONTEXT = frozenset({"endorsement_jwt"})

    image: Image | None = field(default=None, metadata=js("image", Image))
    credential_subject: AchievementSubject = field(
        metadata=js("credentialSubject", AchievementSubject)
    )
    evidence: Sequence[Evidence] = field(default=(), metadata=js("evidence", Evidence, many=True))
    endorsement: Sequence[Mapping[str, Any]] = field(
        default=(), metadata=js("endorsement", Kind.OBJECT, many=True)
    )
    endorsement_jwt: Sequence[str] = field(
        default=(), metadata=js("endorsementJwt", Kind.STR, many=True)
    )

    def _check(self) -> None:
        CredentialBase._check(self)
        for token in self.endorsement_jwt:
            if not COMPACT_JWS.fullmatch(token):
                raise fail(
                    "AchievementCredential",
                    "endorsement_jwt",
                    "holds a value that is not a compact JWS.",
                    "model.bad_pattern",
                )


@dataclass(frozen=True, slots=True, kw_only=True)
class EndorsementSubject(Model):
    """What is endorsed (a credential, achievement or profile, by id) and the endorser's words."""

    JSON_TYPE = ("EndorsementSubject",)
    id: str = field(metadata=js("id", Kind.URI))
    endorsement_comment: str | None = field(
        default=None, metadata=js("endorsementComment", Kind.STR)
    )


@dataclass(frozen=True, kw_only=True)
class EndorsementCredential(CredentialBase):
    """An OB 3.0 ``EndorsementCredential``: a third party vouches for a badge or its issuer."""

    CREDENTIAL_TYPES = ("EndorsementCredential",)

    credential_subject: EndorsementSubject = field(
        metadata=js("credentialSubject", EndorsementSubject)
    )
