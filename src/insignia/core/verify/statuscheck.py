"""OB 3.0 §9.1 steps 3–4: refresh service and credential status (revocation, suspension)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from insignia.core.errors import InsigniaError, ResolutionError
from insignia.core.jsonio import parse_json_object
from insignia.core.report import Outcome, VerificationReport
from insignia.core.verify.checks import as_list, issuer_id
from insignia.core.verify.options import VerifyOptions

_JSON = "application/vc+ld+json, application/ld+json;q=0.9, application/json;q=0.8"


def fetch_json(url: str, options: VerifyOptions) -> dict[str, Any]:
    """Fetch a JSON document through the injected fetcher (never otherwise).

    :raises ResolutionError: offline, HTTP error, or not a JSON object.
    """
    if options.fetcher is None:
        raise ResolutionError(
            f"{url} was not fetched: this verification runs offline.", code="resolve.offline"
        )
    fetched = options.fetcher.fetch(url, accept=_JSON)
    if fetched.status >= 400:
        raise ResolutionError(
            f"{url} answered HTTP {fetched.status}.",
            code="resolve.http_status",
            status=fetched.status,
        )
    return parse_json_object(fetched.body)


def _list_verifier(options: VerifyOptions) -> Any:
    """Return a callback that checks a status list credential's own proof and issuer."""
    from insignia.core import proofs

    def verify_list(list_credential: dict[str, Any]) -> bool:
        try:
            results = proofs.verify_proofs(
                list_credential, resolver=options.key_resolver, store=options.store
            )
        except InsigniaError:
            return False
        issuer = issuer_id(list_credential)
        return any(
            r.verified
            and r.controller is not None
            and issuer is not None
            and r.controller.rstrip("/") == issuer.rstrip("/")
            for r in results
        )

    return verify_list


def check_status(
    doc: Mapping[str, Any], options: VerifyOptions, report: VerificationReport
) -> None:
    """Look up every ``credentialStatus`` entry; record revocation/suspension outcomes."""
    if not as_list(doc.get("credentialStatus")):
        report.add("status", Outcome.PASS, "The issuer publishes no status for this credential.")
        return
    if not options.check_status:
        report.add("status", Outcome.SKIPPED, "Status was not checked, as requested.")
        return
    from insignia.core import status

    checks = status.check_status(
        dict(doc),
        fetch_status_list=lambda url: fetch_json(url, options),
        verify_list=_list_verifier(options),
        now=options.now,
    )
    report.checks.extend(checks)


def check_refresh(
    doc: Mapping[str, Any], options: VerifyOptions, report: VerificationReport
) -> None:
    """OB 3.0 §9.1 step 3.  We report the refresh service rather than silently swap documents.

    Following a refresh service would replace the credential the holder presented with one
    fetched from the issuer; we show the employer that a newer version may exist instead.
    """
    service = doc.get("refreshService")
    if service is None:
        return
    services = [s for s in as_list(service) if isinstance(s, Mapping)]
    if not services:
        report.add("refresh", Outcome.WARNING, "The refreshService entry is malformed.")
        return
    report.add(
        "refresh",
        Outcome.SKIPPED,
        "The issuer offers a refresh service; the credential as presented was verified.",
        url=str(services[0].get("id", "")),
    )
