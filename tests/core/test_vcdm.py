"""VCDM 2.0/1.1 data-model rules and OB 3.0 conformance rules.

The W3C VCDM 2.0 test suite's ``*-ok``/``*-fail`` inputs are the oracle: every ok input must
give no error and every fail input at least one.  Inputs are prepared the way the suite's
issuer request does (``createRequestBody``): an absent issuer, or an issuer object without an
``id`` key, receives the test issuer's DID; ``PAST DATE``/``FUTURE DATE`` placeholders become
real timestamps.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from insignia.core.errors import SchemaError
from insignia.core.vcdm import (
    Problem,
    detect_version,
    errors_in,
    is_language_value,
    is_url,
    ob3_problems,
    parse_datetime,
    vcdm_problems,
)
from tests.support.paths import VECTORS

SUITE = VECTORS / "w3c-vc-dm2-test-suite" / "input"
SPEC_EXAMPLES = VECTORS / "1edtech-ob-spec" / "spec-examples"
DCC = VECTORS / "dcc-verifier-core" / "credentials"
TEST_ISSUER = "did:key:z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj"


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _suite_files(expect: str) -> list[Path]:
    return sorted(p for p in SUITE.rglob("*.json") if f"-{expect}" in p.name)


def _as_issued(doc: dict[str, Any]) -> dict[str, Any]:
    """Prepare an input as the W3C suite's issuer request does."""
    out = copy.deepcopy(doc)
    for key, value in list(out.items()):
        if value == "PAST DATE":
            out[key] = "2020-01-01T00:00:00Z"
        elif value == "FUTURE DATE":
            out[key] = "2099-01-01T00:00:00Z"
    raw = out.get("type")
    types: list[Any] = raw if isinstance(raw, list) else [raw]
    if "VerifiablePresentation" in types or "verifiableCredential" in out or "holder" in out:
        return out
    if "issuer" not in out:
        out["issuer"] = TEST_ISSUER
    elif isinstance(out["issuer"], dict) and "id" not in out["issuer"]:
        out["issuer"]["id"] = TEST_ISSUER
    return out


def _codes(problems: list[Problem]) -> set[str]:
    return {p.code for p in errors_in(problems)}


# --- the W3C VCDM 2.0 suite ---------------------------------------------------------------


def test_suite_inputs_are_present() -> None:
    assert len(_suite_files("ok")) >= 60
    assert len(_suite_files("fail")) >= 45


@pytest.mark.parametrize("path", _suite_files("ok"), ids=lambda p: p.name)
def test_w3c_ok_inputs_conform(path: Path) -> None:
    problems = vcdm_problems(_as_issued(_load(path)))
    assert errors_in(problems) == []


@pytest.mark.parametrize("path", _suite_files("fail"), ids=lambda p: p.name)
def test_w3c_fail_inputs_are_rejected(path: Path) -> None:
    problems = vcdm_problems(_as_issued(_load(path)))
    assert errors_in(problems), path.name
    assert all(p.message and isinstance(p.path, str) for p in problems)


@pytest.mark.parametrize(
    ("name", "code", "path"),
    [
        ("credential-context-combo3-fail.json", "vcdm.context.not_url", "@context[1]"),
        ("credential-context-combo4-fail.json", "vcdm.context.bad_item", "@context[1]"),
        (
            "credential-missing-base-context-fail-or-inject.json",
            "vcdm.context.first",
            "@context[0]",
        ),
        ("credential-no-context-fail-or-inject.json", "vcdm.context.missing", "@context"),
        ("credential-redef-type-fail.json", "vcdm.context.protected_redefinition", "@context[1]"),
        ("credential-redef-type2-fail.json", "vcdm.context.protected_redefinition", "@context[2]"),
        ("credential-type-mapped-nonurl-fail.json", "vcdm.context.bad_iri", "@context[1]"),
        ("credential-type-unmapped-fail.json", "vcdm.type.undefined", "type"),
        ("credential-missing-required-type-fail.json", "vcdm.type.required", "type"),
        ("credential-no-type-fail.json", "vcdm.type.missing", "type"),
        ("credential-id-multi-fail.json", "vcdm.id.invalid", "id"),
        ("credential-id-nonidentifier-fail.json", "vcdm.id.invalid", "id"),
        ("credential-issuer-no-url-fail.json", "vcdm.issuer.not_url", "issuer"),
        ("credential-issuer-object-id-null-fail.json", "vcdm.issuer.not_url", "issuer.id"),
        ("credential-no-subject-fail.json", "vcdm.subject.missing", "credentialSubject"),
        (
            "credential-subject-multiple-empty-fail.json",
            "vcdm.subject.empty",
            "credentialSubject[1]",
        ),
        (
            "credential-id-subject-multi-fail.json",
            "vcdm.subject.id_invalid",
            "credentialSubject.id",
        ),
        ("credential-validfrom-invalid-fail.json", "vcdm.valid_from.invalid", "validFrom"),
        ("credential-validuntil-invalid-fail.json", "vcdm.valid_until.invalid", "validUntil"),
        ("credential-validUntil-validFrom-fail.json", "vcdm.validity.order", "validUntil"),
        (
            "credential-status-missing-type-fail.json",
            "vcdm.credential_status.no_type",
            "credentialStatus.type",
        ),
        (
            "credential-status-type-nonurl-fail.json",
            "vcdm.credential_status.bad_type",
            "credentialStatus.type",
        ),
        (
            "credential-status-nonurl-id-fail.json",
            "vcdm.credential_status.bad_id",
            "credentialStatus.id",
        ),
        (
            "credential-schema-no-id-fail.json",
            "vcdm.credential_schema.no_id",
            "credentialSchema.id",
        ),
        ("credential-evidence-missing-type-fail.json", "vcdm.evidence.no_type", "evidence.type"),
        ("credential-termsofuse-no-type-fail.json", "vcdm.terms_of_use.no_type", "termsOfUse.type"),
        (
            "credential-refresh-no-type-fail.json",
            "vcdm.refresh_service.no_type",
            "refreshService.type",
        ),
        ("credential-proof-missing-type-fail.json", "vcdm.proof.no_type", "proof.type"),
        ("credential-name-extra-prop-en-fail.json", "vcdm.name.invalid", "name"),
        (
            "issuer-description-extra-prop-en-fail.json",
            "vcdm.issuer.description.invalid",
            "issuer.description",
        ),
        ("presentation-holder-object-fail.json", "vcdm.holder.not_url", "holder"),
        (
            "presentation-vc-as-string-fail.json",
            "vcdm.presentation.credential_not_object",
            "verifiableCredential[0]",
        ),
        ("presentation-context-order-fail.json", "vcdm.context.first", "@context[0]"),
    ],
)
def test_fail_inputs_fail_for_the_right_reason(name: str, code: str, path: str) -> None:
    found = next(SUITE.rglob(name))
    problems = errors_in(vcdm_problems(_as_issued(_load(found))))
    assert (code, path) in {(p.code, p.path) for p in problems}


def test_issuer_is_required_once_nothing_injects_it() -> None:
    doc = _load(SUITE / "credential-ok.json")
    assert _codes(vcdm_problems(doc)) == {"vcdm.issuer.missing"}
    doc["issuer"] = {}
    assert _codes(vcdm_problems(doc)) == {"vcdm.issuer.not_url"}


# --- real credentials ---------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(SPEC_EXAMPLES.glob("*.json")), ids=lambda p: p.name)
def test_spec_examples_conform_to_vcdm_and_ob3(path: Path) -> None:
    doc = _load(path)
    assert errors_in(vcdm_problems(doc)) == []
    assert ob3_problems(doc) == []


@pytest.mark.parametrize("path", sorted(DCC.glob("v*.json")), ids=lambda p: p.name)
def test_real_signed_badges_conform_to_vcdm(path: Path) -> None:
    assert errors_in(vcdm_problems(_load(path))) == []


def test_unknown_status_type_is_undefined_in_safe_mode_breaker() -> None:
    problems = errors_in(vcdm_problems(_load(DCC / "safeModeBreaker.json")))
    assert [(p.code, p.path) for p in problems] == [
        ("vcdm.type.undefined", "credentialStatus.type")
    ]


def test_unknown_contexts_may_define_anything() -> None:
    doc = _load(SUITE / "credential-ok.json") | {"issuer": TEST_ISSUER}
    doc["@context"] = [*doc["@context"], "https://example.org/unknown/v1"]
    doc["type"] = ["VerifiableCredential", "SomethingElse"]
    assert errors_in(vcdm_problems(doc)) == []


def test_v1_term_in_v2_credential_is_an_error() -> None:
    doc = _load(SUITE / "credential-ok.json") | {"issuer": TEST_ISSUER}
    doc["issuanceDate"] = "2020-01-01T00:00:00Z"
    assert _codes(vcdm_problems(doc)) == {"vcdm.v1_property"}


# --- VCDM 1.1 -----------------------------------------------------------------------------


def test_vcdm_11_credentials_use_issuance_date() -> None:
    doc = _load(VECTORS / "w3c-vc-dm2-test-suite" / "validVc.json")
    doc["issuer"] = TEST_ISSUER
    assert _codes(vcdm_problems(doc)) == {"vcdm.issuance_date.missing"}
    doc["issuanceDate"] = "2020-01-01T00:00:00"
    problems = vcdm_problems(doc)
    assert errors_in(problems) == []
    assert [p.code for p in problems] == ["vcdm.issuance_date.no_timezone"]
    doc["expirationDate"] = "2019-01-01T00:00:00Z"
    assert _codes(vcdm_problems(doc)) == {"vcdm.validity.order"}


def test_detect_version() -> None:
    assert detect_version(_load(SUITE / "credential-ok.json")) == "2.0"
    assert detect_version(_load(DCC / "v1NoStatus.json")) == "1.1"
    with pytest.raises(SchemaError) as info:
        detect_version({"@context": ["https://example.org"]})
    assert info.value.code == "vcdm.unknown_version"
    with pytest.raises(SchemaError):
        detect_version("not a credential")


# --- OB 3.0 rules -------------------------------------------------------------------------


def _basic() -> dict[str, Any]:
    return _load(SPEC_EXAMPLES / "basicOpenBadgeCredential.json")


def test_subject_needs_id_or_identifier() -> None:
    doc = _basic()
    del doc["credentialSubject"]["id"]
    problems = ob3_problems(doc)
    assert [(p.code, p.path) for p in problems] == [
        ("ob3.subject.no_identifier", "credentialSubject")
    ]
    doc["credentialSubject"]["identifier"] = [
        {
            "type": "IdentityObject",
            "hashed": True,
            "identityHash": "sha256$" + "0" * 64,
            "identityType": "emailAddress",
            "salt": "x",
        }
    ]
    assert ob3_problems(doc) == []
    doc["credentialSubject"]["identifier"][0]["identityHash"] = "sha256$nothex"
    assert _codes(ob3_problems(doc)) == {"ob3.identifier.hash_format"}


@pytest.mark.parametrize(
    ("mutate", "code", "path"),
    [
        (
            lambda d: d["credentialSubject"].update(type=["Person"]),
            "ob3.subject.type",
            "credentialSubject.type",
        ),
        (
            lambda d: d["credentialSubject"]["achievement"].update(criteria={}),
            "ob3.criteria.empty",
            "credentialSubject.achievement.criteria",
        ),
        (
            lambda d: d["credentialSubject"]["achievement"].update(type="Badge"),
            "ob3.achievement.type",
            "credentialSubject.achievement.type",
        ),
        (
            lambda d: d["credentialSubject"].pop("achievement"),
            "ob3.achievement.missing",
            "credentialSubject.achievement",
        ),
        (
            lambda d: d.update(issuer="https://example.org/issuer"),
            "ob3.issuer.not_profile",
            "issuer",
        ),
        (lambda d: d["issuer"].update(type=["Organization"]), "ob3.issuer.type", "issuer.type"),
        (
            lambda d: d["issuer"].update(parentOrg={"id": "https://x.example"}),
            "ob3.issuer.parent",
            "issuer.parentOrg.type",
        ),
        (
            lambda d: d["issuer"].update(otherIdentifier=[{"identifier": "1"}]),
            "ob3.issuer.other_identifier",
            "issuer.otherIdentifier[0].type",
        ),
        (
            lambda d: d.update(evidence=[{"id": "https://e.example"}]),
            "ob3.evidence.type",
            "evidence[0].type",
        ),
        (
            lambda d: d["credentialSubject"].update(result=[{"value": "A"}]),
            "ob3.result.type",
            "credentialSubject.result[0].type",
        ),
        (
            lambda d: d["credentialSubject"].update(source="https://x"),
            "ob3.subject.source",
            "credentialSubject.source",
        ),
        (lambda d: d.update(type=["VerifiableCredential"]), "ob3.type", "type"),
        (
            lambda d: d.update(credentialSubject=[d["credentialSubject"]]),
            "ob3.subject.not_object",
            "credentialSubject",
        ),
        (
            lambda d: d.update({"@context": [d["@context"][0]]}),
            "ob3.context.missing",
            "@context[1]",
        ),
    ],
)
def test_ob3_rules(mutate: Any, code: str, path: str) -> None:
    doc = _basic()
    mutate(doc)
    assert (code, path) in {(p.code, p.path) for p in errors_in(ob3_problems(doc))}


def test_older_ob_context_is_a_warning() -> None:
    doc = _basic()
    doc["@context"][1] = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"
    problems = ob3_problems(doc)
    assert [(p.code, p.severity) for p in problems] == [("ob3.context.version", "warning")]


def test_compacted_types_are_accepted_by_ob3_rules() -> None:
    doc = _basic()
    doc["issuer"]["type"] = "Profile"
    doc["credentialSubject"]["type"] = "AchievementSubject"
    assert ob3_problems(doc) == []


def test_status_results_need_a_status() -> None:
    doc = _basic()
    achievement = doc["credentialSubject"]["achievement"]
    achievement["resultDescription"] = [
        {"id": "urn:rd:1", "type": ["ResultDescription"], "name": "Done?", "resultType": "Status"}
    ]
    doc["credentialSubject"]["result"] = [{"type": ["Result"], "resultDescription": "urn:rd:1"}]
    assert _codes(ob3_problems(doc)) == {"ob3.result.status_missing"}
    doc["credentialSubject"]["result"][0]["status"] = "Completed"
    assert ob3_problems(doc) == []
    doc["credentialSubject"]["result"][0]["resultDescription"] = "urn:rd:unknown"
    assert [p.code for p in ob3_problems(doc)] == ["ob3.result.unknown_description"]


def test_endorsement_rules() -> None:
    doc = _load(SPEC_EXAMPLES / "endorsement.json")
    assert ob3_problems(doc) == []
    doc["credentialSubject"].pop("id")
    assert _codes(ob3_problems(doc)) == {"ob3.subject.no_identifier"}


# --- value helpers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("https://example.org/x", True),
        ("did:example:123", True),
        ("urn:uuid:9c9a36f8-518f-4976-a934-6649502d0008", True),
        ("data:image/png;base64,iVBORw0KGgo=", True),
        ("https ://not-a-url/x", False),
        ("fake-issuer", False),
        ("z6MkpJySvETLnxhQG9DzEdmKJtysBDjuuTeDfUj1uNNCUqcj", False),
        ("https://exa mple.org", False),
        ("", False),
        (None, False),
        (42, False),
    ],
)
def test_is_url(value: object, ok: bool) -> None:
    assert is_url(value) is ok


@pytest.mark.parametrize(
    ("text", "strict", "ok"),
    [
        ("2023-02-26T01:02:58.447Z", True, True),
        ("2023-02-25T19:10:39-06:00", True, True),
        ("4023-02-26T01:02:58Z", True, True),
        ("2023-02-26T01:02:58", True, False),
        ("2023-02-26T01:02:58", False, True),
        ("2023-02-30T01:02:58Z", True, False),
        ("2023-02-26T25:02:58Z", True, False),
        ("2023-02-26T01:02:58+15:00", True, False),
        ("Sat 25 Feb 2023 07:16:31 PM CST", True, False),
        ("2023-02-26", True, False),
    ],
)
def test_parse_datetime(text: str, strict: bool, ok: bool) -> None:
    assert (parse_datetime(text, require_timezone=strict) is not None) is ok


def test_language_values() -> None:
    assert is_language_value("plain")
    assert is_language_value({"@value": "x", "@language": "en", "@direction": "rtl"})
    assert is_language_value([{"@value": "Dog", "@language": "en"}, "Hund"])
    assert not is_language_value({"@value": "x", "url": "y"})
    assert not is_language_value({"@value": "x", "@direction": "up"})
    assert not is_language_value({"@value": 5})
    assert not is_language_value([])


# --- robustness: any JSON anywhere gives problems, never an exception ----------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += _paths(value, (*prefix, index))
    return out


def _replace(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return doc


FULL = _load(SPEC_EXAMPLES / "fullOpenBadge.json")
FULL_PATHS = _paths(FULL)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_nodes_replaced_give_problems_not_exceptions(data: st.DataObject) -> None:
    doc = copy.deepcopy(FULL)
    for _ in range(data.draw(st.integers(1, 3))):
        paths = _paths(doc)
        path = data.draw(st.sampled_from(paths))
        doc = _replace(doc, path, data.draw(_JSON))
    for problems in (vcdm_problems(doc), ob3_problems(doc)):
        assert all(isinstance(p, Problem) and p.message for p in problems)


@given(_JSON)
def test_any_json_value_is_handled(value: Any) -> None:
    assert isinstance(vcdm_problems(value), list)
    assert isinstance(ob3_problems(value), list)


def test_deep_documents_are_reported_not_recursed() -> None:
    deep: Any = "x"
    for _ in range(200):
        deep = {"a": deep}
    doc = {"@context": ["https://www.w3.org/ns/credentials/v2"], "credentialSubject": deep}
    assert [p.code for p in vcdm_problems(doc)] == ["vcdm.too_deep"]
