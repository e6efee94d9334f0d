"""Who earned it: the AchievementSubject, its identity objects and its results.

Learners without a DID are identified by a *salted hash* of their email address
(``identityType: emailAddress``), so the credential proves "awarded to whoever owns this
address" without printing the address (OB 3.0 IdentityHash; standards notes DM-33/DM-34).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from insignia.core.errors import SchemaError
from insignia.core.model._base import EXTRA, Kind, Model, fail, js, no_extra
from insignia.core.model.achievement import Achievement, Alignment
from insignia.core.model.enums import IDENTIFIER_TYPES, RESULT_STATUSES, check_term
from insignia.core.model.profile import Image, Profile

HashAlgorithm = Literal["sha256", "md5"]
_IDENTITY_HASH = re.compile(r"(sha256)\$[0-9a-fA-F]{64}|(md5)\$[0-9a-fA-F]{32}")


def identity_hash(value: str, salt: str | None, alg: HashAlgorithm = "sha256") -> str:
    """Return the OB IdentityHash ``"<alg>$<hex>"`` of ``value`` with ``salt`` appended.

    ``md5`` exists only to check old badges; never issue with it.

    :raises SchemaError: for an unknown algorithm or non-string input.
    """
    if not isinstance(value, str) or not (salt is None or isinstance(salt, str)):
        raise SchemaError("identity_hash needs a string value and salt.", code="model.wrong_type")
    if alg not in ("sha256", "md5"):
        raise SchemaError(f"Unknown identity hash algorithm {alg!r}.", code="model.bad_enum")
    data = (value + (salt or "")).encode("utf-8")
    digest = hashlib.new(alg, data, usedforsecurity=alg == "sha256").hexdigest()
    return f"{alg}${digest}"


@dataclass(frozen=True, slots=True, kw_only=True)
class IdentityObject(Model):
    """One way of identifying the recipient (OB 3.0 ``IdentityObject``)."""

    JSON_TYPE = "IdentityObject"
    hashed: bool = field(metadata=js("hashed", Kind.BOOL))
    identity_hash: str = field(metadata=js("identityHash", Kind.STR))
    identity_type: str = field(metadata=js("identityType", Kind.STR))
    salt: str | None = field(default=None, metadata=js("salt", Kind.STR))

    def _check(self) -> None:
        check_term(self.identity_type, IDENTIFIER_TYPES, "IdentityObject.identity_type")
        if self.hashed and not _IDENTITY_HASH.fullmatch(self.identity_hash):
            raise fail(
                "IdentityObject",
                "identity_hash",
                "must read 'sha256$' followed by 64 hex digits when hashed.",
                "model.bad_identity_hash",
            )

    def matches(self, value: str) -> bool:
        """True when ``value`` (a known plaintext identifier) is the one this object names.

        Implements OB 3.0 §9.3: hash with the stored salt and the algorithm named before ``$``,
        compare hex digits case-insensitively (in constant time).
        """
        given: object = value
        if not isinstance(given, str):
            return False
        if not self.hashed:
            return hmac.compare_digest(value.encode(), self.identity_hash.encode())
        alg, _, _ = self.identity_hash.partition("$")
        expected = identity_hash(value, self.salt, "md5" if alg == "md5" else "sha256")
        return hmac.compare_digest(expected.lower().encode(), self.identity_hash.lower().encode())


def hashed_email(email: str, salt: str) -> IdentityObject:
    """Identify a recipient by the salted SHA-256 of their email address.

    The address is only trimmed, never lower-cased: OB 3.0 does not define normalization, and
    a verifier hashes exactly what it is given.  Use a fresh random salt per credential.
    """
    if not isinstance(email, str) or not isinstance(salt, str) or not salt:
        raise SchemaError(
            "hashed_email needs an email string and a non-empty salt.", code="model.wrong_type"
        )
    return IdentityObject(
        hashed=True,
        identity_hash=identity_hash(email.strip(), salt),
        identity_type="emailAddress",
        salt=salt,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class Result(Model):
    """A result the learner obtained, described by one of the achievement's ResultDescriptions."""

    JSON_TYPE = ("Result",)
    result_description: str | None = field(default=None, metadata=js("resultDescription", Kind.URI))
    achieved_level: str | None = field(default=None, metadata=js("achievedLevel", Kind.URI))
    status: str | None = field(default=None, metadata=js("status", Kind.STR))
    value: str | None = field(default=None, metadata=js("value", Kind.STR))
    alignment: Sequence[Alignment] = field(
        default=(), metadata=js("alignment", Alignment, many=True)
    )

    def _check(self) -> None:
        check_term(self.status, RESULT_STATUSES, "Result.status", extensible=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class AchievementSubject(Model):
    """The recipient and what they achieved (OB 3.0 ``AchievementSubject``).

    Either ``id`` (e.g. the learner's DID) or at least one ``identifier`` is required.
    """

    JSON_TYPE = ("AchievementSubject",)
    id: str | None = field(default=None, metadata=js("id", Kind.URI))
    identifier: Sequence[IdentityObject] = field(
        default=(), metadata=js("identifier", IdentityObject, many=True)
    )
    achievement: Achievement = field(metadata=js("achievement", Achievement))
    result: Sequence[Result] = field(default=(), metadata=js("result", Result, many=True))
    source: Profile | None = field(default=None, metadata=js("source", Profile))
    credits_earned: float | None = field(default=None, metadata=js("creditsEarned", Kind.NUMBER))
    activity_start_date: datetime | None = field(
        default=None, metadata=js("activityStartDate", Kind.DATETIME)
    )
    activity_end_date: datetime | None = field(
        default=None, metadata=js("activityEndDate", Kind.DATETIME)
    )
    license_number: str | None = field(default=None, metadata=js("licenseNumber", Kind.STR))
    narrative: str | None = field(default=None, metadata=js("narrative", Kind.STR))
    role: str | None = field(default=None, metadata=js("role", Kind.STR))
    term: str | None = field(default=None, metadata=js("term", Kind.STR))
    image: Image | None = field(default=None, metadata=js("image", Image))
    extra: Mapping[str, Any] = field(default_factory=no_extra, metadata=EXTRA)

    def _check(self) -> None:
        if self.id is None and not self.identifier:
            raise fail(
                "AchievementSubject",
                "identifier",
                "or AchievementSubject.id is required: the recipient must be identifiable.",
                "model.unidentified",
            )
        known = {d.id: d for d in self.achievement.result_description}
        for result in self.result:
            ref = result.result_description
            if ref is not None and ref not in known:
                raise fail(
                    "AchievementSubject",
                    "result",
                    f"refers to {ref!r}, which the achievement does not describe.",
                    "model.bad_reference",
                )
            if ref is not None and known[ref].result_type == "Status" and result.status is None:
                raise fail(
                    "AchievementSubject",
                    "result",
                    "needs a status for a Status result description.",
                    "model.missing",
                )
        start, end = self.activity_start_date, self.activity_end_date
        if start is not None and end is not None and end < start:
            raise fail(
                "AchievementSubject",
                "activity_end_date",
                "is before the start date.",
                "model.date_order",
            )
