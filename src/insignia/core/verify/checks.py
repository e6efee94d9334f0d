"""The individual checks of OB 3.0 §9.1, each appending entries to a report.

Each function takes the credential, the options and the report, and records what it found
with a stable code.  They never raise on a malformed credential: a value of the wrong type is
a failed check with a message, because verification is the place where hostile documents
arrive.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from insignia.core.errors import InsigniaError
from insignia.core.report import Outcome, VerificationReport
from insignia.core.verify.dates import format_datetime, parse_datetime
from insignia.core.verify.options import VerifyOptions

VC2 = "https://www.w3.org/ns/credentials/v2"
VC1 = "https://www.w3.org/2018/credentials/v1"
OB_CONTEXT_LATEST = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_CONTEXT_PREFIX = "https://purl.imsglobal.org/spec/ob/v3p0/context"
OB_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})
ENDORSEMENT_TYPE = "EndorsementCredential"


def as_list(value: Any) -> list[Any]:
    """Treat a JSON-LD value as a list (``None`` → ``[]``, a single value → ``[value]``)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def types_of(node: Any) -> set[str]:
    """The string ``type`` values of a node (ignores anything that is not a string)."""
    if not isinstance(node, Mapping):
        return set()
    return {t for t in as_list(node.get("type")) if isinstance(t, str)}


def issuer_id(doc: Mapping[str, Any]) -> str | None:
    """The issuer's id whether ``issuer`` is a URI string or a Profile object."""
    issuer = doc.get("issuer")
    if isinstance(issuer, str):
        return issuer
    if isinstance(issuer, Mapping) and isinstance(issuer.get("id"), str):
        return str(issuer["id"])
    return None


def credential_kind(doc: Mapping[str, Any]) -> str:
    """``"ob3"`` for OpenBadge/AchievementCredentials, ``"endorsement"``, else ``"vc"``."""
    types = types_of(doc)
    if types & OB_TYPES:
        return "ob3"
    if ENDORSEMENT_TYPE in types:
        return "endorsement"
    return "vc"


def check_context(doc: Mapping[str, Any], report: VerificationReport) -> bool:
    """DM-01/02: ``@context`` starts with the VC context, then (for badges) the OB context."""
    contexts = doc.get("@context")
    if (
        not isinstance(contexts, list)
        or not contexts
        or not all(isinstance(c, str | dict) for c in contexts)
    ):
        report.add("context", Outcome.FAIL, "The credential has no usable @context list.")
        return False
    if contexts[0] not in (VC2, VC1):
        report.add(
            "context",
            Outcome.FAIL,
            "The first @context is not the W3C Verifiable Credentials context.",
            first=contexts[0] if isinstance(contexts[0], str) else "(object)",
        )
        return False
    if credential_kind(doc) in ("ob3", "endorsement"):
        ob = [c for c in contexts if isinstance(c, str) and c.startswith(OB_CONTEXT_PREFIX)]
        if not ob:
            report.add("context", Outcome.FAIL, "The Open Badges 3.0 context is missing.")
            return False
        if ob[0] != OB_CONTEXT_LATEST or contexts.index(ob[0]) != 1:
            report.add(
                "context",
                Outcome.WARNING,
                "The Open Badges context is an older version or not in second place.",
                found=ob[0],
                recommended=OB_CONTEXT_LATEST,
            )
            return True
    version = "1.1" if contexts[0] == VC1 else "2.0"
    report.add("context", Outcome.PASS, f"Contexts are those of a VC {version} credential.")
    return True


def check_type(doc: Mapping[str, Any], report: VerificationReport) -> bool:
    """``type`` includes VerifiableCredential; badges also OpenBadgeCredential."""
    types = types_of(doc)
    if "VerifiableCredential" not in types:
        report.add("type", Outcome.FAIL, "The document is not typed as a VerifiableCredential.")
        return False
    kind = credential_kind(doc)
    label = {
        "ob3": "an Open Badges 3.0 credential",
        "endorsement": "an Open Badges endorsement",
        "vc": "a verifiable credential (not an Open Badge)",
    }[kind]
    report.add("type", Outcome.PASS, f"The document is {label}.", types=sorted(types))
    return True


def check_safe_mode(
    doc: Mapping[str, Any], options: VerifyOptions, report: VerificationReport
) -> bool:
    """Every term and type is defined by a context, so nothing escapes the signature."""
    from insignia.core.jsonld import safemode

    try:
        safemode.check(doc, store=options.store)
    except InsigniaError as exc:
        report.add(
            "jsonld.safe_mode",
            Outcome.FAIL,
            f"The credential uses data that its contexts do not define: {exc.message}",
            error=exc.code,
            **exc.detail,
        )
        return False
    report.add(
        "jsonld.safe_mode", Outcome.PASS, "Every property and type is defined by the contexts."
    )
    return True


def check_dates(doc: Mapping[str, Any], options: VerifyOptions, report: VerificationReport) -> None:
    """validFrom (issuanceDate) not in the future; validUntil (expirationDate) not past."""
    start_key = "validFrom" if "validFrom" in doc else "issuanceDate"
    end_key = "validUntil" if "validUntil" in doc else "expirationDate"
    now = options.now
    start, start_tz = parse_datetime(doc.get(start_key))
    if doc.get(start_key) is None:
        report.add(
            "dates.valid_from", Outcome.WARNING, "The credential states no start of validity."
        )
    elif start is None:
        report.add("dates.valid_from", Outcome.FAIL, f"{start_key} is not a valid date and time.")
    elif start > now:
        report.add(
            "dates.valid_from",
            Outcome.FAIL,
            f"The credential is not valid yet: it becomes valid on {format_datetime(start)}.",
            valid_from=format_datetime(start),
        )
    else:
        report.add(
            "dates.valid_from",
            Outcome.PASS if start_tz else Outcome.WARNING,
            f"Valid since {format_datetime(start)}."
            + ("" if start_tz else " (no timezone given; read as UTC)"),
            valid_from=format_datetime(start),
        )
    if doc.get(end_key) is None:
        report.add("dates.valid_until", Outcome.PASS, "The credential does not expire.")
        return
    end, _ = parse_datetime(doc.get(end_key))
    if end is None:
        report.add("dates.valid_until", Outcome.FAIL, f"{end_key} is not a valid date and time.")
    elif end < now:
        report.add(
            "dates.valid_until",
            Outcome.FAIL,
            f"The credential expired on {format_datetime(end)}.",
            valid_until=format_datetime(end),
        )
    else:
        report.add(
            "dates.valid_until",
            Outcome.PASS,
            f"The credential is valid until {format_datetime(end)}.",
            valid_until=format_datetime(end),
        )
