"""Open Badges 3.0 conformance rules that the JSON Schema cannot express.

These follow OB 3.0 §9.1 step 1b and what the 1EdTech validator checks after the schema
(standards notes §3.4 steps 6–8): a subject must be identifiable, every part must say what it
is (``type`` ⊇ the class name), criteria must say something, and the issuer must be a Profile.
Types are read in both the array and the compacted string form, as a verifier must.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypeGuard

from insignia.core.vcdm._credential import Findings
from insignia.core.vcdm._problem import join_path
from insignia.core.vcdm._values import as_list, has_type, is_url, type_values

OB_CONTEXT_LATEST = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
_OB_CONTEXT = re.compile(r"https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d\.\d)*\.json")
_IDENTITY_HASH = re.compile(r"(?:sha256\$[0-9a-fA-F]{64}|md5\$[0-9a-fA-F]{32})")
_CREDENTIAL_TYPES = ("OpenBadgeCredential", "AchievementCredential")


def check_ob3(doc: Mapping[str, Any], found: Findings) -> None:
    """Apply the OB 3.0 rules for an AchievementCredential or an EndorsementCredential."""
    _check_ob_context(doc, found)
    types = type_values(doc) or []
    if "EndorsementCredential" in types:
        _check_endorsement(doc, found)
        return
    if "VerifiableCredential" not in types or not any(t in types for t in _CREDENTIAL_TYPES):
        found.error(
            "ob3.type",
            "type",
            "An Open Badge's type must include VerifiableCredential and OpenBadgeCredential "
            "(or AchievementCredential).",
        )
    _check_issuer(doc.get("issuer"), found)
    _check_subject(doc.get("credentialSubject"), found)
    for index, evidence in enumerate(as_list(doc.get("evidence"))):
        _require_type(
            evidence, "Evidence", join_path("evidence", index), found, "ob3.evidence.type"
        )


def _check_ob_context(doc: Mapping[str, Any], found: Findings) -> None:
    context = doc.get("@context")
    second = context[1] if isinstance(context, list) and len(context) > 1 else None
    if not isinstance(second, str) or _OB_CONTEXT.fullmatch(second) is None:
        found.error(
            "ob3.context.missing",
            "@context[1]",
            f"The second @context item must be the Open Badges 3.0 context ({OB_CONTEXT_LATEST}).",
        )
    elif second != OB_CONTEXT_LATEST:
        found.warn(
            "ob3.context.version",
            "@context[1]",
            f"The Open Badges context {second} is an older version; "
            f"{OB_CONTEXT_LATEST} is current.",
        )


def _require_type(
    node: object, wanted: str, path: str, found: Findings, code: str
) -> TypeGuard[Mapping[str, Any]]:
    """True when ``node`` is an object whose type includes ``wanted``; else record ``code``."""
    if has_type(node, wanted):
        return True
    if isinstance(node, Mapping):
        found.error(code, join_path(path, "type"), f"The type here must include {wanted}.")
    else:
        found.error(code, path, f"This must be a {wanted} object (with a type that says so).")
    return False


def _check_issuer(issuer: object, found: Findings) -> None:
    if not isinstance(issuer, Mapping):
        found.error(
            "ob3.issuer.not_profile",
            "issuer",
            "The issuer must be an embedded Profile object (with id, type and name), not a bare "
            "URL; the 1EdTech validator rejects a bare issuer URL.",
        )
        return
    _require_type(issuer, "Profile", "issuer", found, "ob3.issuer.type")
    for index, entry in enumerate(as_list(issuer.get("otherIdentifier"))):
        here = join_path(join_path("issuer", "otherIdentifier"), index)
        _require_type(entry, "IdentifierEntry", here, found, "ob3.issuer.other_identifier")
    if "parentOrg" in issuer:
        _require_type(
            issuer["parentOrg"], "Profile", "issuer.parentOrg", found, "ob3.issuer.parent"
        )


def _check_subject(subject: object, found: Findings) -> None:
    where = "credentialSubject"
    if not isinstance(subject, Mapping):
        found.error(
            "ob3.subject.not_object",
            where,
            "An Open Badge has exactly one credentialSubject object (an AchievementSubject).",
        )
        return
    _require_type(subject, "AchievementSubject", where, found, "ob3.subject.type")
    identifiers = as_list(subject.get("identifier"))
    if "id" not in subject and not identifiers:
        found.error(
            "ob3.subject.no_identifier",
            where,
            "The credentialSubject must have an id or at least one identifier, so that the "
            "recipient can be recognised.",
        )
    for index, identifier in enumerate(identifiers):
        _check_identity(identifier, join_path(join_path(where, "identifier"), index), found)
    if "source" in subject:
        _require_type(subject["source"], "Profile", f"{where}.source", found, "ob3.subject.source")
    achievement = subject.get("achievement")
    descriptions = _check_achievement(achievement, found)
    for index, result in enumerate(as_list(subject.get("result"))):
        _check_result(result, join_path(join_path(where, "result"), index), descriptions, found)


def _check_identity(identifier: object, path: str, found: Findings) -> None:
    if not _require_type(identifier, "IdentityObject", path, found, "ob3.identifier.type"):
        return
    value = identifier.get("identityHash")
    if identifier.get("hashed") is True and not (
        isinstance(value, str) and _IDENTITY_HASH.fullmatch(value)
    ):
        found.error(
            "ob3.identifier.hash_format",
            join_path(path, "identityHash"),
            "A hashed identityHash must read 'sha256$' + 64 hex digits (or 'md5$' + 32).",
        )


def _check_achievement(achievement: object, found: Findings) -> dict[str, Mapping[str, Any]]:
    """Check the achievement and return its result descriptions by id."""
    where = "credentialSubject.achievement"
    if not isinstance(achievement, Mapping):
        found.error(
            "ob3.achievement.missing", where, "The credentialSubject has no achievement object."
        )
        return {}
    _require_type(achievement, "Achievement", where, found, "ob3.achievement.type")
    criteria = achievement.get("criteria")
    if not isinstance(criteria, Mapping) or not (
        is_url(criteria.get("id")) or isinstance(criteria.get("narrative"), str)
    ):
        found.error(
            "ob3.criteria.empty",
            f"{where}.criteria",
            "The achievement's criteria must have an id (a URL describing the criteria) or a "
            "narrative.",
        )
    descriptions: dict[str, Mapping[str, Any]] = {}
    for index, description in enumerate(as_list(achievement.get("resultDescription"))):
        here = join_path(f"{where}.resultDescription", index)
        code = "ob3.result_description.type"
        if _require_type(description, "ResultDescription", here, found, code) and isinstance(
            description.get("id"), str
        ):
            descriptions[description["id"]] = description
    return descriptions


def _check_result(
    result: object, path: str, descriptions: dict[str, Mapping[str, Any]], found: Findings
) -> None:
    if not _require_type(result, "Result", path, found, "ob3.result.type"):
        return
    ref = result.get("resultDescription")
    if ref is None:
        return
    description = descriptions.get(ref) if isinstance(ref, str) else None
    if description is None:
        found.warn(
            "ob3.result.unknown_description",
            join_path(path, "resultDescription"),
            "This result points at a resultDescription the achievement does not define.",
        )
    elif description.get("resultType") == "Status" and "status" not in result:
        found.error(
            "ob3.result.status_missing",
            join_path(path, "status"),
            "A result for a Status result description must give its status.",
        )


def _check_endorsement(doc: Mapping[str, Any], found: Findings) -> None:
    if "VerifiableCredential" not in (type_values(doc) or []):
        found.error("ob3.type", "type", "An endorsement's type must include VerifiableCredential.")
    _check_issuer(doc.get("issuer"), found)
    subject = doc.get("credentialSubject")
    if not isinstance(subject, Mapping):
        found.error(
            "ob3.subject.not_object",
            "credentialSubject",
            "An endorsement has one EndorsementSubject.",
        )
        return
    _require_type(subject, "EndorsementSubject", "credentialSubject", found, "ob3.subject.type")
    if not is_url(subject.get("id")):
        found.error(
            "ob3.subject.no_identifier",
            "credentialSubject.id",
            "An EndorsementSubject's id must be the URL of the endorsed credential, achievement "
            "or profile.",
        )
