"""Builders for model tests: a minimal and a maximal OpenBadgeCredential, built from the model."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from insignia.core.model import (
    Achievement,
    AchievementCredential,
    AchievementSubject,
    Address,
    Alignment,
    CredentialSchema,
    CredentialStatus,
    Criteria,
    EndorsementCredential,
    EndorsementSubject,
    Evidence,
    GeoCoordinates,
    IdentifierEntry,
    Image,
    Profile,
    RefreshService,
    Related,
    Result,
    ResultDescription,
    RubricCriterionLevel,
    TermsOfUse,
    hashed_email,
)
from insignia.core.schema import OB_ACHIEVEMENT_CREDENTIAL_SCHEMA

#: The W3C ODRL context, which defines the ``Policy`` type used for terms of use.
ODRL = "https://www.w3.org/ns/odrl.jsonld"
ISSUED = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"


def issuer() -> Profile:
    """The issuer profile Insignia embeds (id, name, url, email, image)."""
    return Profile(
        id="https://badges.example.org/issuers/42",
        name="Example Learning Lab",
        url="https://example.org",
        email="badges@example.org",
        image=Image(id="https://badges.example.org/issuers/42/logo.png", caption="Logo"),
    )


def achievement() -> Achievement:
    """A small achievement definition."""
    return Achievement(
        id="https://badges.example.org/achievements/7",
        name="Teamwork",
        description="Works well in a team.",
        criteria=Criteria(narrative="Nominated by three peers."),
        achievement_type="Competency",
    )


def minimal_credential() -> AchievementCredential:
    """The smallest credential the builders accept: recipient by hashed email."""
    return AchievementCredential(
        id="urn:uuid:2f9b4f5e-8d6c-4a49-9e0e-2d6a0c8b5f10",
        name="Teamwork",
        issuer=issuer(),
        valid_from=ISSUED,
        credential_subject=AchievementSubject(
            identifier=[hashed_email("learner@example.org", "c0ffee")],
            achievement=achievement(),
        ),
    )


def full_achievement() -> Achievement:
    """An achievement using every property the model names."""
    levels = [
        RubricCriterionLevel(id="urn:level:1", name="Novice", points="1"),
        RubricCriterionLevel(
            id="urn:level:2",
            name="Proficient",
            description="Meets the standard.",
            level="2",
            points="3",
            alignment=[Alignment(target_name="Level 2", target_url="https://case.example/l2")],
        ),
    ]
    return Achievement(
        id="https://badges.example.org/achievements/8",
        name="Data Literacy",
        description="Reads, works with and communicates data.",
        criteria=Criteria(id="https://badges.example.org/achievements/8/criteria", narrative="…"),
        image=Image(id=PNG),
        achievement_type="ext:DataBadge",
        alignment=[
            Alignment(
                target_name="Data literacy",
                target_url="https://case.example/items/123",
                target_description="CASE item",
                target_framework="Digital Competence Framework",
                target_code="DL-1",
                target_type="CFItem",
            )
        ],
        tag=["data", "statistics"],
        creator=Profile(id="https://faculty.example.org", name="Faculty of Data"),
        result_description=[
            ResultDescription(
                id="urn:rd:grade",
                name="Final grade",
                result_type="LetterGrade",
                allowed_value=["C", "B", "A"],
                required_value="C",
                value_max="A",
                value_min="C",
            ),
            ResultDescription(
                id="urn:rd:rubric",
                name="Rubric",
                result_type="RubricCriterionLevel",
                rubric_criterion_level=levels,
                required_level="urn:level:2",
            ),
            ResultDescription(id="urn:rd:status", name="Status", result_type="Status"),
        ],
        in_language="en-GB",
        version="2.1",
        credits_available=5,
        field_of_study="Statistics",
        human_code="DL101",
        specialization="Visualisation",
        other_identifier=[IdentifierEntry(identifier="DL-101", identifier_type="systemId")],
        related=[Related(id="https://badges.example.org/achievements/8-de", in_language="de")],
    )


def full_credential() -> AchievementCredential:
    """A credential using every property the model names."""
    subject = AchievementSubject(
        id="did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
        identifier=[hashed_email("learner@example.org", "s4lt")],
        achievement=full_achievement(),
        result=[
            Result(result_description="urn:rd:grade", value="A"),
            Result(result_description="urn:rd:rubric", achieved_level="urn:level:2"),
            Result(result_description="urn:rd:status", status="Completed"),
        ],
        source=Profile(id="https://school.example.org", name="School"),
        credits_earned=5,
        activity_start_date=datetime(2024, 9, 1, tzinfo=timezone(timedelta(hours=2))),
        activity_end_date=datetime(2025, 2, 1, tzinfo=UTC),
        license_number="L-1",
        narrative="Completed the project with distinction.",
        role="Analyst",
        term="Winter 2024",
        image=Image(id=PNG),
    )
    full_issuer = Profile(
        id="https://badges.example.org/issuers/42",
        name="Example Learning Lab",
        url="https://example.org",
        email="badges@example.org",
        phone="+49 30 1234567",
        description="We teach data.",
        image=Image(id=PNG),
        address=Address(
            address_country="Germany",
            address_country_code="DE",
            address_locality="Berlin",
            street_address="Unter den Linden 1",
            postal_code="10117",
            geo=GeoCoordinates(latitude=52.5, longitude=13.4),
        ),
        other_identifier=[IdentifierEntry(identifier="DE-123", identifier_type="ext:VatId")],
        official="Director",
        parent_org=Profile(id="https://example.org", name="Example Org"),
    )
    return AchievementCredential(
        id="urn:uuid:0b7e5d1a-9a4f-4b8e-a1f2-0c3d4e5f6a7b",
        name="Data Literacy",
        description="Awarded for the data literacy course.",
        image=Image(id=PNG),
        issuer=full_issuer,
        valid_from=ISSUED,
        valid_until=ISSUED + timedelta(days=730),
        awarded_date=ISSUED - timedelta(days=1),
        credential_subject=subject,
        evidence=[
            Evidence(
                id="https://badges.example.org/evidence/1",
                name="Project report",
                description="The final report.",
                narrative="See the attached report.",
                genre="Report",
                audience="Employers",
            )
        ],
        credential_status=CredentialStatus(
            id="https://badges.example.org/status/1#94567",
            type="BitstringStatusListEntry",
            extra={
                "statusPurpose": "revocation",
                "statusListIndex": "94567",
                "statusListCredential": "https://badges.example.org/status/1",
            },
        ),
        credential_schema=[
            CredentialSchema(
                id=OB_ACHIEVEMENT_CREDENTIAL_SCHEMA, type="1EdTechJsonSchemaValidator2019"
            )
        ],
        refresh_service=RefreshService(
            id="https://badges.example.org/refresh/abc", type="1EdTechCredentialRefresh"
        ),
        terms_of_use=[TermsOfUse(type="Policy", id="https://example.org/policy")],
        extra_contexts=[ODRL],
    )


def endorsement() -> EndorsementCredential:
    """An endorsement of the example issuer."""
    return EndorsementCredential(
        id="urn:uuid:5d2c1b0a-3e4f-4a5b-8c6d-7e8f9a0b1c2d",
        name="Quality endorsement",
        issuer=Profile(id="https://accreditor.example", name="Accreditor"),
        valid_from=ISSUED,
        credential_subject=EndorsementSubject(
            id="https://badges.example.org/issuers/42",
            endorsement_comment="A trustworthy issuer.",
        ),
    )
