"""Printing verification reports for people (and JSON for machines)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TextIO

from insignia.core.report import Outcome, VerificationReport

_TAGS = {
    Outcome.PASS: "PASS",
    Outcome.FAIL: "FAIL",
    Outcome.WARNING: "WARN",
    Outcome.SKIPPED: "SKIP",
}


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        for key in ("name", "id"):
            if isinstance(value.get(key), str):
                return str(value[key])
    return None


def summary_lines(credential: Mapping[str, Any] | None) -> list[str]:
    """A few lines that say what the badge claims (before the checks say whether it holds)."""
    if not credential:
        return []
    lines: list[str] = []
    subject = credential.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    name = _text(achievement) if isinstance(achievement, Mapping) else None
    name = name or _text(credential.get("name")) or _text(credential.get("badge"))
    if name:
        lines.append(f"Badge:    {name}")
    issuer = _text(credential.get("issuer"))
    if issuer:
        lines.append(f"Issuer:   {issuer}")
    issued = (
        credential.get("validFrom") or credential.get("issuanceDate") or credential.get("issuedOn")
    )
    if isinstance(issued, str):
        lines.append(f"Issued:   {issued}")
    until = (
        credential.get("validUntil")
        or credential.get("expirationDate")
        or credential.get("expires")
    )
    if isinstance(until, str):
        lines.append(f"Expires:  {until}")
    return lines


def print_report(report: VerificationReport, out: TextIO) -> None:
    """Print the report readably: what the badge says, each check, then the verdict."""
    for line in summary_lines(report.credential):
        print(line, file=out)
    print(f"Format:   {report.format}", file=out)
    print(file=out)
    width = max((len(c.code) for c in report.checks), default=10)
    for check in report.checks:
        print(f"  {_TAGS[check.outcome]}  {check.code:<{width}}  {check.message}", file=out)
    print(file=out)
    if report.valid:
        extra = f" ({len(report.warnings)} warning(s))" if report.warnings else ""
        print(f"VALID: every check passed{extra}.", file=out)
    else:
        print(f"NOT VALID: {len(report.failures)} check(s) failed.", file=out)


def print_json(value: Any, out: TextIO) -> None:
    """Print JSON with stable key order and a trailing newline."""
    out.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")
