"""Fixtures for earning: a published badge with evidence requirements and a rubric, open to
applications; a learner; helpers to fill, submit and review applications."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from insignia.web.accounts.models import User
from insignia.web.achievements import services as achievement_services
from insignia.web.achievements.models import Achievement
from insignia.web.earning import selectors, services
from insignia.web.earning.models import AccessPolicy, Application, EvidenceKind, Rubric
from tests.web.conftest import png_bytes


@pytest.fixture(autouse=True)
def evidence_dir(settings: Any, tmp_path: Path) -> Path:
    """Every test stores evidence in its own private directory."""
    path = tmp_path / "evidence"
    settings.INSIGNIA_EVIDENCE_DIR = path
    return path


def pdf_bytes(text: str = "My data analysis report") -> bytes:
    """A small, well-formed PDF."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def file(data: bytes, name: str = "report.pdf", content_type: str = "application/pdf") -> Any:
    return SimpleUploadedFile(name, data, content_type=content_type)


REQUIREMENTS = (
    services.RequirementData(
        prompt="Reflect on what you learned",
        kind=EvidenceKind.TEXT,
        min_length=40,
        guidance="What was hard, and how you solved it.",
    ),
    services.RequirementData(prompt="Link to your notebook", kind=EvidenceKind.URL),
    services.RequirementData(
        prompt="Your analysis report",
        kind=EvidenceKind.FILE,
        file_types=("pdf", "png", "text"),
        max_bytes=1_048_576,
    ),
    services.RequirementData(prompt="This is my own work", kind=EvidenceKind.ATTESTATION),
    services.RequirementData(prompt="Anything else", kind=EvidenceKind.TEXT, required=False),
)


def levels(*names: str) -> tuple[services.LevelData, ...]:
    return tuple(services.LevelData(name, points) for points, name in enumerate(names))


RUBRIC = services.RubricData(
    name="Practical assessment",
    kind=Rubric.Kind.POINTS,
    description="Three criteria, each scored from 0 to 3.",
    pass_mark=6,
    criteria=(
        services.CriterionData(
            "Data cleaning",
            "Handles missing and malformed values.",
            levels("Not yet", "Developing", "Proficient", "Exemplary"),
            must_reach=1,
        ),
        services.CriterionData(
            "Analysis", "", levels("Not yet", "Developing", "Proficient", "Exemplary")
        ),
        services.CriterionData(
            "Communication", "", levels("Not yet", "Developing", "Proficient", "Exemplary")
        ),
    ),
)


@pytest.fixture
def assessed(draft: Achievement, staff: dict[str, User]) -> Achievement:
    """A published badge with evidence requirements and a rubric, open to anyone."""
    services.assessment_save(
        actor=staff["designer"],
        achievement_id=draft.pk,
        requirements=REQUIREMENTS,
        rubric=RUBRIC,
    )
    achievement_services.achievement_publish(actor=staff["designer"], achievement_id=draft.pk)
    services.access_policy_set(
        actor=staff["designer"], achievement_id=draft.pk, mode=AccessPolicy.Mode.OPEN
    )
    draft.refresh_from_db()
    return draft


@pytest.fixture
def learner(make_user: Callable[..., User]) -> User:
    return make_user("lee.learner@example.com", "Lee Learner")


@pytest.fixture
def second_assessor(org: Any, staff: dict[str, User], make_user: Callable[..., User]) -> User:
    from insignia.web.issuers.models import Role
    from insignia.web.issuers.services import membership_grant

    person = make_user("second.assessor@northbridge.example", "Sasha Second")
    membership_grant(
        actor=staff["owner"], organisation_id=org.pk, email=person.email, roles=[Role.ASSESSOR]
    )
    return person


def full_answers(application: Application, **overrides: Any) -> dict[Any, services.AnswerData]:
    """Complete answers for every requirement of the fixture badge."""
    by_prompt = {r.prompt: r for r in selectors.version_requirements(version=application.version)}
    answers = {
        "Reflect on what you learned": services.AnswerData(
            text="Cleaning the transport data was the hardest part; I wrote tests for it."
        ),
        "Link to your notebook": services.AnswerData(url="https://notebooks.example/lee/bus"),
        "Your analysis report": services.AnswerData(file=file(pdf_bytes())),
        "This is my own work": services.AnswerData(attested=True),
    }
    answers.update(overrides)
    return {by_prompt[k].pk: v for k, v in answers.items()}


def fill(application: Application, learner: User, **overrides: Any) -> Application:
    application.refresh_from_db()
    return services.application_save(
        learner=learner,
        application_id=application.pk,
        expected_row_version=application.row_version,
        answers=full_answers(application, **overrides),
    )


def submit(application: Application, learner: User) -> Application:
    application.refresh_from_db()
    return services.application_submit(
        learner=learner, application_id=application.pk, expected_row_version=application.row_version
    )


@pytest.fixture
def submitted(assessed: Achievement, learner: User) -> Application:
    application = services.application_start(learner=learner, achievement_id=assessed.pk)
    fill(application, learner)
    return submit(application, learner)


def scores(application: Application, *points: int, feedback: str = "") -> tuple[Any, ...]:
    """Scores choosing, per criterion in order, the level with ``points``."""
    rubric = selectors.version_rubric(version=application.version)
    assert rubric is not None
    chosen = []
    for criterion, p in zip(rubric.criteria.all(), points, strict=True):
        level = next(lv for lv in criterion.levels.all() if lv.points == p)
        chosen.append(services.ScoreData(criterion.pk, level.pk, feedback))
    return tuple(chosen)


def start(application: Application, assessor: User, **kwargs: Any) -> Application:
    application.refresh_from_db()
    return services.review_start(
        actor=assessor,
        application_id=application.pk,
        expected_row_version=application.row_version,
        **kwargs,
    )


def decide(
    application: Application,
    assessor: User,
    decision: str,
    points: tuple[int, ...] = (2, 2, 2),
    feedback: str = "Clear work.",
) -> Any:
    application.refresh_from_db()
    return services.review_decide(
        actor=assessor,
        application_id=application.pk,
        expected_revision=application.revision,
        expected_row_version=application.row_version,
        data=services.DecisionData(decision, feedback, scores(application, *points)),
    )


PNG = png_bytes
