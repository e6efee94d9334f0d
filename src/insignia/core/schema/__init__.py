"""Validate credentials against the official 1EdTech Open Badges 3.0 JSON Schemas (Draft 2019-09).

The schemas ship inside the package (``insignia/core/schemas``), pinned by SHA-256, and are
compiled once.  Which schema applies depends on the VC data model version the document
declares with ``@context[0]``: the VCDM 2.0 ("vc2") schema, or the VCDM 1.1-era one.

One deliberate deviation, documented in the team's test-vector notes: the VCDM 2.0 schema
types ``proof`` as an *array only*, while most real signed badges carry a single proof
object (which VCDM allows).  We validate with each such proof wrapped in a one-item array —
so the proof's own fields are still checked — and report the wrapping as a warning, never as
an error.  ``credentialSchema`` entries are checked only against schemas we ship: a schema
is never fetched, and an unknown one gives a "not checked" warning.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft201909Validator, FormatChecker

from insignia.core.errors import SchemaError
from insignia.core.schema._messages import not_object, translate, warning
from insignia.core.vcdm import (
    MAX_DEPTH,
    VC_V1,
    Problem,
    Version,
    as_list,
    exceeds_depth,
    is_date,
    join_path,
    parse_datetime,
)

__all__ = [
    "MAX_PROBLEMS",
    "MAX_SCHEMA_ENTRIES",
    "OB_ACHIEVEMENT_CREDENTIAL_SCHEMA",
    "OB_ENDORSEMENT_CREDENTIAL_SCHEMA",
    "OB_PROFILE_SCHEMA",
    "Problem",
    "ShippedSchema",
    "shipped_schemas",
    "validate_achievement_credential",
    "validate_credential_schema_entries",
    "validate_endorsement_credential",
    "validate_profile",
]

_PACKAGE = "insignia.core.schemas"
_PURL = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
#: The schema URLs OB 3.0 tells issuers to put in ``credentialSchema`` (spec §1.2.3).
OB_ACHIEVEMENT_CREDENTIAL_SCHEMA = _PURL + "ob_v3p0_achievementcredential_schema.json"
OB_ENDORSEMENT_CREDENTIAL_SCHEMA = _PURL + "ob_v3p0_endorsementcredential_schema.json"
OB_PROFILE_SCHEMA = _PURL + "ob_v3p0_profile_schema.json"
#: Validator types whose ``credentialSchema`` entries mean "validate against this JSON Schema".
_JSON_SCHEMA_TYPES = frozenset({"1EdTechJsonSchemaValidator2019", "JsonSchema"})
#: At most this many problems are reported per validation; a hostile document cannot make the
#: report (or the time spent building it) grow without bound.
MAX_PROBLEMS = 50
#: At most this many ``credentialSchema`` entries are looked at (real credentials have one).
MAX_SCHEMA_ENTRIES = 10


@dataclass(frozen=True, slots=True)
class ShippedSchema:
    """One JSON Schema file we ship.

    :param url: its ``$id``.
    :param file: path inside ``insignia/core/schemas``.
    :param sha256: pinned hash of the file's bytes.
    :param vcdm: the VC data model version it validates (``"2.0"`` or ``"1.1"``).
    :param name: the class it validates (``achievementcredential``, ``profile``…).
    """

    url: str
    file: str
    sha256: str
    vcdm: Version
    name: str


@cache
def shipped_schemas() -> Mapping[str, ShippedSchema]:
    """Return every shipped schema by ``$id`` URL (read from ``schemas/index.json``)."""
    raw = json.loads(resources.files(_PACKAGE).joinpath("index.json").read_bytes())
    return {url: ShippedSchema(url=url, **entry) for url, entry in raw.items()}


def _find(name: str, version: Version) -> ShippedSchema:
    for entry in shipped_schemas().values():
        if entry.name == name and entry.vcdm == version:
            return entry
    raise SchemaError(f"No shipped schema for {name} (VCDM {version}).", code="schema.missing")


@cache
def _validator(url: str) -> Draft201909Validator:
    """Load, hash-check and compile one shipped schema (once per process)."""
    entry = shipped_schemas()[url]
    data = resources.files(_PACKAGE).joinpath(entry.file).read_bytes()
    if hashlib.sha256(data).hexdigest() != entry.sha256:
        raise SchemaError(
            f"The shipped schema {entry.file} does not match its pinned hash.",
            code="schema.hash_mismatch",
        )
    schema = json.loads(data)
    Draft201909Validator.check_schema(schema)
    return Draft201909Validator(schema, format_checker=_FORMATS)


def _check_date_time(value: object) -> bool:
    return not isinstance(value, str) or parse_datetime(value) is not None


def _check_date(value: object) -> bool:
    return not isinstance(value, str) or is_date(value)


_FORMATS = FormatChecker(formats=())
_FORMATS.checks("date-time")(_check_date_time)
_FORMATS.checks("date")(_check_date)


def _version_for(doc: Mapping[str, Any]) -> Version:
    context = doc.get("@context")
    first = context[0] if isinstance(context, list) and context else context
    return "1.1" if first == VC_V1 else "2.0"


# --- public validators -------------------------------------------------------------------


def validate_achievement_credential(doc: object) -> list[Problem]:
    """Validate an OpenBadgeCredential/AchievementCredential against the official schema."""
    return _validate_kind(doc, "achievementcredential")


def validate_endorsement_credential(doc: object) -> list[Problem]:
    """Validate an EndorsementCredential against the official schema."""
    return _validate_kind(doc, "endorsementcredential")


def validate_profile(doc: object) -> list[Problem]:
    """Validate an issuer/creator Profile document against the official schema."""
    return _validate_kind(doc, "profile")


def validate_credential_schema_entries(doc: object) -> list[Problem]:
    """Validate ``doc`` against each JSON Schema its ``credentialSchema`` entries name (§9.1 1a).

    Entries of type ``1EdTechJsonSchemaValidator2019`` (or W3C ``JsonSchema``) naming a schema
    we ship are checked; the ``…_schema.json`` URLs resolve to the schema for the document's
    VCDM version (the purl has served both).  Other schemas are reported as "not checked".
    """
    if not isinstance(doc, Mapping):
        return [not_object()]
    raw = doc.get("credentialSchema")
    entries = as_list(raw)
    out: list[Problem] = []
    checked: set[str] = set()
    for index, entry in enumerate(entries[:MAX_SCHEMA_ENTRIES]):
        path = join_path("credentialSchema", index) if isinstance(raw, list) else "credentialSchema"
        out += _check_schema_entry(doc, entry, path, checked)
    if len(entries) > MAX_SCHEMA_ENTRIES:
        out.append(
            warning(
                "schema.credential_schema.truncated",
                "credentialSchema",
                f"Only the first {MAX_SCHEMA_ENTRIES} credentialSchema entries were checked.",
            )
        )
    return out


def _check_schema_entry(
    doc: Mapping[str, Any], entry: object, path: str, checked: set[str]
) -> list[Problem]:
    """Check one entry; ``checked`` holds the schemas already applied (each runs once)."""
    if not isinstance(entry, Mapping):
        return [
            Problem(
                "schema.credential_schema.not_object",
                "A credentialSchema entry must be an object with id and type.",
                path,
            )
        ]
    url = entry.get("id")
    if not _JSON_SCHEMA_TYPES.intersection(
        t for t in as_list(entry.get("type")) if isinstance(t, str)
    ):
        return [
            warning(
                "schema.credential_schema.unknown_type",
                path,
                f"The credentialSchema entry {url!r} uses a validator type Insignia does "
                "not know; it was not checked.",
            )
        ]
    shipped = shipped_schemas().get(url) if isinstance(url, str) else None
    if shipped is None:
        return [
            warning(
                "schema.credential_schema.not_checked",
                path,
                f"The credential names the schema {url!r}, which Insignia does not ship; "
                "it was not checked (schemas are never fetched).",
            )
        ]
    target = _find(shipped.name, _version_for(doc)).url
    if target in checked:
        return []
    checked.add(target)
    return [
        Problem(
            code="schema.credential_schema." + p.code.removeprefix("schema."),
            message=p.message if not p.is_error else f"{p.message} (schema {url})",
            path=p.path,
            severity=p.severity,
        )
        for p in _validate(doc, target)
        if p.code != "schema.proof_not_array"  # already reported by the canonical validation
    ]


def _validate_kind(doc: object, name: str) -> list[Problem]:
    if not isinstance(doc, Mapping):
        return [not_object()]
    return _validate(doc, _find(name, _version_for(doc)).url)


def _validate(doc: Mapping[str, Any], url: str) -> list[Problem]:
    if exceeds_depth(doc, MAX_DEPTH):
        return [Problem("schema.too_deep", f"The document nests deeper than {MAX_DEPTH} levels.")]
    notes: list[Problem] = []
    target: Any = doc
    if shipped_schemas()[url].vcdm == "2.0":
        target = _wrap_single_proofs(doc, "", notes)
    out = list(notes)
    try:
        for error in _validator(url).iter_errors(target):
            out += translate(error)
            if len(out) >= MAX_PROBLEMS:
                out.append(
                    warning(
                        "schema.truncated",
                        "",
                        f"Only the first {MAX_PROBLEMS} schema problems are listed.",
                    )
                )
                break
    except RecursionError:
        return [Problem("schema.too_deep", "The document nests too deeply to validate.")]
    return out


def _wrap_single_proofs(node: Any, path: str, notes: list[Problem]) -> Any:
    """Copy ``node`` with every single ``proof`` object wrapped in a list (see module doc)."""
    if isinstance(node, list):
        return [_wrap_single_proofs(v, join_path(path, i), notes) for i, v in enumerate(node)]
    if not isinstance(node, Mapping):
        return node
    out: dict[Any, Any] = {}
    for key, value in node.items():
        here = join_path(path, key)
        if key == "proof" and isinstance(value, Mapping):
            notes.append(
                warning(
                    "schema.proof_not_array",
                    here,
                    "The proof is a single object; the 1EdTech VCDM 2.0 schema "
                    "expects an array, so it was checked as a one-item array.",
                )
            )
            out[key] = [_wrap_single_proofs(value, join_path(here, 0), notes)]
            continue
        out[key] = _wrap_single_proofs(value, here, notes)
    return out
