"""OB 3.0 §9.1 step 2: at least one proof holds, made with a key the issuer controls."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from insignia.core.report import Outcome, VerificationReport
from insignia.core.verify.checks import issuer_id
from insignia.core.verify.options import VerifyOptions


def _controller_matches(controller: str | None, issuer: str | None) -> bool:
    if controller is None or issuer is None:
        return False
    return controller.rstrip("/") == issuer.rstrip("/")


def check_embedded_proofs(
    doc: Mapping[str, Any],
    options: VerifyOptions,
    report: VerificationReport,
    *,
    required: bool,
) -> bool:
    """Verify every embedded proof; record one entry per proof; return True when one holds.

    When one proof holds, the others that fail are recorded as warnings: a verifier may
    accept any one valid proof (OB 3.0 §8), but the employer should still see them.

    :param required: False when the credential already came with a verified JWT proof.
    """
    from insignia.core import proofs

    if "proof" not in doc:
        if required:
            report.add("proof", Outcome.FAIL, "The credential carries no proof: it is not signed.")
        return False
    results = proofs.verify_proofs(
        doc, resolver=options.key_resolver, expected_purpose="assertionMethod", store=options.store
    )
    if not results:
        report.add("proof", Outcome.FAIL, "The credential's proof is empty.")
        return False
    issuer = issuer_id(doc)
    good = [r for r in results if r.verified and _controller_matches(r.controller, issuer)]
    for result in results:
        detail: dict[str, Any] = {
            "index": result.index,
            "type": result.type,
            "cryptosuite": result.cryptosuite,
            "verification_method": result.verification_method,
        }
        if result.verified and not _controller_matches(result.controller, issuer):
            outcome = Outcome.WARNING if good else Outcome.FAIL
            report.add(
                "proof.issuer_key",
                outcome,
                "The signature holds, but the signing key is not controlled by the issuer "
                f"({result.controller} is not {issuer}).",
                **detail,
            )
            continue
        if result.verified:
            message = "The signature is valid: the credential has not been changed since signing."
            outcome = Outcome.WARNING if result.warnings else Outcome.PASS
            if result.warnings:
                message += " " + " ".join(result.warnings)
            report.add("proof.signature", outcome, message, **detail)
        else:
            report.add(
                "proof.signature",
                Outcome.WARNING if good else Outcome.FAIL,
                f"{result.message}",
                error=result.code,
                **detail,
            )
    return bool(good)
