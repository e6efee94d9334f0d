"""One finding about a document: what is wrong, where, and how bad.

Validators never raise on bad input: they return a list of :class:`Problem` so that a verifier
can show a person *every* reason a badge does not conform, each pointing at the place in the
document (``credentialSubject.achievement.criteria``) that needs fixing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """A conformance finding.

    :param code: stable dotted machine code, e.g. ``"schema.required"``, ``"vcdm.issuer.not_url"``.
    :param message: a sentence a person understands.
    :param path: where in the document, e.g. ``credentialSubject.result[0].status``; ``""`` is the
        document itself.
    :param severity: ``"error"`` makes the document non-conformant; ``"warning"`` is a remark.
    """

    code: str
    message: str
    path: str = ""
    severity: Severity = "error"

    @property
    def is_error(self) -> bool:
        """True when this finding makes the document non-conformant."""
        return self.severity == "error"

    def to_dict(self) -> dict[str, str]:
        """Return the JSON shape used in verification reports."""
        return {
            "code": self.code,
            "message": self.message,
            "path": self.path,
            "severity": self.severity,
        }


def join_path(path: str, key: object) -> str:
    """Extend a dotted path with a property name or an array index (``a.b[0]``)."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def errors_in(problems: list[Problem]) -> list[Problem]:
    """Return only the findings that make a document non-conformant."""
    return [p for p in problems if p.is_error]
