"""Verification reports: one entry per check, each with a stable code, an outcome and a message.

A verifier never answers with a bare boolean.  Employers, the CLI and the web pages all read
the same list of :class:`Check` entries, in the order the checks ran (the OB 3.0 §9.1 order:
schema → proof → refresh → status → validity dates → recipient → endorsements).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    """How one check ended.  Only ``FAIL`` makes a credential invalid."""

    PASS = "pass"  # noqa: S105 - an outcome, not a password
    FAIL = "fail"
    WARNING = "warning"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Check:
    """One verification step.

    :param code: stable machine code, e.g. ``"proof.signature"`` or ``"status.revocation"``.
    :param outcome: pass / fail / warning / skipped.
    :param message: a sentence an employer understands ("The issuer revoked this badge.").
    :param detail: machine-readable extras (proof index, verification method, dates…).
    """

    code: str
    outcome: Outcome
    message: str
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape of this check."""
        out: dict[str, Any] = {
            "code": self.code,
            "outcome": self.outcome.value,
            "message": self.message,
        }
        if self.detail:
            out["detail"] = self.detail
        return out


@dataclass(slots=True)
class VerificationReport:
    """Everything a verifier found about one credential.

    :param format: what the input was, e.g. ``"ob3-json"``, ``"ob3-jwt"``, ``"ob2-signed"``.
    :param credential: the credential as read (JWT payloads decoded), when it could be read.
    :param checks: one entry per check, in the order they ran.
    """

    format: str
    credential: dict[str, Any] | None = None
    checks: list[Check] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """True when at least one check ran and none failed."""
        return bool(self.checks) and all(c.outcome is not Outcome.FAIL for c in self.checks)

    @property
    def failures(self) -> list[Check]:
        """The checks that failed, in order."""
        return [c for c in self.checks if c.outcome is Outcome.FAIL]

    @property
    def warnings(self) -> list[Check]:
        """The checks that passed with a caveat, in order."""
        return [c for c in self.checks if c.outcome is Outcome.WARNING]

    def add(self, code: str, outcome: Outcome, message: str, **detail: Any) -> Check:
        """Append a check and return it."""
        check = Check(code, outcome, message, dict(detail))
        self.checks.append(check)
        return check

    def outcome_of(self, code: str) -> Outcome | None:
        """Return the outcome of the first check with ``code`` (None when it did not run)."""
        for check in self.checks:
            if check.code == code:
                return check.outcome
        return None

    def to_dict(self, *, include_credential: bool = False) -> dict[str, Any]:
        """Return the JSON shape used by ``insignia verify --json`` and the verification API."""
        out: dict[str, Any] = {
            "valid": self.valid,
            "format": self.format,
            "checks": [c.to_dict() for c in self.checks],
        }
        if include_credential and self.credential is not None:
            out["credential"] = self.credential
        return out
