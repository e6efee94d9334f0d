"""What a verified badge says, read from the engine's report for display.

Nothing here verifies: it reads the credential the engine parsed (OB 3.0, or an OB 2.0
assertion with the badge class and issuer it fetched) and the outcome of its checks.  Values
are shown as claims of the document; the checks say which claims are proven.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from insignia.core.report import Outcome, VerificationReport
from insignia.web.verification.explain import ExplainedCheck, explain


@dataclass(frozen=True, slots=True)
class Skill:
    name: str
    framework: str = ""
    code: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True)
class IssuerIdentity:
    """Who the issuer says it is, and how that identity is anchored."""

    name: str
    id: str
    kind: str  # did:web · did:key · https · other
    domain: str
    explanation: str


@dataclass(frozen=True, slots=True)
class RecipientInfo:
    kind: str  # hashed-email · email · id · none
    value: str = ""
    explanation: str = ""

    @property
    def hashed(self) -> bool:
        return self.kind == "hashed"


@dataclass(frozen=True, slots=True)
class Summary:
    """The badge in plain words, and the verdict of each kind of check."""

    valid: bool
    format: str
    format_words: str
    name: str = ""
    description: str = ""
    criteria: str = ""
    criteria_url: str = ""
    image: str = ""
    achievement_type: str = ""
    issuer: IssuerIdentity | None = None
    recipient: RecipientInfo = field(default_factory=lambda: RecipientInfo("none"))
    recipient_name: str = ""
    issued: str = ""
    expires: str = ""
    skills: list[Skill] = field(default_factory=list)
    signature: str = "skipped"  # pass · fail · warning · skipped
    revocation: str = "skipped"
    expiry: str = "skipped"
    recipient_check: str = "skipped"
    checks: list[ExplainedCheck] = field(default_factory=list)

    @property
    def failures(self) -> list[ExplainedCheck]:
        return [c for c in self.checks if c.failed]

    @property
    def headline(self) -> str:
        """The first thing an employer needs to know."""
        if self.valid:
            return "This badge is genuine, unaltered, not revoked and within its dates."
        if self.revocation == "fail":
            return "The issuer has revoked this badge."
        if self.signature == "fail":
            return "The signature does not hold: this badge was altered or forged."
        if self.expiry == "fail":
            return "This badge has expired."
        if self.recipient_check == "fail":
            return "This badge was not issued to the address you checked."
        return "This badge could not be verified."


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        for key in ("name", "id"):
            if isinstance(value.get(key), str):
                return str(value[key])
    if isinstance(value, list) and value:
        return _text(value[0])
    return ""


def _first(value: object) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _linked(value: object, fetched: Mapping[str, bytes]) -> dict[str, Any]:
    """An embedded object, or the one its URL returned while verifying."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value.split("#", 1)[0] in fetched:
        try:
            loaded = json.loads(fetched[value.split("#", 1)[0]])
        except ValueError:
            return {}
        return _dict(loaded)
    return {}


def issuer_identity(issuer_id: str, name: str, url: str = "") -> IssuerIdentity:
    """How an issuer id anchors the issuer: a domain (did:web, https) or a bare key."""
    if issuer_id.startswith("did:web:"):
        parts = issuer_id[len("did:web:") :].split(":")
        domain = unquote(parts[0])
        return IssuerIdentity(
            name,
            issuer_id,
            "did:web",
            domain,
            f"Identified by the web domain {domain}: its keys are published on that site, so "
            "whoever controls the domain vouches for the badge.",
        )
    if issuer_id.startswith("did:key:"):
        return IssuerIdentity(
            name,
            issuer_id,
            "did:key",
            "",
            "Identified only by a cryptographic key, not by a domain: the signature proves the "
            "key's holder issued it, but not who that is. Check that this key is the one the "
            "organisation publishes.",
        )
    target = issuer_id if issuer_id.startswith(("https://", "http://")) else url
    if target.startswith(("https://", "http://")):
        domain = urlsplit(target).netloc
        return IssuerIdentity(
            name,
            issuer_id,
            "https",
            domain,
            f"Identified by a web address on {domain}.",
        )
    return IssuerIdentity(
        name, issuer_id, "other", "", "The issuer's identifier is not tied to a domain."
    )


def _recipient_ob3(subject: Mapping[str, Any]) -> RecipientInfo:
    identifiers = subject.get("identifier")
    entries = identifiers if isinstance(identifiers, list) else [identifiers]
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        kind = str(entry.get("identityType") or "identifier")
        if entry.get("hashed") is True:
            return RecipientInfo(
                "hashed",
                kind,
                f"Issued to a hashed {kind}: enter the address you were given to check it.",
            )
        value = _text(entry.get("identityHash"))
        if value:
            return RecipientInfo("plain", value, f"Issued to the {kind} {value}.")
    if isinstance(subject.get("id"), str):
        return RecipientInfo("id", str(subject["id"]), f"Issued to {subject['id']}.")
    return RecipientInfo("none", "", "The badge does not say to whom it was issued.")


def _recipient_ob2(recipient: Mapping[str, Any]) -> RecipientInfo:
    kind = str(recipient.get("type") or "email")
    if recipient.get("hashed") is True or str(recipient.get("identity", "")).startswith(
        ("sha256$", "md5$")
    ):
        return RecipientInfo(
            "hashed", kind, f"Issued to a hashed {kind}: enter the address to check it."
        )
    value = _text(recipient.get("identity"))
    return RecipientInfo("plain", value, f"Issued to the {kind} {value}.")


def _skills(alignments: object) -> list[Skill]:
    found = alignments if isinstance(alignments, list) else []
    return [
        Skill(
            name=_text(a.get("targetName")),
            framework=_text(a.get("targetFramework")),
            code=_text(a.get("targetCode")),
            url=_text(a.get("targetUrl")),
        )
        for a in found
        if isinstance(a, Mapping) and _text(a.get("targetName"))
    ]


def _outcome(report: VerificationReport, *codes: str) -> str:
    outcomes = [c.outcome for c in report.checks if c.code in codes]
    for wanted in (Outcome.FAIL, Outcome.WARNING, Outcome.PASS):
        if wanted in outcomes:
            return wanted.value
    return "skipped"


def _format_words(fmt: str) -> str:
    version = "Open Badges 2.0" if fmt.startswith("ob2") else "Open Badges 3.0"
    for token, words in (
        ("png", "baked into a PNG image"),
        ("svg", "baked into an SVG image"),
        ("jwt", "as a signed JWT"),
        ("url", "fetched from its web address"),
    ):
        if token in fmt:
            return f"{version}, {words}"
    return f"{version}, as JSON"


def summarise(report: VerificationReport, fetched: Mapping[str, bytes]) -> Summary:
    """Read the badge the engine verified into plain values."""
    credential = report.credential or {}
    common: dict[str, Any] = {
        "valid": report.valid,
        "format": report.format,
        "format_words": _format_words(report.format),
        "checks": [explain(c) for c in report.checks],
        "signature": _outcome(
            report,
            "proof",
            "proof.signature",
            "proof.issuer_key",
            "jwt.signature",
            "ob2.signature",
            "ob2.hosted",
        ),
        "revocation": _outcome(report, "status", "status.revocation", "ob2.revocation"),
        "expiry": _outcome(report, "dates.valid_until", "ob2.expiry", "jwt.validity"),
        "recipient_check": _outcome(report, "recipient", "ob2.recipient"),
    }
    if report.format.startswith("ob2") or "badge" in credential:
        badge = _linked(credential.get("badge"), fetched)
        issuer = _linked(badge.get("issuer"), fetched)
        criteria = badge.get("criteria")
        issuer_id = _text(issuer.get("id")) or _text(badge.get("issuer"))
        return Summary(
            **common,
            name=_text(badge.get("name")),
            description=_text(badge.get("description")),
            criteria=_text(_dict(criteria).get("narrative")),
            criteria_url=criteria
            if isinstance(criteria, str)
            else _text(_dict(criteria).get("id")),
            image=_text(credential.get("image")) or _text(badge.get("image")),
            issuer=issuer_identity(issuer_id, _text(issuer.get("name")), _text(issuer.get("url"))),
            recipient=_recipient_ob2(_dict(credential.get("recipient"))),
            issued=_text(credential.get("issuedOn")),
            expires=_text(credential.get("expires")),
            skills=_skills(badge.get("alignment")),
        )
    subject = _dict(_first(credential.get("credentialSubject")))
    achievement = _dict(subject.get("achievement"))
    criteria = _dict(achievement.get("criteria"))
    profile = credential.get("issuer")
    issuer_id = _text(_dict(profile).get("id")) if isinstance(profile, dict) else _text(profile)
    return Summary(
        **common,
        name=_text(achievement.get("name")) or _text(credential.get("name")),
        description=_text(achievement.get("description")) or _text(credential.get("description")),
        criteria=_text(criteria.get("narrative")),
        criteria_url=_text(criteria.get("id")),
        image=_text(achievement.get("image")) or _text(credential.get("image")),
        achievement_type=_text(achievement.get("achievementType")),
        issuer=issuer_identity(
            issuer_id, _text(_dict(profile).get("name")), _text(_dict(profile).get("url"))
        ),
        recipient=_recipient_ob3(subject),
        recipient_name=_text(subject.get("name")),
        issued=_text(credential.get("validFrom"))
        or _text(credential.get("awardedDate"))
        or _text(credential.get("issuanceDate")),
        expires=_text(credential.get("validUntil")) or _text(credential.get("expirationDate")),
        skills=_skills(achievement.get("alignment")),
    )
