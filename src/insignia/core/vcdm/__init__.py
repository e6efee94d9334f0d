"""W3C Verifiable Credentials data-model rules (VCDM 2.0 and 1.1) and OB 3.0 conformance rules.

The JSON Schema (:mod:`insignia.core.schema`) checks shapes; this package checks the rules
that a schema cannot state or that the 1EdTech schema leaves out: URLs that must be URLs,
date-time stamps, ``validFrom`` ≤ ``validUntil``, every status/schema/evidence/terms/refresh
entry saying what it is, protected ``@context`` terms, and the OB 3.0 verification step 1b.

All functions take any value and return problems; none raises on bad input.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from insignia.core.errors import SchemaError
from insignia.core.vcdm._credential import (
    VC_V1,
    VC_V2,
    Findings,
    Version,
    check_credential,
    check_presentation,
)
from insignia.core.vcdm._ob3 import OB_CONTEXT_LATEST, check_ob3
from insignia.core.vcdm._problem import Problem, Severity, errors_in, join_path
from insignia.core.vcdm._values import (
    as_list,
    exceeds_depth,
    format_datetime,
    has_type,
    is_date,
    is_language_tag,
    is_language_value,
    is_url,
    parse_datetime,
    type_values,
)

__all__ = [
    "MAX_DEPTH",
    "OB_CONTEXT_LATEST",
    "VC_V1",
    "VC_V2",
    "Problem",
    "Severity",
    "Version",
    "as_list",
    "detect_version",
    "errors_in",
    "exceeds_depth",
    "format_datetime",
    "has_type",
    "is_date",
    "is_language_tag",
    "is_language_value",
    "is_url",
    "join_path",
    "ob3_problems",
    "parse_datetime",
    "type_values",
    "vcdm_problems",
]

#: Deepest nesting the rules walk; deeper documents are reported, not recursed into.
MAX_DEPTH = 64


def detect_version(doc: object) -> Version:
    """Return the VC data model version a document declares through ``@context[0]``.

    :raises SchemaError: (``vcdm.unknown_version``) when the first context is neither the
        VCDM 2.0 nor the VCDM 1.1 base context.
    """
    context = doc.get("@context") if isinstance(doc, Mapping) else None
    first = context[0] if isinstance(context, list) and context else context
    if first == VC_V2:
        return "2.0"
    if first == VC_V1:
        return "1.1"
    raise SchemaError(
        "The document's first @context is neither the VC 2.0 nor the VC 1.1 base context.",
        code="vcdm.unknown_version",
    )


def vcdm_problems(doc: object) -> list[Problem]:
    """Check a credential or presentation against the W3C VC data model (2.0, or 1.1 by context).

    A document whose type includes ``VerifiablePresentation`` is checked as a presentation
    (and each credential inside it as a credential); anything else as a credential.
    """
    if not isinstance(doc, Mapping):
        return [Problem("vcdm.not_object", "A credential must be a JSON object.", "")]
    if exceeds_depth(doc, MAX_DEPTH):
        return [Problem("vcdm.too_deep", f"The document nests deeper than {MAX_DEPTH} levels.")]
    found = Findings()
    if _is_presentation(doc):
        check_presentation(doc, found)
    else:
        check_credential(doc, found)
    return found.items


def ob3_problems(doc: object) -> list[Problem]:
    """Check the OB 3.0 rules the schema cannot express (§9.1 step 1b, validator steps 6–8).

    For an ``EndorsementCredential`` the endorsement rules apply; for anything else the
    AchievementCredential rules.
    """
    if not isinstance(doc, Mapping):
        return [Problem("ob3.not_object", "An Open Badge must be a JSON object.", "")]
    found = Findings()
    check_ob3(doc, found)
    return found.items


def _is_presentation(doc: Mapping[str, Any]) -> bool:
    types = type_values(doc) or []
    if "VerifiablePresentation" in types:
        return True
    if "VerifiableCredential" not in types and any("Presentation" in t for t in types):
        return True
    return "VerifiableCredential" not in types and (
        "verifiableCredential" in doc or "holder" in doc
    )
