"""The closed vocabularies of OB 3.0 (schema enums), each extensible with ``ext:`` terms.

Kept as data so that forms in the web app can offer the same choices the schema accepts.
"""

from __future__ import annotations

import re

from insignia.core.errors import SchemaError

#: OB 3.0 "Extending" rule: a custom enumeration term starts with ``ext:``.  The schema's
#: pattern ``(ext:)[a-z|A-Z|0-9|.|-|_]+`` reads ``|-|`` as a range, so ``-`` is not in its
#: class; being unanchored it still accepts ``ext:boot-camp`` but not ``ext:-camp``.  We
#: accept a strict subset of what it accepts, so that our badges always pass it.
EXTENSION_TERM = re.compile(r"ext:[A-Za-z0-9._][A-Za-z0-9._\-]*")

ACHIEVEMENT_TYPES = frozenset(
    {
        "Achievement",
        "ApprenticeshipCertificate",
        "Assessment",
        "Assignment",
        "AssociateDegree",
        "Award",
        "Badge",
        "BachelorDegree",
        "Certificate",
        "CertificateOfCompletion",
        "Certification",
        "CommunityService",
        "Competency",
        "Course",
        "CoCurricular",
        "Degree",
        "Diploma",
        "DoctoralDegree",
        "Fieldwork",
        "GeneralEducationDevelopment",
        "JourneymanCertificate",
        "LearningProgram",
        "License",
        "Membership",
        "ProfessionalDoctorate",
        "QualityAssuranceCredential",
        "MasterCertificate",
        "MasterDegree",
        "MicroCredential",
        "ResearchDoctorate",
        "SecondarySchoolDiploma",
    }
)
IDENTIFIER_TYPES = frozenset(
    {
        "name",
        "sourcedId",
        "systemId",
        "productId",
        "userName",
        "accountId",
        "emailAddress",
        "nationalIdentityNumber",
        "isbn",
        "issn",
        "lisSourcedId",
        "oneRosterSourcedId",
        "sisSourcedId",
        "ltiContextId",
        "ltiDeploymentId",
        "ltiToolId",
        "ltiPlatformId",
        "ltiUserId",
        "identifier",
    }
)
ALIGNMENT_TARGET_TYPES = frozenset(
    {
        "ceasn:Competency",
        "ceterms:Credential",
        "CFItem",
        "CFRubric",
        "CFRubricCriterion",
        "CFRubricCriterionLevel",
        "CTDL",
    }
)
RESULT_TYPES = frozenset(
    {
        "GradePointAverage",
        "LetterGrade",
        "Percent",
        "PerformanceLevel",
        "PredictedScore",
        "RawScore",
        "Result",
        "RubricCriterion",
        "RubricCriterionLevel",
        "RubricScore",
        "ScaledScore",
        "Status",
    }
)
RESULT_STATUSES = frozenset(
    {"Completed", "Enrolled", "Failed", "InProgress", "OnHold", "Provisional", "Withdrew"}
)


def check_term(
    value: str | None,
    allowed: frozenset[str],
    owner: str,
    *,
    extensible: bool = True,
) -> None:
    """Raise :class:`SchemaError` unless ``value`` is None, in ``allowed``, or an ``ext:`` term."""
    if value is None or value in allowed:
        return
    if extensible and isinstance(value, str) and EXTENSION_TERM.fullmatch(value):
        return
    hint = " or an 'ext:' term" if extensible else ""
    raise SchemaError(
        f"{owner} {value!r} is not one of the OB 3.0 values{hint}.",
        code="model.bad_enum",
        field=owner,
    )
