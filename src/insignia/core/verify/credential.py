"""Verifying one credential document in the OB 3.0 §9.1 order.

schema → proof → refresh → status → validity dates → recipient → endorsements.  Every step
records entries in the same :class:`VerificationReport`; later steps still run after a failure
so that an employer sees the whole picture (a revoked badge whose signature also fails shows
both), except that nothing depends on data from a document we could not read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from insignia.core.report import Outcome, VerificationReport
from insignia.core.verify import checks, proofcheck, statuscheck
from insignia.core.verify.options import VerifyOptions
from insignia.core.verify.recipient import check_recipient

#: How deep endorsements may nest (an endorsement of an endorsement of…).
MAX_ENDORSEMENT_DEPTH = 2
#: How many embedded endorsements we verify in one credential.
MAX_ENDORSEMENTS = 20


def _record_problems(
    report: VerificationReport,
    code: str,
    problems: list[Any],
    *,
    fatal: bool,
    subject: str,
    passed: str,
) -> None:
    """Turn validator problems into one check: fail on errors when ``fatal``, else warn."""
    errors = [p for p in problems if p.severity == "error"]
    listed = [{"code": p.code, "path": p.path, "message": p.message} for p in problems[:25]]
    if not problems:
        report.add(code, Outcome.PASS, passed)
        return
    first = (errors or problems)[0]
    where = f" (at {first.path})" if first.path else ""
    more = f" and {len(problems) - 1} more remark(s)" if len(problems) > 1 else ""
    if errors and fatal:
        report.add(code, Outcome.FAIL, f"{subject}: {first.message}{where}{more}.", problems=listed)
    else:
        report.add(
            code, Outcome.WARNING, f"{subject}: {first.message}{where}{more}.", problems=listed
        )


def check_conformance(
    doc: Mapping[str, Any], options: VerifyOptions, report: VerificationReport
) -> None:
    """VC data model rules (always fatal), then the Open Badges profile (fatal when strict).

    Many real badges in wallets today (DCC, older 1EdTech examples) carry a bare issuer URL,
    an image as a string, or a subject without identifier: their signatures hold and the
    issuer stands behind them, so by default these are remarks an employer sees, not a
    verdict.  ``VerifyOptions.strict`` applies the 1EdTech validator's posture instead.
    """
    from insignia.core import schema, vcdm

    plain = dict(doc)
    _record_problems(
        report,
        "schema.vcdm",
        list(vcdm.vcdm_problems(plain)),
        fatal=True,
        subject="The credential breaks the W3C Verifiable Credentials data model",
        passed="The credential follows the W3C Verifiable Credentials data model.",
    )
    kind = checks.credential_kind(doc)
    profile: list[Any] = []
    if kind == "ob3":
        profile += schema.validate_achievement_credential(plain)
        profile += vcdm.ob3_problems(plain)
    elif kind == "endorsement":
        profile += schema.validate_endorsement_credential(plain)
    seen = {(p.path, p.message) for p in profile}
    profile += [
        p
        for p in schema.validate_credential_schema_entries(plain)
        if (p.path, p.message) not in seen
    ]
    if kind == "vc" and not profile:
        return
    _record_problems(
        report,
        "schema.ob3",
        profile,
        fatal=options.strict,
        subject="The credential departs from the Open Badges 3.0 schema",
        passed="The credential follows the Open Badges 3.0 schema.",
    )


def check_endorsements(
    doc: Mapping[str, Any], options: VerifyOptions, report: VerificationReport, depth: int
) -> None:
    """§9.1 step 6: every embedded EndorsementCredential is verified on its own (§9.2)."""
    found = _find_endorsements(doc)
    if not found:
        return
    if depth >= MAX_ENDORSEMENT_DEPTH:
        report.add("endorsement", Outcome.WARNING, "Endorsements nested deeper were not checked.")
        return
    for index, (path, endorsement) in enumerate(found[:MAX_ENDORSEMENTS]):
        sub = verify_document(endorsement, options, depth=depth + 1, is_endorsement=True)
        outcome = Outcome.PASS if sub.valid else Outcome.WARNING
        name = (
            endorsement.get("name")
            if isinstance(endorsement.get("name"), str)
            else "An endorsement"
        )
        report.add(
            "endorsement",
            outcome,
            f"{name} verifies."
            if sub.valid
            else f"{name} does not verify: " + "; ".join(c.message for c in sub.failures[:3]),
            index=index,
            path=path,
            checks=[c.to_dict() for c in sub.checks],
        )
    if len(found) > MAX_ENDORSEMENTS:
        report.add(
            "endorsement",
            Outcome.WARNING,
            f"Only the first {MAX_ENDORSEMENTS} endorsements were checked.",
        )


def _find_endorsements(node: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, Mapping):
        for key, value in node.items():
            here = f"{path}.{key}" if path else str(key)
            if key == "endorsement":
                out += [(here, e) for e in checks.as_list(value) if isinstance(e, dict)]
            elif key != "proof":
                out += _find_endorsements(value, here)
    elif isinstance(node, list):
        for item in node:
            out += _find_endorsements(item, path)
    return out


def verify_document(
    doc: Mapping[str, Any],
    options: VerifyOptions,
    *,
    report: VerificationReport | None = None,
    proven_by_jwt: bool = False,
    depth: int = 0,
    is_endorsement: bool = False,
) -> VerificationReport:
    """Run every check on a parsed credential and return the report.

    :param proven_by_jwt: the document came out of a VC-JWT whose signature was checked
        already; embedded proofs are then optional.
    """
    report = report or VerificationReport(format="ob3-json", credential=dict(doc))
    if not checks.check_context(doc, report) or not checks.check_type(doc, report):
        return report
    safe = checks.check_safe_mode(doc, options, report)
    check_conformance(doc, options, report)
    if safe:
        proofcheck.check_embedded_proofs(doc, options, report, required=not proven_by_jwt)
    else:
        report.add(
            "proof",
            Outcome.FAIL,
            "The signature was not checked: it cannot cover data that the contexts do not define.",
        )
    statuscheck.check_refresh(doc, options, report)
    statuscheck.check_status(doc, options, report)
    checks.check_dates(doc, options, report)
    if not is_endorsement:
        check_recipient(doc, options.recipient, report)
    check_endorsements(doc, options, report, depth)
    return report
