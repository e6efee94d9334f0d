"""W3C VC Data Model rules for credentials and presentations (2.0, and 1.1 where they differ).

Each rule below is one the W3C VCDM 2.0 test suite exercises (its ``*-ok``/``*-fail`` inputs
are our regression tests); the messages say what to fix, in the words of the spec.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

from insignia.core.vcdm._context import ActiveTerms, read_context
from insignia.core.vcdm._problem import Problem, join_path
from insignia.core.vcdm._values import (
    as_list,
    is_language_value,
    is_url,
    parse_datetime,
    type_values,
)

Version = Literal["2.0", "1.1"]
VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"

#: Properties whose values are objects that must each say what they are (``type``); the bool
#: says whether ``id`` is required too.
_TYPED_PARTS: dict[str, bool] = {
    "credentialStatus": False,
    "credentialSchema": True,
    "evidence": False,
    "termsOfUse": False,
    "refreshService": False,
    "proof": False,
}
_MULTIBASE_ALPHABETS = {
    "z": "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz",
    "u": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
}
_SRI_ALGORITHMS = ("sha256-", "sha384-", "sha512-")
_B64 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")


class Findings:
    """Accumulates problems while the rules walk a document."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def error(self, code: str, path: str, message: str) -> None:
        self.items.append(Problem(code, message, path, "error"))

    def warn(self, code: str, path: str, message: str) -> None:
        self.items.append(Problem(code, message, path, "warning"))


def version_of(doc: Mapping[str, Any]) -> Version:
    """VCDM 1.1 when the first context is the 2018 one, else 2.0 (the default we hold docs to)."""
    context = doc.get("@context")
    first = context[0] if isinstance(context, list) and context else context
    return "1.1" if first == VC_V1 else "2.0"


def check_credential(doc: Mapping[str, Any], found: Findings, path: str = "") -> None:
    """Apply the credential rules to ``doc`` (found at ``path`` inside a larger document)."""
    version = version_of(doc)
    problems, terms = read_context(doc, VC_V1 if version == "1.1" else VC_V2, path)
    found.items += problems
    _check_id(doc, found, path, "vcdm.id.invalid", "The credential id")
    _check_types(doc, found, path, "VerifiableCredential", terms)
    _check_issuer(doc, found, path)
    _check_subjects(doc, found, path)
    _check_dates(doc, version, found, path)
    for key in ("name", "description"):
        if key in doc and not is_language_value(doc[key]):
            found.error(
                f"vcdm.{key}.invalid",
                join_path(path, key),
                f"The credential {key} must be a string or a language value object "
                "(@value with optional @language and @direction, nothing else).",
            )
    for key in _TYPED_PARTS:
        if key in doc:
            _check_typed_part(doc[key], key, found, join_path(path, key), terms)
    if "relatedResource" in doc:
        _check_related_resources(doc["relatedResource"], found, join_path(path, "relatedResource"))


def check_presentation(doc: Mapping[str, Any], found: Findings, path: str = "") -> None:
    """Apply the presentation rules, and the credential rules to each embedded credential."""
    version = version_of(doc)
    problems, terms = read_context(doc, VC_V1 if version == "1.1" else VC_V2, path)
    found.items += problems
    _check_id(doc, found, path, "vcdm.id.invalid", "The presentation id")
    _check_types(doc, found, path, "VerifiablePresentation", terms)
    if "holder" in doc:
        holder = doc["holder"]
        holder_id = holder.get("id") if isinstance(holder, Mapping) else holder
        if not is_url(holder_id):
            found.error(
                "vcdm.holder.not_url",
                join_path(path, "holder"),
                "The holder must be a URL or an object whose id is a URL.",
            )
    if "proof" in doc:
        _check_typed_part(doc["proof"], "proof", found, join_path(path, "proof"), terms)
    for index, item in enumerate(as_list(doc.get("verifiableCredential"))):
        where = join_path(join_path(path, "verifiableCredential"), index)
        if not isinstance(item, Mapping):
            found.error(
                "vcdm.presentation.credential_not_object",
                where,
                "Each verifiableCredential must be an object (an enveloped credential wraps "
                "a JWT in an EnvelopedVerifiableCredential object).",
            )
        elif "EnvelopedVerifiableCredential" in (type_values(item) or []):
            if not (isinstance(item.get("id"), str) and item["id"].startswith("data:")):
                found.error(
                    "vcdm.presentation.envelope_id",
                    join_path(where, "id"),
                    "An enveloped credential's id must be a data: URL holding the credential.",
                )
        else:
            check_credential(item, found, where)


def _check_id(doc: Mapping[str, Any], found: Findings, path: str, code: str, what: str) -> None:
    if "id" in doc and not is_url(doc["id"]):
        value = doc["id"]
        detail = "a list" if isinstance(value, list) else repr(value)
        found.error(code, join_path(path, "id"), f"{what} must be a single URL, not {detail}.")


def _check_types(
    doc: Mapping[str, Any], found: Findings, path: str, required: str, terms: ActiveTerms
) -> None:
    where = join_path(path, "type")
    values = type_values(doc)
    if values == []:
        found.error("vcdm.type.missing", where, f"The type is missing; it must include {required}.")
        return
    if values is None:
        found.error("vcdm.type.invalid", where, "The type must be a string or a list of strings.")
        return
    if required not in values:
        found.error("vcdm.type.required", where, f"The type must include {required!r}.")
    _check_defined_types(values, found, where, terms)


def _check_defined_types(
    values: list[str], found: Findings, where: str, terms: ActiveTerms
) -> None:
    for value in values:
        if not terms.defines(value):
            found.error(
                "vcdm.type.undefined",
                where,
                f"The type {value!r} is neither a URL nor a term defined by the @context.",
            )


def _check_issuer(doc: Mapping[str, Any], found: Findings, path: str) -> None:
    where = join_path(path, "issuer")
    if "issuer" not in doc:
        found.error("vcdm.issuer.missing", where, "The credential has no issuer.")
        return
    issuer = doc["issuer"]
    if isinstance(issuer, Mapping):
        if not is_url(issuer.get("id")):
            found.error(
                "vcdm.issuer.not_url",
                join_path(where, "id"),
                "The issuer object must have an id that is a URL.",
            )
        for key in ("name", "description"):
            if key in issuer and not is_language_value(issuer[key]):
                found.error(
                    f"vcdm.issuer.{key}.invalid",
                    join_path(where, key),
                    f"The issuer {key} must be a string or a language value object.",
                )
    elif not is_url(issuer):
        found.error(
            "vcdm.issuer.not_url",
            where,
            "The issuer must be a URL or an object whose id is a URL.",
        )


def _check_subjects(doc: Mapping[str, Any], found: Findings, path: str) -> None:
    where = join_path(path, "credentialSubject")
    if "credentialSubject" not in doc:
        found.error("vcdm.subject.missing", where, "The credential has no credentialSubject.")
        return
    value = doc["credentialSubject"]
    subjects = as_list(value)
    if not subjects:
        found.error("vcdm.subject.missing", where, "The credentialSubject is empty.")
    for index, subject in enumerate(subjects):
        here = join_path(where, index) if isinstance(value, list) else where
        if not isinstance(subject, Mapping):
            found.error(
                "vcdm.subject.not_object", here, "Each credentialSubject must be an object."
            )
        elif not subject:
            found.error(
                "vcdm.subject.empty", here, "A credentialSubject must make at least one claim."
            )
        elif "id" in subject and not is_url(subject["id"]):
            found.error(
                "vcdm.subject.id_invalid",
                join_path(here, "id"),
                "The credentialSubject id must be a single URL.",
            )


def _check_dates(doc: Mapping[str, Any], version: Version, found: Findings, path: str) -> None:
    if version == "1.1":
        start_key, end_key, strict = "issuanceDate", "expirationDate", False
        if "issuanceDate" not in doc:
            found.error(
                "vcdm.issuance_date.missing",
                join_path(path, "issuanceDate"),
                "A VCDM 1.1 credential must have an issuanceDate.",
            )
    else:
        start_key, end_key, strict = "validFrom", "validUntil", True
        for old in ("issuanceDate", "expirationDate"):
            if old in doc:
                found.error(
                    "vcdm.v1_property",
                    join_path(path, old),
                    f"{old} belongs to VCDM 1.1; a VCDM 2.0 credential uses validFrom/validUntil "
                    "(the 2.0 context does not define it).",
                )
    start = _check_date(doc, start_key, strict, found, path)
    end = _check_date(doc, end_key, strict, found, path)
    if start is not None and end is not None and end < start:
        found.error(
            "vcdm.validity.order",
            join_path(path, end_key),
            f"{end_key} ({doc[end_key]}) is before {start_key} ({doc[start_key]}).",
        )


def _check_date(doc: Mapping[str, Any], key: str, strict: bool, found: Findings, path: str) -> Any:
    if key not in doc:
        return None
    parsed = parse_datetime(doc[key], require_timezone=strict)
    if parsed is None:
        zone = " with a time zone" if strict else ""
        found.error(
            f"vcdm.{_snake(key)}.invalid",
            join_path(path, key),
            f"{key} must be an XML Schema date-time{zone}, like 2024-05-01T12:00:00Z.",
        )
    elif not strict and parse_datetime(doc[key], require_timezone=True) is None:
        found.warn(
            f"vcdm.{_snake(key)}.no_timezone",
            join_path(path, key),
            f"{key} has no time zone; it is read as UTC.",
        )
    return parsed


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def _check_typed_part(
    value: object, key: str, found: Findings, where: str, terms: ActiveTerms
) -> None:
    items = as_list(value)
    for index, item in enumerate(items):
        here = join_path(where, index) if isinstance(value, list) else where
        if not isinstance(item, Mapping):
            found.error(f"vcdm.{_snake(key)}.not_object", here, f"Each {key} must be an object.")
            continue
        types = type_values(item)
        if types == []:
            found.error(
                f"vcdm.{_snake(key)}.no_type",
                join_path(here, "type"),
                f"Each {key} must have a type.",
            )
        elif types is None:
            found.error(
                f"vcdm.{_snake(key)}.bad_type",
                join_path(here, "type"),
                f"The {key} type must be a string or a list of strings.",
            )
        elif key != "proof":
            _check_defined_types(types, found, join_path(here, "type"), terms)
        _check_part_id(item, key, _TYPED_PARTS[key], found, here)


def _check_part_id(
    item: Mapping[str, Any], key: str, needs_id: bool, found: Findings, here: str
) -> None:
    if "id" not in item:
        if needs_id:
            found.error(
                f"vcdm.{_snake(key)}.no_id",
                join_path(here, "id"),
                f"Each {key} must have an id (the URL of the schema).",
            )
    elif not is_url(item["id"]):
        found.error(
            f"vcdm.{_snake(key)}.bad_id",
            join_path(here, "id"),
            f"The {key} id must be a single URL.",
        )


def _check_related_resources(value: object, found: Findings, where: str) -> None:
    for index, item in enumerate(as_list(value)):
        here = join_path(where, index) if isinstance(value, list) else where
        if not isinstance(item, Mapping) or not is_url(item.get("id")):
            found.error(
                "vcdm.related_resource.bad_id",
                here,
                "Each relatedResource must be an object whose id is a URL.",
            )
            continue
        if "digestSRI" not in item and "digestMultibase" not in item:
            found.error(
                "vcdm.related_resource.no_digest",
                here,
                "A relatedResource must carry digestSRI or digestMultibase.",
            )
        _check_digest(item, "digestSRI", _is_sri, found, here)
        _check_digest(item, "digestMultibase", _is_multibase, found, here)


def _check_digest(
    item: Mapping[str, Any], key: str, test: Callable[[object], bool], found: Findings, here: str
) -> None:
    if key in item and not test(item[key]):
        found.error(
            f"vcdm.related_resource.{_snake(key)}",
            join_path(here, key),
            f"{key} is not well formed ({'sha384-<base64>' if key == 'digestSRI' else 'z…/u…'}).",
        )


def _is_sri(value: object) -> bool:
    if not isinstance(value, str) or not value.startswith(_SRI_ALGORITHMS):
        return False
    body = value.split("-", 1)[1]
    return bool(body) and set(body) <= _B64


def _is_multibase(value: object) -> bool:
    if not isinstance(value, str) or len(value) < 2:
        return False
    alphabet = _MULTIBASE_ALPHABETS.get(value[0])
    return alphabet is not None and all(c in alphabet for c in value[1:])
