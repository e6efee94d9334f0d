"""W3C VC-API: ``POST /credentials/issue``, ``/credentials/verify``, ``/presentations/verify``.

Served at the site root (the paths of the VC-API specification) and under ``/api/v1/vc/``
(the same views, listed in the OpenAPI document).  Bodies are read here rather than by the
framework so that malformed input answers 400, as the VC-API and its test suites expect.

* issue: a token with ``credentials:issue``; the caller's credential must name the token's
  organisation (its DID) as ``issuer``; ``id`` and ``validFrom`` (``issuanceDate`` for VC
  1.1) are filled in when absent; it is signed with the organisation's active key.
* verify: 200 when every check passes; 400 for input that is not a credential; 422 for a
  credential that fails a check (signature, status, dates…), with the failures in ``errors``.
* presentations: the holder's proof is checked (``challenge``/``domain`` against the
  options); an unsigned presentation is accepted only with ``options.unsignedPresentation``.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router
from ninja.decorators import decorate_view
from ninja.responses import Status

from insignia.core.report import Outcome, VerificationReport
from insignia.web.api import engine
from insignia.web.api.auth import TokenAuth, context, document_scopes
from insignia.web.api.errors import BadRequest
from insignia.web.api.schemas import ErrorOut
from insignia.web.api.scopes import Scope
from insignia.web.awards.models import Credential
from insignia.web.awards.verification import platform_policy
from insignia.web.common.ratelimit import api_rate_limit
from insignia.web.issuers.selectors import active_signing_key
from insignia.web.issuers.services import audit_record, signing_key_open
from insignia.web.verification import engine as verification_engine

router = Router(tags=["VC-API"])

VC1 = "https://www.w3.org/2018/credentials/v1"
VC2 = "https://www.w3.org/ns/credentials/v2"
MAX_BODY = 2 * 1024 * 1024
_DATES = ("validFrom", "validUntil", "issuanceDate", "expirationDate")


def _body(request: HttpRequest) -> dict[str, Any]:
    if len(request.body) > MAX_BODY:
        raise BadRequest("The request is larger than 2 MB.", code="input.too_large")
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, RecursionError):
        raise BadRequest("The body is not JSON.", code="request.malformed") from None
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object.", code="request.malformed")
    options = body.get("options")
    if options is not None and not isinstance(options, dict):
        raise BadRequest("options must be an object.", code="request.malformed")
    body["options"] = options or {}
    return body


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str) or "T" not in value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def issuer_id(credential: dict[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) and issuer else None


def credential_problems(credential: Any) -> list[dict[str, str]]:
    """What makes ``credential`` not a Verifiable Credential at all (empty: well formed)."""
    if not isinstance(credential, dict):
        return [{"code": "credential.not_object", "message": "The credential must be an object."}]
    problems = []
    contexts = credential.get("@context")
    first = _as_list(contexts)[:1] if isinstance(contexts, list | str) else []
    if not first or first[0] not in (VC1, VC2):
        problems.append(
            {
                "code": "credential.context",
                "message": f"@context must start with {VC2} (or {VC1}).",
            }
        )
    types = credential.get("type")
    if not isinstance(types, list | str) or "VerifiableCredential" not in _as_list(types):
        problems.append(
            {"code": "credential.type", "message": "type must include VerifiableCredential."}
        )
    if issuer_id(credential) is None:
        problems.append(
            {"code": "credential.issuer", "message": "issuer must be a URL or an object with id."}
        )
    subjects = credential.get("credentialSubject")
    if not subjects or not all(isinstance(s, dict) for s in _as_list(subjects)):
        problems.append(
            {
                "code": "credential.subject",
                "message": "credentialSubject must be an object (or a list of objects).",
            }
        )
    elif any(
        "id" in s and (not isinstance(s["id"], str) or ":" not in s["id"])
        for s in _as_list(subjects)
    ):
        problems.append(
            {"code": "credential.subject", "message": "credentialSubject.id must be a URL."}
        )
    if "id" in credential and (
        not isinstance(credential["id"], str) or ":" not in credential["id"]
    ):
        problems.append({"code": "credential.id", "message": "id must be a URL."})
    for name in _DATES:
        if name in credential and _instant(credential[name]) is None:
            problems.append(
                {"code": "credential.date", "message": f"{name} must be a date-time with a zone."}
            )
    return problems


# --- issue -----------------------------------------------------------------------------------

_ISSUE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["credential"],
                    "properties": {
                        "credential": {"type": "object"},
                        "options": {
                            "type": "object",
                            "properties": {"credentialId": {"type": "string"}},
                        },
                    },
                }
            }
        },
    }
}


@router.post(
    "/credentials/issue",
    url_name="vc_credentials_issue",
    auth=TokenAuth(Scope.CREDENTIALS_ISSUE),
    response={201: dict[str, Any], 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    openapi_extra=_ISSUE_BODY,
    summary="Issue (sign) a credential",
)
def issue(request: HttpRequest) -> Status[Any]:
    """Sign the organisation's own credential with its active key; answers
    ``{"verifiableCredential": …}``.  Nothing is stored except an audit event: a credential
    signed here has no status entry and no recipient on this site."""
    ctx = context(request)
    body = _body(request)
    credential = body.get("credential")
    problems = credential_problems(credential)
    if problems:
        raise BadRequest("The credential is malformed.", code="credential.invalid", errors=problems)
    assert isinstance(credential, dict)
    if "proof" in credential:
        raise BadRequest("The credential already carries a proof.", code="credential.has_proof")
    if issuer_id(credential) != ctx.organisation.did:
        raise BadRequest(
            f"issuer must be this organisation: {ctx.organisation.did}.",
            code="credential.issuer_mismatch",
        )
    options = body["options"]
    now = timezone.now().replace(microsecond=0)
    document = dict(credential)
    if "id" not in document:
        wanted = options.get("credentialId")
        if wanted is not None and (not isinstance(wanted, str) or ":" not in wanted):
            raise BadRequest("options.credentialId must be a URL.", code="request.malformed")
        document["id"] = wanted or f"urn:uuid:{uuid.uuid4()}"
    stamp = now.isoformat().replace("+00:00", "Z")
    if _as_list(document["@context"])[0] == VC2:
        document.setdefault("validFrom", stamp)
    else:
        document.setdefault("issuanceDate", stamp)
    key = active_signing_key(organisation=ctx.organisation)
    if key is None:
        return Status(
            422,
            {"code": "issuer.no_key", "message": "The organisation has no active signing key."},
        )
    try:
        signed = engine.sign_document(
            document,
            signer=signing_key_open(key=key),
            verification_method=key.verification_method,
            created=now,
        )
    except engine.InsigniaError as exc:
        raise BadRequest(exc.message, code=exc.code or "credential.unsignable") from exc
    with ctx.acting() as actor:
        audit_record(
            organisation=ctx.organisation,
            actor=actor,
            action="vcapi.credential_signed",
            now=now,
            credential=str(document["id"]),
            key=key.key_id,
        )
    return Status(201, {"verifiableCredential": signed})


# --- verify ----------------------------------------------------------------------------------


def _result(report: VerificationReport) -> dict[str, Any]:
    return {
        "verified": report.valid,
        "checks": [c.code for c in report.checks if c.outcome is Outcome.PASS],
        "warnings": [{"code": c.code, "message": c.message} for c in report.warnings],
        "errors": [{"code": c.code, "message": c.message} for c in report.failures],
    }


def _own_policy(report: VerificationReport) -> None:
    """For a badge of this site, add what the site knows (suspension, compromised keys)."""
    document = report.credential or {}
    cid = document.get("id")
    if not isinstance(cid, str) or not cid.startswith("urn:uuid:"):
        return
    try:
        pk = uuid.UUID(cid.removeprefix("urn:uuid:"))
    except ValueError:
        return
    row = Credential.objects.filter(pk=pk).select_related("organisation").first()
    if row is not None and row.organisation.did == issuer_id(document):
        platform_policy(credential=row, report=report)


def verify_credential(credential: Any, *, now: datetime) -> tuple[int, dict[str, Any]]:
    """The status and body of a verification of one credential (object or VC-JWT)."""
    if isinstance(credential, str):
        data = credential.strip().encode("utf-8")
    else:
        problems = credential_problems(credential)
        if problems:
            return 400, {
                "verified": False,
                "checks": [],
                "warnings": [],
                "errors": problems,
            }
        data = json.dumps(credential).encode("utf-8")
    try:
        verified = verification_engine.verify_input(
            data=data, now=now, fetcher=verification_engine.verifier_fetcher()
        )
    except verification_engine.Unverifiable as exc:
        return 400, {
            "verified": False,
            "checks": [],
            "warnings": [],
            "errors": [{"code": exc.code, "message": exc.message}],
        }
    _own_policy(verified.report)
    result = _result(verified.report)
    return (200 if result["verified"] else 422), result


_VERIFY_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["verifiableCredential"],
                    "properties": {
                        "verifiableCredential": {"oneOf": [{"type": "object"}, {"type": "string"}]},
                        "options": {"type": "object"},
                    },
                }
            }
        },
    }
}


@router.post(
    "/credentials/verify",
    url_name="vc_credentials_verify",
    response={200: dict[str, Any], 400: dict[str, Any], 422: dict[str, Any]},
    openapi_extra=_VERIFY_BODY,
    summary="Verify a credential",
)
@decorate_view(api_rate_limit("verify"))  # anonymous and costly, as the verifier
def verify(request: HttpRequest) -> Status[Any]:
    """Verify a credential (Data Integrity or VC-JWT): ``{"verified", "checks", "warnings",
    "errors"}``; 200 valid, 422 invalid, 400 not a credential.  No token needed."""
    body = _body(request)
    if "verifiableCredential" not in body:
        raise BadRequest("verifiableCredential is required.", code="request.malformed")
    status, result = verify_credential(body["verifiableCredential"], now=timezone.now())
    return Status(status, result)


_PRESENTATION_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["verifiablePresentation"],
                    "properties": {
                        "verifiablePresentation": {"type": "object"},
                        "options": {
                            "type": "object",
                            "properties": {
                                "challenge": {"type": "string"},
                                "domain": {"type": "string"},
                                "unsignedPresentation": {"type": "boolean"},
                            },
                        },
                    },
                }
            }
        },
    }
}


def _presentation_checks(
    presentation: dict[str, Any], options: dict[str, Any]
) -> tuple[list[str], list[dict[str, str]]]:
    """The holder's proofs: what passed, and the errors."""
    proofs = presentation.get("proof")
    if proofs is None:
        if options.get("unsignedPresentation") is True:
            return [], []
        return [], [
            {
                "code": "presentation.unsigned",
                "message": "The presentation has no proof "
                "(send options.unsignedPresentation: true to accept that).",
            }
        ]
    errors = []
    results = engine.presentation_proofs(
        presentation, fetcher=verification_engine.verifier_fetcher()
    )
    for result in results:
        if not result.verified:
            errors.append({"code": result.code, "message": result.message})
    for name in ("challenge", "domain"):
        wanted = options.get(name)
        if wanted is None:
            continue
        given = [p.get(name) for p in _as_list(proofs) if isinstance(p, dict)]
        if wanted not in given:
            errors.append(
                {"code": f"presentation.{name}", "message": f"The proof's {name} does not match."}
            )
    return (["presentation.proof"] if not errors else []), errors


@router.post(
    "/presentations/verify",
    url_name="vc_presentations_verify",
    response={200: dict[str, Any], 400: dict[str, Any], 422: dict[str, Any]},
    openapi_extra=_PRESENTATION_BODY,
    summary="Verify a presentation",
)
@decorate_view(api_rate_limit("verify"))  # anonymous and costly, as the verifier
def verify_presentation(request: HttpRequest) -> Status[Any]:
    """Verify a VerifiablePresentation: the holder's proof, then each embedded credential
    (``credentialResults``, in order).  200 when everything passes, 422 otherwise, 400 for
    input that is not a presentation.  No token needed."""
    body = _body(request)
    presentation = body.get("verifiablePresentation")
    if not isinstance(presentation, dict):
        raise BadRequest("verifiablePresentation must be an object.", code="request.malformed")
    types = presentation.get("type")
    contexts = presentation.get("@context")
    if (
        not isinstance(types, list | str)
        or "VerifiablePresentation" not in _as_list(types)
        or not isinstance(contexts, list | str)
        or _as_list(contexts)[0] not in (VC1, VC2)
    ):
        raise BadRequest(
            "Not a VerifiablePresentation (@context and type).", code="presentation.invalid"
        )
    now = timezone.now()
    try:
        checks, errors = _presentation_checks(presentation, body["options"])
    except engine.InsigniaError as exc:
        raise BadRequest(exc.message, code=exc.code or "presentation.invalid") from exc
    results = []
    for credential in _as_list(presentation.get("verifiableCredential", [])):
        status, result = verify_credential(credential, now=now)
        if status == 400:
            return Status(
                400,
                {
                    "verified": False,
                    "checks": checks,
                    "warnings": [],
                    "errors": errors + result["errors"],
                },
            )
        results.append(result)
    verified = not errors and all(r["verified"] for r in results)
    return Status(
        200 if verified else 422,
        {
            "verified": verified,
            "checks": checks,
            "warnings": [],
            "errors": errors,
            "credentialResults": results,
        },
    )


document_scopes(router)
