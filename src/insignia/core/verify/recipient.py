"""OB 3.0 §9.3: does the credential belong to the person the verifier was told about?"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from insignia.core.report import Outcome, VerificationReport
from insignia.core.verify.checks import as_list
from insignia.core.verify.options import Recipient

_HASHES = {"sha256": hashlib.sha256, "md5": hashlib.md5}


def _same(a: str, b: str) -> bool:
    """Constant-time equality of two strings from a credential and a verifier.  Compared as
    UTF-8 bytes: ``hmac.compare_digest`` refuses ``str`` with non-ASCII characters (a
    TypeError found by fuzzing, with an address like ``jürgen@…``)."""
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def identity_matches(entry: Mapping[str, Any], recipient: Recipient) -> bool:
    """Compare one IdentityObject with a known plaintext value (hex compared case-insensitively)."""
    if entry.get("identityType") != recipient.identity_type:
        return False
    identity = entry.get("identityHash")
    if not isinstance(identity, str):
        return False
    if entry.get("hashed") is not True:
        return _same(identity.strip(), recipient.value.strip())
    alg, _, digest = identity.partition("$")
    hasher = _HASHES.get(alg.lower())
    if hasher is None or not digest:
        return False
    salt = entry.get("salt") if isinstance(entry.get("salt"), str) else ""
    computed = hasher((recipient.value.strip() + str(salt)).encode("utf-8")).hexdigest()
    return _same(computed, digest.lower())


def check_recipient(
    doc: Mapping[str, Any], recipient: Recipient | None, report: VerificationReport
) -> None:
    """Record whether the subject matches ``recipient`` (skipped when none was given)."""
    if recipient is None:
        report.add(
            "recipient",
            Outcome.SKIPPED,
            "No recipient was given to compare with; the badge's holder was not checked.",
        )
        return
    subjects = [s for s in as_list(doc.get("credentialSubject")) if isinstance(s, Mapping)]
    for subject in subjects:
        if recipient.identity_type == "id":
            if subject.get("id") == recipient.value:
                report.add(
                    "recipient", Outcome.PASS, "The credential was issued to this identifier."
                )
                return
            continue
        for entry in as_list(subject.get("identifier")):
            if isinstance(entry, Mapping) and identity_matches(entry, recipient):
                report.add(
                    "recipient",
                    Outcome.PASS,
                    f"The credential was issued to this {recipient.identity_type}.",
                )
                return
    report.add(
        "recipient",
        Outcome.FAIL,
        f"The credential was not issued to this {recipient.identity_type}.",
    )
