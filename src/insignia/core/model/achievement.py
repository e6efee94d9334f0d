"""What was achieved: the Achievement (badge class) and its criteria, alignments and results.

An Achievement is defined once by an issuer and embedded in every credential awarding it, so
its checks here are the ones a badge designer should hear about when saving the definition,
not when the thousandth learner's credential fails verification.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from insignia.core.model._base import EXTRA, Kind, Model, fail, js, no_extra
from insignia.core.model.enums import (
    ACHIEVEMENT_TYPES,
    ALIGNMENT_TARGET_TYPES,
    RESULT_TYPES,
    check_term,
)
from insignia.core.model.profile import COMPACT_JWS, IdentifierEntry, Image, Profile
from insignia.core.vcdm import is_language_tag
from insignia.core.vcdm._values import OB_LANGUAGE


def _check_language(value: str | None, owner: str) -> None:
    if value is not None and not (is_language_tag(value) and OB_LANGUAGE.fullmatch(value)):
        raise fail(
            owner,
            "in_language",
            f"{value!r} is not a language code like 'en' or "
            "'pt-BR' (lower-case language, upper-case region).",
            "model.bad_language",
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Criteria(Model):
    """How the achievement is earned: a page (``id``) and/or a Markdown ``narrative``."""

    id: str | None = field(default=None, metadata=js("id", Kind.URI))
    narrative: str | None = field(default=None, metadata=js("narrative", Kind.STR))

    def _check(self) -> None:
        if self.id is None and self.narrative is None:
            raise fail(
                "Criteria",
                "narrative",
                "or Criteria.id is required: say how the achievement is earned.",
                "model.empty_criteria",
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class Alignment(Model):
    """A link to a competency framework item (CASE, Credential Engine, ESCO…)."""

    JSON_TYPE = ("Alignment",)
    target_name: str = field(metadata=js("targetName", Kind.STR))
    target_url: str = field(metadata=js("targetUrl", Kind.URI))
    target_description: str | None = field(default=None, metadata=js("targetDescription", Kind.STR))
    target_framework: str | None = field(default=None, metadata=js("targetFramework", Kind.STR))
    target_code: str | None = field(default=None, metadata=js("targetCode", Kind.STR))
    target_type: str | None = field(default=None, metadata=js("targetType", Kind.STR))

    def _check(self) -> None:
        check_term(self.target_type, ALIGNMENT_TARGET_TYPES, "Alignment.target_type")


@dataclass(frozen=True, slots=True, kw_only=True)
class RubricCriterionLevel(Model):
    """One level of a rubric criterion (e.g. "Proficient")."""

    JSON_TYPE = ("RubricCriterionLevel",)
    id: str = field(metadata=js("id", Kind.URI))
    name: str = field(metadata=js("name", Kind.STR))
    description: str | None = field(default=None, metadata=js("description", Kind.STR))
    level: str | None = field(default=None, metadata=js("level", Kind.STR))
    points: str | None = field(default=None, metadata=js("points", Kind.STR))
    alignment: Sequence[Alignment] = field(
        default=(), metadata=js("alignment", Alignment, many=True)
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ResultDescription(Model):
    """What kind of result the achievement records (a grade, a status, a rubric level…)."""

    JSON_TYPE = ("ResultDescription",)
    id: str = field(metadata=js("id", Kind.URI))
    name: str = field(metadata=js("name", Kind.STR))
    result_type: str = field(metadata=js("resultType", Kind.STR))
    allowed_value: Sequence[str] = field(
        default=(), metadata=js("allowedValue", Kind.STR, many=True)
    )
    required_level: str | None = field(default=None, metadata=js("requiredLevel", Kind.URI))
    required_value: str | None = field(default=None, metadata=js("requiredValue", Kind.STR))
    rubric_criterion_level: Sequence[RubricCriterionLevel] = field(
        default=(), metadata=js("rubricCriterionLevel", RubricCriterionLevel, many=True)
    )
    value_max: str | None = field(default=None, metadata=js("valueMax", Kind.STR))
    value_min: str | None = field(default=None, metadata=js("valueMin", Kind.STR))
    alignment: Sequence[Alignment] = field(
        default=(), metadata=js("alignment", Alignment, many=True)
    )

    def _check(self) -> None:
        check_term(self.result_type, RESULT_TYPES, "ResultDescription.result_type")
        levels = {level.id for level in self.rubric_criterion_level}
        if self.required_level is not None and levels and self.required_level not in levels:
            raise fail(
                "ResultDescription",
                "required_level",
                "must be the id of one of its rubric criterion levels.",
                "model.bad_reference",
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class Related(Model):
    """Another version of the same achievement (a translation, the OB 2.0 BadgeClass…)."""

    JSON_TYPE = ("Related",)
    id: str = field(metadata=js("id", Kind.URI))
    in_language: str | None = field(default=None, metadata=js("inLanguage", Kind.STR))
    version: str | None = field(default=None, metadata=js("version", Kind.STR))

    def _check(self) -> None:
        _check_language(self.in_language, "Related")


@dataclass(frozen=True, slots=True, kw_only=True)
class Achievement(Model):
    """An OB 3.0 ``Achievement``: what the credential says the learner accomplished.

    :param achievement_type: one of :data:`~insignia.core.model.enums.ACHIEVEMENT_TYPES` or an
        ``ext:`` term.
    :param endorsement: signed EndorsementCredential documents about this achievement.
    """

    JSON_TYPE = ("Achievement",)
    NEEDS_CONTEXT = frozenset({"endorsement_jwt"})
    id: str = field(metadata=js("id", Kind.URI))
    name: str = field(metadata=js("name", Kind.STR))
    description: str = field(metadata=js("description", Kind.STR))
    criteria: Criteria = field(metadata=js("criteria", Criteria))
    image: Image | None = field(default=None, metadata=js("image", Image))
    achievement_type: str | None = field(default=None, metadata=js("achievementType", Kind.STR))
    alignment: Sequence[Alignment] = field(
        default=(), metadata=js("alignment", Alignment, many=True)
    )
    tag: Sequence[str] = field(default=(), metadata=js("tag", Kind.STR, many=True))
    creator: Profile | None = field(default=None, metadata=js("creator", Profile))
    result_description: Sequence[ResultDescription] = field(
        default=(), metadata=js("resultDescription", ResultDescription, many=True)
    )
    in_language: str | None = field(default=None, metadata=js("inLanguage", Kind.STR))
    version: str | None = field(default=None, metadata=js("version", Kind.STR))
    credits_available: float | None = field(
        default=None, metadata=js("creditsAvailable", Kind.NUMBER)
    )
    field_of_study: str | None = field(default=None, metadata=js("fieldOfStudy", Kind.STR))
    human_code: str | None = field(default=None, metadata=js("humanCode", Kind.STR))
    specialization: str | None = field(default=None, metadata=js("specialization", Kind.STR))
    other_identifier: Sequence[IdentifierEntry] = field(
        default=(), metadata=js("otherIdentifier", IdentifierEntry, many=True)
    )
    related: Sequence[Related] = field(default=(), metadata=js("related", Related, many=True))
    endorsement: Sequence[Mapping[str, Any]] = field(
        default=(), metadata=js("endorsement", Kind.OBJECT, many=True)
    )
    endorsement_jwt: Sequence[str] = field(
        default=(), metadata=js("endorsementJwt", Kind.STR, many=True)
    )
    extra: Mapping[str, Any] = field(default_factory=no_extra, metadata=EXTRA)

    def _check(self) -> None:
        check_term(self.achievement_type, ACHIEVEMENT_TYPES, "Achievement.achievement_type")
        _check_language(self.in_language, "Achievement")
        if self.credits_available is not None and self.credits_available < 0:
            raise fail(
                "Achievement", "credits_available", "cannot be negative.", "model.out_of_range"
            )
        ids = [d.id for d in self.result_description]
        if len(ids) != len(set(ids)):
            raise fail(
                "Achievement", "result_description", "ids must be unique.", "model.duplicate_id"
            )
        for token in self.endorsement_jwt:
            if not COMPACT_JWS.fullmatch(token):
                raise fail(
                    "Achievement",
                    "endorsement_jwt",
                    "holds a value that is not a compact JWS.",
                    "model.bad_pattern",
                )
