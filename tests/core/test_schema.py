"""The official 1EdTech JSON Schemas, applied the way Insignia applies them.

Oracles: the seven OB 3.0 spec examples (must pass), real signed badges from DCC and the
1EdTech implementation guide (must pass apart from the ``proof``-as-object trap, which is a
warning), and the DCC fixtures known to be non-conformant (must fail at the right path).
"""

from __future__ import annotations

import copy
import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft201909Validator

from insignia.core import schema
from insignia.core.schema import (
    MAX_PROBLEMS,
    OB_ACHIEVEMENT_CREDENTIAL_SCHEMA,
    Problem,
    shipped_schemas,
    validate_achievement_credential,
    validate_credential_schema_entries,
    validate_endorsement_credential,
    validate_profile,
)
from tests.support.paths import VECTORS

OB_SPEC = VECTORS / "1edtech-ob-spec"
SPEC_EXAMPLES = OB_SPEC / "spec-examples"
DCC_DIRS = (VECTORS / "dcc-vc-test-fixtures", VECTORS / "dcc-verifier-core")
OB_TYPES = {"OpenBadgeCredential", "AchievementCredential", "EndorsementCredential"}
VC_V1 = "https://www.w3.org/2018/credentials/v1"

#: DCC fixtures that really do break the schema, with where (paths relative to vectors/).
KNOWN_BAD: dict[str, set[tuple[str, str]]] = {
    "dcc-vc-test-fixtures/verifiableCredentials/v2/dataIntegrityProof/didKey/"
    "legacyRegistry-noStatus-_noExpiry-credSubjName.json": {
        ("schema.enum", "credentialSubject.achievement.achievementType")
    },
    "dcc-vc-test-fixtures/verifiableCredentials/v2/dataIntegrityProof/didKey/"
    "legacyRegistry-noStatus-noExpiry-credName.json": {
        ("schema.enum", "credentialSubject.achievement.achievementType")
    },
    "dcc-vc-test-fixtures/verifiableCredentials/v2/dataIntegrityProof/didKey/"
    "legacyRegistry-noStatus-noExpiry-credSubjName.json": {
        ("schema.enum", "credentialSubject.achievement.achievementType")
    },
    "dcc-vc-test-fixtures/verifiableCredentials/v2/dataIntegrityProof/didKey/"
    "legacyRegistry-noStatus-noExpiry-identityHash.json": {
        ("schema.enum", "credentialSubject.achievement.achievementType"),
        ("schema.type", "credentialSubject.identifier"),
    },
    "dcc-vc-test-fixtures/verifiableCredentials/v2/dataIntegrityProof/didKey/"
    "twoOIDF-revoked-notExpired-badSchema.json": {("schema.required", "validFrom")},
    # The VCDM 1.1-era schema wants an embedded Profile (the 2.0 one also allows a URL).
    "dcc-vc-test-fixtures/verifiableCredentials/v1/ed25519/didKey/"
    "legacy-noStatus-noExpiry-stringIssuerId.json": {("schema.type", "issuer")},
    "dcc-verifier-core/credentials/v1SimpleIssuerId.json": {("schema.type", "issuer")},
}


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _errors(problems: list[Problem]) -> set[tuple[str, str]]:
    return {(p.code, p.path) for p in problems if p.is_error}


def _validate(doc: dict[str, Any]) -> list[Problem]:
    if "EndorsementCredential" in doc.get("type", []):
        return validate_endorsement_credential(doc)
    return validate_achievement_credential(doc)


def _real_badges() -> list[Path]:
    found = []
    for folder in DCC_DIRS:
        for path in sorted(folder.rglob("*.json")):
            doc = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(doc, dict) and OB_TYPES & set(doc.get("type", [])):
                found.append(path)
    return found


def _expected_errors(path: Path, doc: dict[str, Any]) -> set[tuple[str, str]]:
    expected = set(KNOWN_BAD.get(str(path.relative_to(VECTORS)), set()))
    issuer = doc.get("issuer")
    # Early DCC v1 badges give the issuer image as a bare URL; the schema wants an Image.
    is_v1 = doc["@context"][0] == VC_V1
    if is_v1 and isinstance(issuer, dict) and isinstance(issuer.get("image"), str):
        expected.add(("schema.type", "issuer.image"))
    return expected


# --- the shipped files ---------------------------------------------------------------------


def test_shipped_schemas_are_the_published_bytes() -> None:
    files = resources.files("insignia.core.schemas")
    folders = {"2.0": "vc2-latest", "1.1": "vc1.1-era"}
    assert len(shipped_schemas()) == 10
    for url, entry in shipped_schemas().items():
        data = files.joinpath(entry.file).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry.sha256
        original = OB_SPEC / "schema" / folders[entry.vcdm] / f"{entry.name}.json"
        assert data == original.read_bytes()
        assert json.loads(data)["$id"] == url


def test_validators_are_compiled_once() -> None:
    url = next(iter(shipped_schemas()))
    assert schema._validator(url) is schema._validator(url)


# --- the oracles ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(SPEC_EXAMPLES.glob("*.json")), ids=lambda p: p.name)
def test_spec_examples_pass(path: Path) -> None:
    assert _validate(_load(path)) == []


def test_implementation_guide_vector_passes_with_proof_warning() -> None:
    doc = _load(OB_SPEC / "impl-guide-test-vectors" / "obv3p0" / "signed.json")
    problems = validate_achievement_credential(doc)
    assert [(p.code, p.path, p.severity) for p in problems] == [
        ("schema.proof_not_array", "proof", "warning")
    ]


REAL = _real_badges()


def test_real_badges_were_found() -> None:
    assert len(REAL) >= 90


@pytest.mark.parametrize("path", REAL, ids=lambda p: str(p.relative_to(VECTORS)))
def test_real_signed_badges(path: Path) -> None:
    doc = _load(path)
    problems = _validate(doc)
    assert _errors(problems) == _expected_errors(path, doc)
    warnings = {p.code for p in problems if not p.is_error}
    assert warnings <= {"schema.proof_not_array"}


def test_known_bad_messages_say_what_to_fix() -> None:
    path = next(p for p in REAL if p.name == "legacyRegistry-noStatus-noExpiry-identityHash.json")
    messages = {p.path: p.message for p in _validate(_load(path)) if p.is_error}
    assert "'Program'" in messages["credentialSubject.achievement.achievementType"]
    assert "ext:" in messages["credentialSubject.achievement.achievementType"]
    assert messages["credentialSubject.identifier"] == (
        "credentialSubject.identifier must be an array, not an object."
    )


# --- the proof trap ------------------------------------------------------------------------

PROOF = {
    "type": "DataIntegrityProof",
    "cryptosuite": "eddsa-rdfc-2022",
    "created": "2024-01-01T00:00:00Z",
    "verificationMethod": "did:key:z6Mk#z6Mk",
    "proofPurpose": "assertionMethod",
    "proofValue": "z5x9",
}


def _basic() -> dict[str, Any]:
    return _load(SPEC_EXAMPLES / "basicOpenBadgeCredential.json")


def test_raw_schema_rejects_a_single_proof_object() -> None:
    raw = json.loads((OB_SPEC / "schema" / "vc2-latest" / "achievementcredential.json").read_text())
    doc = _basic() | {"proof": PROOF}
    assert any(
        list(e.absolute_path) == ["proof"] for e in Draft201909Validator(raw).iter_errors(doc)
    )


def test_single_proof_object_is_only_a_warning() -> None:
    problems = validate_achievement_credential(_basic() | {"proof": PROOF})
    assert [(p.code, p.severity) for p in problems] == [("schema.proof_not_array", "warning")]
    assert validate_achievement_credential(_basic() | {"proof": [PROOF]}) == []


def test_wrapped_proof_is_still_checked() -> None:
    problems = validate_achievement_credential(_basic() | {"proof": PROOF | {"type": 5}})
    assert ("schema.type", "proof[0].type") in _errors(problems)


def test_nested_endorsement_proofs_are_wrapped_too() -> None:
    doc = _basic()
    endorsement = _load(SPEC_EXAMPLES / "endorsement.json") | {"proof": PROOF}
    doc["issuer"]["endorsement"] = [endorsement]
    problems = validate_achievement_credential(doc)
    assert [(p.code, p.path) for p in problems] == [
        ("schema.proof_not_array", "issuer.endorsement[0].proof")
    ]


# --- version selection ---------------------------------------------------------------------


def test_vcdm_version_picks_the_schema() -> None:
    doc = _basic()
    del doc["validFrom"]
    assert _errors(validate_achievement_credential(doc)) == {("schema.required", "validFrom")}
    v1 = _load(VECTORS / "dcc-verifier-core" / "credentials" / "v1OBv3SpecExample.json")
    assert validate_achievement_credential(v1) == []
    del v1["issuanceDate"]
    assert _errors(validate_achievement_credential(v1)) == {("schema.required", "issuanceDate")}


# --- profiles and endorsements -------------------------------------------------------------


def test_profile_validation() -> None:
    issuer = _load(SPEC_EXAMPLES / "fullOpenBadge.json")["issuer"]
    assert validate_profile(issuer) == []
    assert _errors(validate_profile({"id": "https://example.org/i"})) == {
        ("schema.required", "type")
    }
    bad = issuer | {"type": "Profile", "image": {"id": "https://x", "type": "Image", "x": 1}}
    assert _errors(validate_profile(bad)) == {
        ("schema.type", "type"),
        ("schema.additional_properties", "image"),
    }


def test_endorsement_requires_name() -> None:
    doc = _load(SPEC_EXAMPLES / "endorsement.json")
    del doc["name"]
    assert _errors(validate_endorsement_credential(doc)) == {("schema.required", "name")}


# --- credentialSchema entries --------------------------------------------------------------


def test_credential_schema_entries_are_checked() -> None:
    full = _load(SPEC_EXAMPLES / "fullOpenBadge.json")
    assert full["credentialSchema"][0]["id"] == OB_ACHIEVEMENT_CREDENTIAL_SCHEMA
    assert validate_credential_schema_entries(full) == []
    del full["credentialSubject"]["achievement"]["criteria"]
    problems = validate_credential_schema_entries(full)
    assert _errors(problems) == {
        ("schema.credential_schema.required", "credentialSubject.achievement.criteria")
    }
    assert OB_ACHIEVEMENT_CREDENTIAL_SCHEMA in problems[0].message


def test_unknown_schema_is_not_checked_and_never_fetched() -> None:
    problems = validate_credential_schema_entries(_load(SPEC_EXAMPLES / "endorsement.json"))
    assert [(p.code, p.path, p.severity) for p in problems] == [
        ("schema.credential_schema.not_checked", "credentialSchema[1]", "warning")
    ]
    assert "https://state.gov/schema/endorsementcredential.json" in problems[0].message


def test_credential_schema_entry_shapes() -> None:
    doc = _basic()
    doc["credentialSchema"] = [
        "https://example.org/schema.json",
        {"id": "https://example.org/s", "type": "SomethingElse"},
        {"id": OB_ACHIEVEMENT_CREDENTIAL_SCHEMA, "type": "JsonSchema"},
    ]
    problems = validate_credential_schema_entries(doc)
    assert [(p.code, p.path, p.severity) for p in problems] == [
        ("schema.credential_schema.not_object", "credentialSchema[0]", "error"),
        ("schema.credential_schema.unknown_type", "credentialSchema[1]", "warning"),
        # the third entry (the OB schema, W3C type name) is checked, and it also objects:
        ("schema.credential_schema.type", "credentialSchema[0]", "error"),
    ]


def test_credential_schema_work_is_bounded() -> None:
    doc = _basic()
    entry = {"id": OB_ACHIEVEMENT_CREDENTIAL_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}
    doc["credentialSchema"] = [entry] * 500
    del doc["validFrom"]
    problems = validate_credential_schema_entries(doc)
    assert [(p.code, p.path) for p in problems] == [
        ("schema.credential_schema.required", "validFrom"),
        ("schema.credential_schema.truncated", "credentialSchema"),
    ]


def test_purl_schema_url_follows_the_document_version() -> None:
    v1 = _load(VECTORS / "dcc-verifier-core" / "credentials" / "v1OBv3SpecExample.json")
    v1["credentialSchema"] = [
        {"id": OB_ACHIEVEMENT_CREDENTIAL_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}
    ]
    assert validate_credential_schema_entries(v1) == []


# --- messages and limits -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"issuer": 5}, "issuer", "issuer must be a string or an object, not a number."),
        ({"validFrom": "2020-01-01"}, "validFrom", "not a valid date-time"),
        ({"@context": ["https://www.w3.org/ns/credentials/v2"]}, "@context", "at least 2 item"),
        ({"type": ["VerifiableCredential"]}, "type", "must include 'AchievementCredential'"),
    ],
)
def test_messages(change: dict[str, Any], path: str, message: str) -> None:
    problems = [p for p in validate_achievement_credential(_basic() | change) if p.path == path]
    assert problems
    assert message in problems[0].message


def test_not_an_object() -> None:
    for validate in (
        validate_achievement_credential,
        validate_endorsement_credential,
        validate_profile,
        validate_credential_schema_entries,
    ):
        assert [p.code for p in validate(["a", "list"])] == ["schema.not_object"]


def test_problem_count_is_bounded() -> None:
    doc = _basic()
    doc["credentialSubject"]["achievement"]["alignment"] = [{"targetUrl": 1}] * 200
    problems = validate_achievement_credential(doc)
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1].code == "schema.truncated"


def test_deep_documents_are_refused() -> None:
    doc = _basic()
    node = doc["credentialSubject"]
    for _ in range(100):
        node["narrative"] = {}
        node = node["narrative"]
    assert [p.code for p in validate_achievement_credential(doc)] == ["schema.too_deep"]


def test_problem_to_dict() -> None:
    problem = Problem("schema.required", "validFrom is required but missing.", "validFrom")
    assert problem.to_dict() == {
        "code": "schema.required",
        "message": "validFrom is required but missing.",
        "path": "validFrom",
        "severity": "error",
    }


# --- robustness: wrong types anywhere give problems, never exceptions ----------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
FULL = _load(SPEC_EXAMPLES / "fullOpenBadge.json")


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += _paths(value, (*prefix, index))
    return out


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_nodes_replaced_give_problems_not_exceptions(data: st.DataObject) -> None:
    doc: Any = copy.deepcopy(FULL)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(_paths(doc)))
        value = data.draw(_JSON)
        if not path:
            doc = value
            continue
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = value
    for validate in (
        validate_achievement_credential,
        validate_endorsement_credential,
        validate_profile,
        validate_credential_schema_entries,
    ):
        assert all(isinstance(p, Problem) and p.message for p in validate(doc))
