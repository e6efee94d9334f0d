"""The awards app's only door into the credential engine (``insignia.core``).

Everything that builds, signs, bakes or verifies a credential or a status list goes through
this module, so that the integration with the engine lives in one place.  Nothing here signs
or verifies on its own: it only adapts database rows to the engine's types and back.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Container, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from insignia.core import baking, model, status
from insignia.core.fetch import Fetcher
from insignia.core.keys import Signer
from insignia.core.proofs import sign, sign_many
from insignia.core.report import VerificationReport
from insignia.core.verify import Recipient, VerifyOptions, verify_credential

MIN_STATUS_ENTRIES: int = status.MIN_ENTRIES
CRYPTOSUITE = "eddsa-rdfc-2022"


@dataclass(frozen=True, slots=True)
class IssuerData:
    """The organisation as it appears in its credentials (OB 3.0 ``Profile``)."""

    id: str
    name: str
    url: str
    email: str
    description: str = ""
    image_url: str | None = None
    profile_url: str | None = None


@dataclass(frozen=True, slots=True)
class AlignmentData:
    target_name: str
    target_url: str
    target_framework: str = ""
    target_code: str = ""
    target_description: str = ""


@dataclass(frozen=True, slots=True)
class LevelData:
    """A rubric criterion level (OB 3.0 ``RubricCriterionLevel``)."""

    id: str
    name: str
    description: str = ""
    points: int | None = None


@dataclass(frozen=True, slots=True)
class ResultDescriptionData:
    """A kind of result the achievement records (OB 3.0 ``ResultDescription``).

    :param result_type: an OB 3.0 result type, e.g. ``RubricScore`` or ``RubricCriterionLevel``.
    """

    id: str
    name: str
    result_type: str
    levels: Sequence[LevelData] = ()
    required_level: str | None = None
    required_value: str | None = None
    value_min: str | None = None
    value_max: str | None = None


@dataclass(frozen=True, slots=True)
class ResultData:
    """A result the learner obtained (OB 3.0 ``Result``)."""

    value: str | None = None
    result_description: str | None = None
    achieved_level: str | None = None
    status: str | None = None


@dataclass(frozen=True, slots=True)
class EvidenceData:
    """Evidence of the work behind an award (OB 3.0 ``Evidence``)."""

    id: str | None = None
    name: str | None = None
    description: str | None = None
    narrative: str | None = None
    genre: str | None = None


@dataclass(frozen=True, slots=True)
class AchievementData:
    """One published achievement version, as embedded in credentials."""

    id: str
    name: str
    description: str
    criteria: str
    achievement_type: str
    image_url: str
    language: str
    version: str
    tags: Sequence[str] = ()
    alignments: Sequence[AlignmentData] = ()
    result_descriptions: Sequence[ResultDescriptionData] = ()


@dataclass(frozen=True, slots=True)
class CredentialData:
    """Everything an award needs, in plain values."""

    id: str
    issuer: IssuerData
    achievement: AchievementData
    recipient_email: str
    recipient_salt: str
    valid_from: datetime
    status: dict[str, Any]
    recipient_name: str = ""
    evidence: Sequence[EvidenceData] = ()
    results: Sequence[ResultData] = ()
    valid_until: datetime | None = None


def achievement_data(
    version: Any,
    achievement_id: str,
    result_descriptions: Sequence[ResultDescriptionData] = (),
) -> AchievementData:
    """Adapt an ``AchievementVersion`` row (with its image and alignments) to plain values.

    :param result_descriptions: the version's rubric as result descriptions (see
        ``earning.selectors.version_result_descriptions``), the same for every credential.
    """
    from insignia.web.images.selectors import image_url

    return AchievementData(
        id=achievement_id,
        name=version.name,
        description=version.description,
        criteria=version.criteria,
        achievement_type=version.achievement_type,
        image_url=image_url(version.image),
        language=version.language,
        version=str(version.number),
        tags=tuple(version.tags or ()),
        alignments=tuple(
            AlignmentData(
                a.target_name, a.target_url, a.target_framework, a.target_code, a.target_description
            )
            for a in version.alignments.all()
        ),
        result_descriptions=tuple(result_descriptions),
    )


def _profile(issuer: IssuerData) -> model.Profile:
    return model.Profile(
        id=issuer.id,
        name=issuer.name,
        url=issuer.url,
        email=issuer.email,
        description=issuer.description or None,
        image=model.Image(id=issuer.image_url, caption=f"{issuer.name} logo")
        if issuer.image_url
        else None,
    )


def _achievement(data: AchievementData, issuer: model.Profile) -> model.Achievement:
    return model.Achievement(
        id=data.id,
        name=data.name,
        description=data.description,
        criteria=model.Criteria(narrative=data.criteria),
        image=model.Image(id=data.image_url, caption=f"{data.name} badge"),
        achievement_type=data.achievement_type,
        tag=tuple(data.tags),
        alignment=tuple(
            model.Alignment(
                target_name=a.target_name,
                target_url=a.target_url,
                target_framework=a.target_framework or None,
                target_code=a.target_code or None,
                target_description=a.target_description or None,
            )
            for a in data.alignments
        ),
        creator=issuer,
        in_language=data.language or None,
        version=data.version,
        result_description=tuple(_result_description(d) for d in data.result_descriptions),
    )


def _result_description(data: ResultDescriptionData) -> model.ResultDescription:
    return model.ResultDescription(
        id=data.id,
        name=data.name,
        result_type=data.result_type,
        required_level=data.required_level,
        required_value=data.required_value,
        value_min=data.value_min,
        value_max=data.value_max,
        rubric_criterion_level=tuple(
            model.RubricCriterionLevel(
                id=level.id,
                name=level.name,
                description=level.description or None,
                points=str(level.points) if level.points is not None else None,
            )
            for level in data.levels
        ),
    )


def achievement_json(data: AchievementData, issuer: IssuerData) -> dict[str, Any]:
    """The OB 3.0 ``Achievement`` object (served at the achievement's id)."""
    return _achievement(data, _profile(issuer)).to_json()


def profile_json(issuer: IssuerData) -> dict[str, Any]:
    """The OB 3.0 ``Profile`` of an issuer (served at its profile page)."""
    return _profile(issuer).to_json()


def build_credential(data: CredentialData) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential."""
    issuer = _profile(data.issuer)
    identifiers = [model.hashed_email(data.recipient_email, data.recipient_salt)]
    evidence = [
        model.Evidence(
            id=e.id or None,
            name=e.name or None,
            description=e.description or None,
            narrative=e.narrative or None,
            genre=e.genre or None,
        )
        for e in data.evidence
    ]
    credential = model.AchievementCredential(
        id=data.id,
        name=data.achievement.name,
        description=data.achievement.description,
        image=model.Image(id=data.achievement.image_url, caption=f"{data.achievement.name} badge"),
        issuer=issuer,
        valid_from=data.valid_from,
        valid_until=data.valid_until,
        awarded_date=data.valid_from,
        credential_subject=model.AchievementSubject(
            identifier=identifiers,
            achievement=_achievement(data.achievement, issuer),
            result=tuple(
                model.Result(
                    value=r.value,
                    result_description=r.result_description,
                    achieved_level=r.achieved_level,
                    status=r.status,
                )
                for r in data.results
            ),
        ),
        evidence=evidence,
        credential_status=model.CredentialStatus(
            id=data.status["id"],
            type=data.status["type"],
            extra={k: v for k, v in data.status.items() if k not in ("id", "type")},
        ),
    )
    return credential.to_json()


def _sign(
    document: dict[str, Any], signer: Signer, verification_method: str, created: datetime
) -> dict[str, Any]:
    """Sign with the engine; ``proof`` is emitted as an array, the form the 1EdTech schema
    expects (the container is not covered by the signature, so both forms verify alike)."""
    signed = sign(
        document,
        signer,
        verification_method=verification_method,
        cryptosuite=CRYPTOSUITE,
        created=created,
    )
    if isinstance(signed.get("proof"), dict):
        signed["proof"] = [signed["proof"]]
    return signed


def sign_credential(
    data: CredentialData, *, signer: Signer, verification_method: str, created: datetime
) -> dict[str, Any]:
    """Build and sign a credential with ``eddsa-rdfc-2022``."""
    return _sign(build_credential(data), signer, verification_method, created)


def sign_credentials(
    data: Sequence[CredentialData],
    *,
    signer: Signer,
    verification_method: str,
    created: datetime,
    processes: int = 1,
) -> list[dict[str, Any]]:
    """Build and sign many credentials with the engine's batch API (``sign_many``): the same
    documents as :func:`sign_credential` one by one, in order.

    :param processes: forked signing workers for large batches (1: in this process).
    """
    signed = sign_many(
        [build_credential(d) for d in data],
        signer,
        verification_method=verification_method,
        cryptosuite=CRYPTOSUITE,
        created=created,
        processes=processes,
    )
    for document in signed:
        if isinstance(document.get("proof"), dict):
            document["proof"] = [document["proof"]]
    return signed


def email_identity_hash(email: str, salt: str) -> str:
    """The ``identityHash`` of a recipient address (``sha256$…``)."""
    return model.identity_hash(email, salt)


def dumps(document: dict[str, Any], *, compact: bool = False) -> str:
    """Serialise a signed document for storage (the stored text is what we serve).

    :param compact: no indentation (bulk issuance: several times faster to write).
    """
    if compact:
        return json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(document, ensure_ascii=False, indent=2)


# --- status lists -------------------------------------------------------------------------


def empty_status_bits(size: int) -> bytes:
    """A fresh, all-zero bitstring for ``size`` one-bit entries."""
    return status.BitstringStatusList.create(size).to_bytes()


def status_bit(bits: bytes, index: int) -> int:
    return status.BitstringStatusList(bits).get(index)


def set_status_bit(bits: bytes, index: int, value: int = 1) -> bytes:
    bitstring = status.BitstringStatusList(bits)
    bitstring.set(index, value)
    return bitstring.to_bytes()


def allocate_status_index(taken: Container[int], size: int) -> int:
    """A random free index (random so that it says nothing about when a badge was issued)."""
    return status.allocate_index(secrets.SystemRandom(), taken, size)


def revocation_entry(list_url: str, index: int) -> dict[str, Any]:
    """The ``credentialStatus`` of a credential at ``index`` of a revocation list."""
    return status.status_entry(list_url, index, "revocation")


def sign_status_list(
    *,
    list_url: str,
    issuer: str,
    purpose: str,
    bits: bytes,
    signer: Signer,
    verification_method: str,
    now: datetime,
) -> dict[str, Any]:
    """Build and sign the BitstringStatusListCredential for the current bits."""
    document = status.status_list_credential(
        list_url, issuer, purpose, status.BitstringStatusList(bits).encode(), now, ttl_ms=300_000
    )
    return _sign(document, signer, verification_method, now)


# --- verification and baking --------------------------------------------------------------


def verify(
    document: dict[str, Any], *, now: datetime, fetcher: Fetcher, recipient_email: str | None = None
) -> VerificationReport:
    """Verify a credential with the engine; ``fetcher`` answers for this site's own URLs.

    :param recipient_email: an address the holder proved to control, checked against the
        credential's hashed identifier (OB 3.0 §9.3).
    """
    recipient = Recipient(recipient_email) if recipient_email else None
    return verify_credential(document, VerifyOptions(now=now, fetcher=fetcher, recipient=recipient))


def bake(image: bytes, *, svg: bool, credential_text: str) -> bytes:
    """Bake the signed credential into the badge image (OB 3.0 §5.3)."""
    if svg:
        return baking.bake_svg(image, credential_text)
    return baking.bake_png(image, credential_text)
