"""Whatever the builders produce conforms; whatever they are fed, they answer with SchemaError.

Property tests: random *valid* inputs build credentials that pass the 1EdTech schema, the
VCDM and OB 3.0 rules and JSON-LD safe mode (no term escapes the signature); random *invalid*
inputs — and fuzzed documents given to ``from_json`` — raise only :class:`SchemaError`.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from insignia.core.errors import SchemaError
from insignia.core.model import (
    Achievement,
    AchievementCredential,
    AchievementSubject,
    Alignment,
    CredentialStatus,
    Criteria,
    EndorsementCredential,
    EndorsementSubject,
    Evidence,
    Image,
    Profile,
    Result,
    ResultDescription,
    hashed_email,
)
from insignia.core.model.enums import (
    ACHIEVEMENT_TYPES,
    ALIGNMENT_TARGET_TYPES,
    EXTENSION_TERM,
    RESULT_STATUSES,
)
from insignia.core.schema import (
    validate_achievement_credential,
    validate_credential_schema_entries,
    validate_endorsement_credential,
)
from insignia.core.vcdm import ob3_problems, vcdm_problems
from tests.core.model.factories import endorsement, full_credential, minimal_credential
from tests.support.paths import VECTORS

EXTENSION_CONTEXT = {"ext": "https://insignia.example/vocab#", "motto": "ext:motto"}


def _assert_conforms(credential: AchievementCredential | EndorsementCredential) -> None:
    doc = json.loads(json.dumps(credential.to_json()))
    if isinstance(credential, EndorsementCredential):
        assert validate_endorsement_credential(doc) == []
    else:
        assert validate_achievement_credential(doc) == []
    assert validate_credential_schema_entries(doc) == []
    assert vcdm_problems(doc) == []
    assert ob3_problems(doc) == []
    safemode = pytest.importorskip("insignia.core.jsonld.safemode")
    safemode.check(doc)  # no term the contexts leave undefined, so nothing escapes a proof


@pytest.mark.parametrize(
    "build",
    [
        minimal_credential,
        full_credential,
        endorsement,
        lambda: dataclasses.replace(
            minimal_credential(),
            extensions={"motto": "Learn every day"},
            extra_contexts=[EXTENSION_CONTEXT],
        ),
        lambda: dataclasses.replace(minimal_credential(), endorsement=[endorsement().to_json()]),
        lambda: dataclasses.replace(
            minimal_credential(),
            credential_status=CredentialStatus(
                id="https://badges.example.org/revocations", type="1EdTechRevocationList"
            ),
        ),
    ],
    ids=["minimal", "full", "endorsement", "extension", "embedded-endorsement", "1edtech-status"],
)
def test_builders_conform(build: Any) -> None:
    _assert_conforms(build())


# --- random valid credentials --------------------------------------------------------------

_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=20
)
_SLUG = st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)
_URL = st.builds(lambda host, path: f"https://{host}.example/{path}", _SLUG, _SLUG)
_URN = st.uuids().map(lambda u: f"urn:uuid:{u}")
_WHEN = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
)


@st.composite
def _profiles(draw: st.DrawFn) -> Profile:
    return Profile(
        id=draw(st.one_of(_URL, st.just("did:example:issuer"))),
        name=draw(_TEXT),
        url=draw(st.none() | _URL),
        email=draw(st.none() | _SLUG.map(lambda s: f"{s}@example.org")),
        description=draw(st.none() | _TEXT),
        image=draw(st.none() | _URL.map(lambda u: Image(id=u))),
    )


@st.composite
def _achievements(draw: st.DrawFn) -> Achievement:
    statuses = draw(st.booleans())
    return Achievement(
        id=draw(_URL),
        name=draw(_TEXT),
        description=draw(_TEXT),
        criteria=draw(
            st.one_of(
                _URL.map(lambda u: Criteria(id=u)), _TEXT.map(lambda t: Criteria(narrative=t))
            )
        ),
        achievement_type=draw(
            st.none()
            | st.sampled_from(sorted(ACHIEVEMENT_TYPES))
            | st.from_regex(EXTENSION_TERM, fullmatch=True)
        ),
        alignment=draw(
            st.lists(
                st.builds(
                    Alignment,
                    target_name=_TEXT,
                    target_url=_URL,
                    target_type=st.none() | st.sampled_from(sorted(ALIGNMENT_TARGET_TYPES)),
                ),
                max_size=2,
            )
        ),
        tag=draw(st.lists(_TEXT, max_size=3)),
        in_language=draw(st.none() | st.sampled_from(["en", "de", "pt-BR", "zh-Hant-TW"])),
        credits_available=draw(st.none() | st.floats(0, 300)),
        result_description=[
            ResultDescription(id="urn:rd:status", name="Status", result_type="Status")
        ]
        if statuses
        else [],
    )


@st.composite
def _credentials(draw: st.DrawFn) -> AchievementCredential:
    valid_from = draw(_WHEN)
    achievement = draw(_achievements())
    by_did = draw(st.booleans())
    results = [
        Result(result_description=d.id, status=draw(st.sampled_from(sorted(RESULT_STATUSES))))
        for d in achievement.result_description
    ]
    subject = AchievementSubject(
        id="did:example:learner" if by_did else None,
        identifier=[] if by_did else [hashed_email(draw(_SLUG) + "@example.org", draw(_SLUG))],
        achievement=achievement,
        result=results,
        narrative=draw(st.none() | _TEXT),
    )
    return AchievementCredential(
        id=draw(_URN),
        name=draw(_TEXT),
        description=draw(st.none() | _TEXT),
        issuer=draw(_profiles()),
        valid_from=valid_from,
        valid_until=draw(
            st.none() | st.integers(1, 10_000).map(lambda d: valid_from + timedelta(days=d))
        ),
        credential_subject=subject,
        evidence=draw(
            st.lists(
                st.builds(Evidence, id=st.none() | _URL, narrative=st.none() | _TEXT), max_size=2
            )
        ),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_credentials())
def test_random_valid_credentials_conform(credential: AchievementCredential) -> None:
    _assert_conforms(credential)
    assert AchievementCredential.from_json(credential.to_json()) == credential


@settings(max_examples=40, deadline=None)
@given(_URL, _TEXT, _WHEN)
def test_random_endorsements_conform(subject: str, comment: str, when: datetime) -> None:
    credential = EndorsementCredential(
        id="urn:uuid:5d2c1b0a-3e4f-4a5b-8c6d-7e8f9a0b1c2d",
        name="Endorsement",
        issuer=Profile(id="https://accreditor.example", name="Accreditor"),
        valid_from=when,
        credential_subject=EndorsementSubject(id=subject, endorsement_comment=comment),
    )
    _assert_conforms(credential)


# --- random invalid input: only SchemaError ------------------------------------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
_ANY = _JSON | st.datetimes() | st.just(object()) | st.sets(st.integers(), max_size=2)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_constructors_raise_only_schema_errors(data: st.DataObject) -> None:
    base = minimal_credential()
    parts: list[Any] = [
        base,
        base.issuer,
        base.credential_subject,
        base.credential_subject.achievement,
        base.credential_subject.identifier[0],
        full_credential().credential_status,
        full_credential().credential_subject.achievement.alignment[0],
    ]
    part = data.draw(st.sampled_from(parts))
    name = data.draw(st.sampled_from([f.name for f in dataclasses.fields(part)]))
    try:
        dataclasses.replace(part, **{name: data.draw(_ANY)})
    except SchemaError as exc:
        assert exc.code.startswith("model.")
        assert exc.message


FULL = full_credential().to_json()
SPEC = json.loads(
    (VECTORS / "1edtech-ob-spec" / "spec-examples" / "fullOpenBadge.json").read_text("utf-8")
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


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([FULL, SPEC]), st.data())
def test_from_json_on_fuzzed_documents_raises_only_schema_errors(
    original: dict[str, Any], data: st.DataObject
) -> None:
    doc: Any = copy.deepcopy(original)
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
    try:
        credential = AchievementCredential.from_json(doc)
    except SchemaError as exc:
        assert exc.code.startswith("model.")
        assert isinstance(exc.detail.get("path", ""), str)
    else:
        assert isinstance(credential.to_json(), dict)
