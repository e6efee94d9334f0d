"""The credential envelope: exact JSON, contexts, dates, extensions, strict reading."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from insignia.core.errors import SchemaError
from insignia.core.model import (
    OB_EXTENSIONS_CONTEXT,
    AchievementCredential,
    CredentialSchema,
    CredentialStatus,
    EndorsementCredential,
    RefreshService,
    hashed_email,
    identity_hash,
)
from insignia.core.vcdm import OB_CONTEXT_LATEST, VC_V2
from tests.core.model.factories import (
    ISSUED,
    endorsement,
    full_credential,
    minimal_credential,
)
from tests.support.paths import VECTORS

SPEC_EXAMPLES = VECTORS / "1edtech-ob-spec" / "spec-examples"
EXTENSION_CONTEXT = {"ext": "https://insignia.example/vocab#", "motto": "ext:motto"}


def test_minimal_credential_json() -> None:
    assert minimal_credential().to_json() == {
        "@context": [VC_V2, OB_CONTEXT_LATEST],
        "id": "urn:uuid:2f9b4f5e-8d6c-4a49-9e0e-2d6a0c8b5f10",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Teamwork",
        "issuer": {
            "id": "https://badges.example.org/issuers/42",
            "type": ["Profile"],
            "name": "Example Learning Lab",
            "url": "https://example.org",
            "email": "badges@example.org",
            "image": {
                "id": "https://badges.example.org/issuers/42/logo.png",
                "type": "Image",
                "caption": "Logo",
            },
        },
        "validFrom": "2025-03-01T09:30:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "hashed": True,
                    "identityHash": identity_hash("learner@example.org", "c0ffee"),
                    "identityType": "emailAddress",
                    "salt": "c0ffee",
                }
            ],
            "achievement": {
                "id": "https://badges.example.org/achievements/7",
                "type": ["Achievement"],
                "name": "Teamwork",
                "description": "Works well in a team.",
                "criteria": {"narrative": "Nominated by three peers."},
                "achievementType": "Competency",
            },
        },
    }


def test_output_is_plain_json() -> None:
    text = json.dumps(full_credential().to_json())
    assert json.loads(text) == full_credential().to_json()


def _with(**changes: Any) -> AchievementCredential:
    return dataclasses.replace(minimal_credential(), **changes)


@pytest.mark.parametrize(
    ("part", "extensions_context"),
    [
        (
            {
                "credential_status": CredentialStatus(
                    id="https://x.example/rl", type="1EdTechRevocationList"
                )
            },
            True,
        ),
        (
            {
                "refresh_service": RefreshService(
                    id="https://x.example/r", type="1EdTechCredentialRefresh"
                )
            },
            True,
        ),
        (
            {
                "credential_schema": [
                    CredentialSchema(
                        id="https://x.example/s.json", type="1EdTechJsonSchemaValidator2019"
                    )
                ]
            },
            True,
        ),
        (
            {
                "credential_status": CredentialStatus(
                    id="https://x.example/s#1", type="BitstringStatusListEntry"
                )
            },
            False,
        ),
        ({}, False),
    ],
)
def test_extensions_context_only_when_a_1edtech_type_is_used(
    part: dict[str, Any], extensions_context: bool
) -> None:
    contexts = _with(**part).to_json()["@context"]
    assert contexts[:2] == [VC_V2, OB_CONTEXT_LATEST]
    assert (OB_EXTENSIONS_CONTEXT in contexts) is extensions_context
    assert len(contexts) == 2 + extensions_context


def test_dates_are_utc_seconds() -> None:
    berlin = timezone(timedelta(hours=2))
    credential = _with(
        valid_from=datetime(2025, 6, 1, 12, 0, 0, 999_999, tzinfo=berlin),
        valid_until=datetime(2026, 6, 1, 12, 0, tzinfo=berlin),
        awarded_date=datetime(2025, 5, 31, tzinfo=UTC),
    )
    out = credential.to_json()
    assert out["validFrom"] == "2025-06-01T10:00:00Z"
    assert out["validUntil"] == "2026-06-01T10:00:00Z"
    assert out["awardedDate"] == "2025-05-31T00:00:00Z"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"valid_from": datetime(2025, 1, 1)}, "model.naive_datetime"),  # naive on purpose
        ({"valid_from": "2025-01-01T00:00:00Z"}, "model.wrong_type"),
        ({"valid_until": ISSUED}, "model.date_order"),
        ({"valid_until": ISSUED - timedelta(seconds=1)}, "model.date_order"),
        ({"id": "2f9b4f5e-8d6c-4a49-9e0e-2d6a0c8b5f10"}, "model.not_uri"),
        ({"name": None}, "model.missing"),
        ({"issuer": "https://badges.example.org/issuers/42"}, "model.wrong_type"),
        ({"evidence": [{"name": "report"}]}, "model.wrong_type"),
        ({"credential_status": [CredentialStatus(id="https://x", type="T")]}, "model.wrong_type"),
        ({"endorsement": ["eyJ.eyJ.sig"]}, "model.wrong_type"),
        (
            {"endorsement_jwt": ["eyJhbGciOiJFZERTQSJ9.eyJ4IjoxfQ.c2ln"]},
            "model.extension_without_context",
        ),
        ({"extensions": {"motto": "Learn"}}, "model.extension_without_context"),
        (
            {"extensions": {"credentialSubject": {}}, "extra_contexts": [EXTENSION_CONTEXT]},
            "model.extension_conflict",
        ),
        (
            {"extensions": {"proof": {}}, "extra_contexts": [EXTENSION_CONTEXT]},
            "model.extension_conflict",
        ),
        (
            {"extensions": {"motto": {1, 2}}, "extra_contexts": [EXTENSION_CONTEXT]},
            "model.not_json",
        ),
        ({"extra_contexts": [VC_V2]}, "model.not_uri"),
        ({"extra_contexts": ["not a url"]}, "model.not_uri"),
        ({"extra_contexts": "https://insignia.example/context.json"}, "model.wrong_type"),
        ({"ob_context": "https://example.org/context.json"}, "model.not_uri"),
    ],
)
def test_credential_checks(changes: dict[str, Any], code: str) -> None:
    with pytest.raises(SchemaError) as info:
        _with(**changes)
    assert info.value.code == code


def test_extensions_with_their_context() -> None:
    credential = _with(extensions={"motto": "Learn"}, extra_contexts=[EXTENSION_CONTEXT])
    out = credential.to_json()
    assert out["@context"] == [VC_V2, OB_CONTEXT_LATEST, EXTENSION_CONTEXT]
    assert out["motto"] == "Learn"
    assert AchievementCredential.from_json(out) == credential


def test_embedded_endorsement_and_jwt() -> None:
    signed = endorsement().to_json() | {"proof": [{"type": "DataIntegrityProof"}]}
    jwt = "eyJhbGciOiJFZERTQSJ9.eyJ4IjoxfQ.c2ln"
    context = {"endorsementJwt": "https://purl.imsglobal.org/spec/vc/ob/vocab.html#endorsementJwt"}
    credential = _with(endorsement=[signed], endorsement_jwt=[jwt], extra_contexts=[context])
    out = credential.to_json()
    assert out["endorsement"] == [signed]
    assert out["endorsementJwt"] == [jwt]


def test_credentials_are_immutable_and_copies_are_checked() -> None:
    credential = minimal_credential()
    with pytest.raises(dataclasses.FrozenInstanceError):
        credential.name = "Other"  # type: ignore[misc]
    with pytest.raises(SchemaError):
        dataclasses.replace(credential, valid_until=ISSUED - timedelta(days=1))


def test_endorsement_credential_json() -> None:
    out = endorsement().to_json()
    assert out["@context"] == [VC_V2, OB_CONTEXT_LATEST]
    assert out["type"] == ["VerifiableCredential", "EndorsementCredential"]
    assert out["credentialSubject"] == {
        "id": "https://badges.example.org/issuers/42",
        "type": ["EndorsementSubject"],
        "endorsementComment": "A trustworthy issuer.",
    }


# --- reading -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(SPEC_EXAMPLES.glob("*.json")), ids=lambda p: p.name)
def test_spec_examples_round_trip_exactly(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    cls = (
        EndorsementCredential if "EndorsementCredential" in data["type"] else AchievementCredential
    )
    assert cls.from_json(data).to_json() == data


@pytest.mark.parametrize("build", [minimal_credential, full_credential, endorsement])
def test_builders_round_trip(build: Any) -> None:
    credential = build()
    assert type(credential).from_json(credential.to_json()) == credential


def test_signed_credentials_are_read_as_signed() -> None:
    path = VECTORS / "1edtech-ob-spec" / "impl-guide-test-vectors" / "obv3p0"
    signed = json.loads((path / "signed.json").read_text(encoding="utf-8"))
    unsigned = json.loads((path / "unsigned.json").read_text(encoding="utf-8"))
    assert AchievementCredential.from_json(signed).to_json() == unsigned


def test_achievement_credential_type_is_read() -> None:
    data = minimal_credential().to_json()
    data["type"] = ["VerifiableCredential", "AchievementCredential"]
    assert AchievementCredential.from_json(data) == minimal_credential()


@pytest.mark.parametrize(
    ("change", "code", "path"),
    [
        (
            {"@context": ["https://www.w3.org/2018/credentials/v1", OB_CONTEXT_LATEST]},
            "model.bad_context",
            "@context",
        ),
        ({"type": ["VerifiableCredential"]}, "model.wrong_type", "type"),
        ({"validFrom": "2025-03-01T09:30:00"}, "model.bad_datetime", "validFrom"),
        ({"validFrom": 1740821400}, "model.bad_datetime", "validFrom"),
        ({"validUntil": "2020-01-01T00:00:00Z"}, "model.date_order", "validUntil"),
        ({"issuer": "https://badges.example.org/issuers/42"}, "model.not_object", "issuer"),
        ({"evidence": {"type": ["Evidence"]}}, "model.wrong_type", "evidence"),
        (
            {"credentialStatus": {"type": "BitstringStatusListEntry"}},
            "model.missing",
            "credentialStatus.id",
        ),
    ],
)
def test_from_json_errors(change: dict[str, Any], code: str, path: str) -> None:
    data = minimal_credential().to_json() | change
    with pytest.raises(SchemaError) as info:
        AchievementCredential.from_json(data)
    assert (info.value.code, info.value.detail.get("path")) == (code, path)


def test_from_json_nested_paths() -> None:
    data = minimal_credential().to_json()
    data["credentialSubject"]["achievement"]["criteria"] = {}
    with pytest.raises(SchemaError) as info:
        AchievementCredential.from_json(data)
    assert info.value.code == "model.empty_criteria"
    assert info.value.detail["path"] == "credentialSubject.achievement.criteria.narrative"
    data = minimal_credential().to_json()
    data["credentialSubject"]["identifier"][0]["identityType"] = "email"
    with pytest.raises(SchemaError) as info:
        AchievementCredential.from_json(data)
    assert info.value.detail["path"] == "credentialSubject.identifier[0].identityType"


def test_hashed_email_recipient_can_be_matched_after_reading() -> None:
    subject = AchievementCredential.from_json(minimal_credential().to_json()).credential_subject
    assert subject.identifier[0].matches("learner@example.org")
    assert subject.identifier == (hashed_email("learner@example.org", "c0ffee"),)
