"""What each check means for an employer, in plain words.

The engine's check codes are stable; its messages are precise but technical.  Each code gets a
short title and, when the check fails, what that means for someone deciding whether to trust
the badge.  Unknown codes fall back to the engine's own message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from insignia.core.report import Check, Outcome


@dataclass(frozen=True, slots=True)
class Meaning:
    title: str
    if_failed: str


_EXACT: dict[str, Meaning] = {
    "input.baked": Meaning(
        "Badge image", "The image does not carry a readable credential: it is only a picture."
    ),
    "schema.vcdm": Meaning(
        "Credential structure",
        "The document is not shaped like a verifiable credential, so its claims cannot be "
        "relied on.",
    ),
    "schema.ob3": Meaning(
        "Open Badges 3.0 structure",
        "The document departs from the Open Badges 3.0 rules; some details may be missing or "
        "mean something other than they seem.",
    ),
    "jsonld.safe_mode": Meaning(
        "Defined terms",
        "Some properties are not defined by the credential's vocabularies: the signature "
        "cannot vouch for them, so treat them as unverified.",
    ),
    "proof": Meaning(
        "Signature",
        "The badge is not signed: anyone could have written it. Do not rely on it.",
    ),
    "proof.signature": Meaning(
        "Signature",
        "The signature does not match the content: the badge was altered after it was issued, "
        "or it was never signed by this issuer. Do not rely on it.",
    ),
    "proof.issuer_key": Meaning(
        "Issuer's key",
        "The key that signed the badge does not belong to the issuer it names: someone else "
        "may have issued it in their name.",
    ),
    "jwt.signature": Meaning(
        "Signature",
        "The signature does not match the content: the badge was altered or forged.",
    ),
    "jwt.key": Meaning(
        "Issuer's key", "The key that signed the badge could not be found or is not the issuer's."
    ),
    "status": Meaning(
        "Revocation", "Whether the issuer still stands behind the badge could not be checked."
    ),
    "status.revocation": Meaning(
        "Revocation",
        "The issuer has withdrawn this badge (or its revocation list could not be checked). "
        "It no longer attests anything.",
    ),
    "status.suspension": Meaning(
        "Suspension", "The issuer has suspended this badge for now: do not rely on it."
    ),
    "ob2.revocation": Meaning(
        "Revocation", "The issuer has withdrawn this badge. It no longer attests anything."
    ),
    "ob2.signature": Meaning(
        "Signature", "The signature does not match: the badge was altered or forged."
    ),
    "ob2.hosted": Meaning(
        "Hosted by the issuer",
        "The issuer's site does not serve this badge as presented: it may have been altered "
        "or withdrawn.",
    ),
    "ob2.origin": Meaning(
        "Issuer's domain",
        "The badge is hosted or signed somewhere other than the issuer's own domain, so the "
        "issuer's name alone is not proven.",
    ),
    "ob2.expiry": Meaning("Expiry", "The badge has expired: it described skills at a past date."),
    "ob2.recipient": Meaning("Recipient", "The badge was not issued to the address you checked."),
    "dates.valid_from": Meaning(
        "Start date", "The badge is not valid yet, or its start date is unreadable."
    ),
    "dates.valid_until": Meaning(
        "Expiry",
        "The badge has expired: the issuer vouched for these skills only until that date.",
    ),
    "recipient": Meaning(
        "Recipient",
        "The badge was not issued to the address you checked: it may belong to someone else.",
    ),
    "refresh": Meaning("Newer version", "The issuer may have a newer version of this badge."),
    "endorsement": Meaning(
        "Endorsements", "An endorsement attached to the badge does not verify: ignore it."
    ),
}

_PREFIX: dict[str, Meaning] = {
    "status.": Meaning("Status", "The issuer's status list says something about this badge."),
    "jwt.": Meaning("Token", "The signed token around the badge is malformed or not valid now."),
    "ob2.": Meaning("Open Badges 2.0 data", "Part of the badge could not be read or checked."),
    "proof.": Meaning("Signature", "The signature could not be checked."),
    "schema.": Meaning("Structure", "The document departs from the format it claims."),
}


def meaning(code: str) -> Meaning | None:
    """The plain-language meaning of a check code (None when we have none for it)."""
    if code in _EXACT:
        return _EXACT[code]
    for prefix, found in _PREFIX.items():
        if code.startswith(prefix):
            return found
    return None


@dataclass(frozen=True, slots=True)
class ExplainedCheck:
    code: str
    outcome: str
    title: str
    message: str
    meaning: str
    detail: dict[str, Any]

    @property
    def failed(self) -> bool:
        return self.outcome == Outcome.FAIL.value


def explain(check: Check) -> ExplainedCheck:
    """A check with its title and, when it failed or warned, what it means for an employer."""
    found = meaning(check.code)
    title = found.title if found else check.code
    implication = ""
    if check.outcome in (Outcome.FAIL, Outcome.WARNING):
        implication = found.if_failed if found else check.message
    return ExplainedCheck(
        code=check.code,
        outcome=check.outcome.value,
        title=title,
        message=check.message,
        meaning=implication,
        detail=dict(check.detail),
    )


#: Input the engine refused, by the engine's error code (the engine's message follows).
_INPUT: dict[str, str] = {
    "input.too_large": "This is too large to be a badge.",
    "input.too_deep": "This JSON nests far deeper than any badge does; it was refused unread.",
    "bake.hostile_xml": (
        "This SVG declares XML entities, a known way to attack XML readers; it was refused."
    ),
    "resolve.forbidden_address": (
        "That address points to a private or local network. The verifier only fetches public "
        "addresses."
    ),
    "resolve.forbidden_scheme": "The verifier only fetches https:// addresses.",
    "input.unrecognised": (
        "This is not a badge: paste credential JSON, a JWT or a web address, or choose a baked "
        "PNG or SVG badge."
    ),
    "input.gone": "The issuer says this badge no longer exists.",
}


def input_problem(code: str, message: str) -> str:
    """A clear sentence for input that could not be verified at all."""
    lead = _INPUT.get(code) or _INPUT.get(
        "resolve.forbidden_address" if "forbidden_address" in code else ""
    )
    if lead and lead != message:
        return f"{lead} ({message})"
    return message
