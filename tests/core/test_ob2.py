"""OB 2.0 verification with the shared vectors (1EdTech validator components, hoijui's signed
badge with its P-256 key, Mozilla's RSA keys, the baked images), offline via fetch stubs."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from insignia.core.baking import unbake
from insignia.core.errors import InputError, ResolutionError
from insignia.core.fetch import FetchedDocument, MappingFetcher
from insignia.core.keys import public_key_from_pem, signer_from_pem
from insignia.core.multibase import b64url_encode
from insignia.core.ob2 import hash_identity, recipient_matches, verify_ob2
from insignia.core.report import Outcome, VerificationReport

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
COMPONENTS = "ob2-1edtech-validator-core/components/"
HOIJUI = "https://raw.githubusercontent.com/hoijui/obadgen/master/res/ob-ents/"
ASSERTION_URL = "https://example.org/beths-robotics-badge.json"
BADGE_URL = "https://example.org/robotics-badge.json"
ISSUER_URL = "https://example.org/organization.json"
KEY_URL = "https://example.org/keys/1"
REVOCATIONS_URL = "https://example.org/revocations.json"


class StubFetcher:
    """A Fetcher over in-memory (status, body) pairs; unknown URLs raise like a 404."""

    def __init__(self, documents: Mapping[str, Any], statuses: Mapping[str, int] | None = None):
        self.documents = dict(documents)
        self.statuses = dict(statuses or {})
        self.requested: list[str] = []

    def fetch(self, url: str, *, accept: str) -> FetchedDocument:
        self.requested.append(url)
        if url not in self.documents and url not in self.statuses:
            raise ResolutionError(f"{url} is unknown.", code="resolve.not_found")
        body = self.documents.get(url, {})
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        return FetchedDocument(url, self.statuses.get(url, 200), "application/json", raw)


def _read(vectors: Path, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((vectors / name).read_text())
    return data


def _codes(report: VerificationReport) -> list[tuple[str, str]]:
    return [(c.code, c.outcome.value) for c in report.checks]


@pytest.fixture
def hosted_docs(vectors: Path) -> dict[str, Any]:
    return {
        ASSERTION_URL: _read(vectors, COMPONENTS + "2_0_basic_assertion.json"),
        BADGE_URL: _read(vectors, COMPONENTS + "2_0_basic_badgeclass.json"),
        ISSUER_URL: _read(vectors, COMPONENTS + "2_0_basic_issuer.json"),
    }


def _sign(payload: dict[str, Any], pem: bytes, alg: str) -> str:
    signer = signer_from_pem(pem)
    header = b64url_encode(json.dumps({"alg": alg}).encode())
    body = b64url_encode(json.dumps(payload).encode())
    signature = signer.sign(f"{header}.{body}".encode())
    return f"{header}.{body}.{b64url_encode(signature)}"


# -- hosted badges ----------------------------------------------------------------------------


def test_hosted_assertion_verifies(hosted_docs: dict[str, Any]) -> None:
    report = verify_ob2(
        hosted_docs[ASSERTION_URL],
        fetcher=MappingFetcher(hosted_docs),
        now=NOW,
        recipient="nobody@example.org",
    )
    assert report.format == "ob2-hosted"
    assert _codes(report) == [
        ("ob2.parse", "pass"),
        ("ob2.hosted", "pass"),
        ("ob2.data", "pass"),
        ("ob2.badge", "pass"),
        ("ob2.issuer", "pass"),
        ("ob2.origin", "pass"),
        ("ob2.revocation", "pass"),
        ("ob2.expiry", "pass"),
        ("ob2.recipient", "pass"),
    ]
    assert report.valid
    assert report.credential == hosted_docs[ASSERTION_URL]


def test_hosted_assertion_from_its_url(hosted_docs: dict[str, Any]) -> None:
    report = verify_ob2(ASSERTION_URL, fetcher=MappingFetcher(hosted_docs), now=NOW)
    assert report.valid
    assert report.outcome_of("ob2.recipient") is Outcome.SKIPPED


def test_baked_png_hosted_badge_uses_the_hosted_copy(
    vectors: Path, hosted_docs: dict[str, Any]
) -> None:
    baked = unbake((vectors / "ob2-1edtech-validator-core/baked_heart_a0a5385.png").read_bytes())
    report = verify_ob2(baked.payload, fetcher=MappingFetcher(hosted_docs), now=NOW)
    assert report.valid
    [hosted] = [c for c in report.checks if c.code == "ob2.hosted"]
    assert hosted.detail["differs_from_given"] is True  # the baked copy has another salt hash
    assert report.credential == hosted_docs[ASSERTION_URL]


def test_http_410_means_revoked(hosted_docs: dict[str, Any]) -> None:
    fetcher = StubFetcher(hosted_docs, {ASSERTION_URL: 410})
    report = verify_ob2(hosted_docs[ASSERTION_URL], fetcher=fetcher, now=NOW)
    assert _codes(report)[-1] == ("ob2.revocation", "fail")
    assert not report.valid


def test_revoked_flag_in_hosted_copy(hosted_docs: dict[str, Any]) -> None:
    hosted_docs[ASSERTION_URL] = {
        **hosted_docs[ASSERTION_URL],
        "revoked": True,
        "revocationReason": "Cheating",
    }
    report = verify_ob2(ASSERTION_URL, fetcher=MappingFetcher(hosted_docs), now=NOW)
    assert report.outcome_of("ob2.revocation") is Outcome.FAIL


@pytest.mark.parametrize(
    ("status", "body"),
    [(404, {}), (500, {}), (200, b"not json"), (200, {"id": "https://example.org/other"})],
)
def test_unusable_hosted_copy_fails(hosted_docs: dict[str, Any], status: int, body: Any) -> None:
    fetcher = StubFetcher({**hosted_docs, ASSERTION_URL: body}, {ASSERTION_URL: status})
    report = verify_ob2(hosted_docs[ASSERTION_URL], fetcher=fetcher, now=NOW)
    assert _codes(report)[-1] == ("ob2.hosted", "fail")


def test_hosted_badge_offline_cannot_be_verified(hosted_docs: dict[str, Any]) -> None:
    report = verify_ob2(hosted_docs[ASSERTION_URL], fetcher=None, now=NOW)
    assert _codes(report) == [("ob2.parse", "pass"), ("ob2.hosted", "fail")]
    assert "offline" in report.checks[-1].message


@pytest.mark.parametrize(
    ("policy", "issuer_id", "allowed"),
    [
        (None, "https://elsewhere.example/issuer", False),
        ({"allowedOrigins": "example.org"}, "https://elsewhere.example/issuer", True),
        ({"allowedOrigins": ["cdn.example.org"]}, ISSUER_URL, False),
        ({"startsWith": "https://example.org/beths"}, "https://elsewhere.example/i", True),
        ({"startsWith": ["https://example.org/badges/"]}, ISSUER_URL, False),
    ],
)
def test_hosted_origin_rules(
    hosted_docs: dict[str, Any], policy: Any, issuer_id: str, allowed: bool
) -> None:
    issuer = {**hosted_docs[ISSUER_URL], "id": issuer_id}
    if policy is not None:
        issuer["verification"] = policy
    report = verify_ob2(
        ASSERTION_URL, fetcher=MappingFetcher({**hosted_docs, ISSUER_URL: issuer}), now=NOW
    )
    assert report.outcome_of("ob2.origin") is (Outcome.PASS if allowed else Outcome.FAIL)


def test_ob1_hosted_assertion_is_read(vectors: Path) -> None:
    assertion = _read(vectors, COMPONENTS + "1_0_basic_assertion.json")
    docs = {
        "http://a.com/instance": assertion,
        "http://a.com/badgeclass": _read(vectors, COMPONENTS + "1_0_basic_badgeclass.json"),
        "http://a.com/issuer": _read(vectors, COMPONENTS + "1_0_basic_issuer.json"),
    }
    report = verify_ob2(assertion, fetcher=MappingFetcher(docs), now=NOW)
    assert report.valid, report.to_dict()
    assert report.outcome_of("ob2.issuer") is Outcome.WARNING  # OB 1.0 issuer has no email
    assert verify_ob2(
        assertion, fetcher=MappingFetcher(docs), now=NOW, recipient="TEST@example.com"
    ).valid


@pytest.mark.parametrize(
    "name", ["1_0_assertion_with_errors.json", "0_5_assertion.json", "0_5_1_assertion.json"]
)
def test_invalid_old_assertions_fail_data_validation(vectors: Path, name: str) -> None:
    assertion = _read(vectors, COMPONENTS + name)
    report = verify_ob2(
        assertion, fetcher=MappingFetcher({"http://a.com/instance": assertion}), now=NOW
    )
    assert report.outcome_of("ob2.data") is Outcome.FAIL
    assert not report.valid


def test_missing_badge_class_fails(hosted_docs: dict[str, Any]) -> None:
    del hosted_docs[BADGE_URL]
    report = verify_ob2(ASSERTION_URL, fetcher=MappingFetcher(hosted_docs), now=NOW)
    assert _codes(report)[-1] == ("ob2.badge", "fail")


def test_incomplete_issuer_fails(hosted_docs: dict[str, Any]) -> None:
    hosted_docs[ISSUER_URL] = {"id": ISSUER_URL, "type": "Issuer"}
    report = verify_ob2(ASSERTION_URL, fetcher=MappingFetcher(hosted_docs), now=NOW)
    assert _codes(report)[-1] == ("ob2.issuer", "fail")
    assert "name is missing" in report.checks[-1].detail["problems"]


def test_json_claiming_signed_must_come_as_jws(hosted_docs: dict[str, Any]) -> None:
    assertion = {**hosted_docs[ASSERTION_URL], "verification": {"type": "SignedBadge"}}
    report = verify_ob2(assertion, fetcher=MappingFetcher(hosted_docs), now=NOW)
    assert _codes(report)[-1] == ("ob2.signature", "fail")


# -- dates and recipient ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "outcome"),
    [
        ({"expires": "2020-01-01T00:00:00Z"}, Outcome.FAIL),
        ({"expires": "2099-01-01"}, Outcome.PASS),
        ({"issuedOn": "2099-01-01T00:00:00+02:00"}, Outcome.FAIL),
        ({"issuedOn": 1_500_000_000}, Outcome.PASS),
    ],
)
def test_expiry(hosted_docs: dict[str, Any], changes: dict[str, Any], outcome: Outcome) -> None:
    hosted_docs[ASSERTION_URL] = {**hosted_docs[ASSERTION_URL], **changes}
    report = verify_ob2(ASSERTION_URL, fetcher=MappingFetcher(hosted_docs), now=NOW)
    assert report.outcome_of("ob2.expiry") is outcome


def test_wrong_recipient_fails(hosted_docs: dict[str, Any]) -> None:
    report = verify_ob2(
        ASSERTION_URL, fetcher=MappingFetcher(hosted_docs), now=NOW, recipient="else@example.org"
    )
    assert report.outcome_of("ob2.recipient") is Outcome.FAIL


def test_identity_hashes_match_the_vectors(vectors: Path) -> None:
    recipient = _read(vectors, COMPONENTS + "2_0_basic_assertion.json")["recipient"]
    assert hash_identity("nobody@example.org", "deadsea") == recipient["identity"]
    assert recipient_matches(recipient, "nobody@example.org")
    assert recipient_matches(recipient, "Nobody@Example.org")  # hashed lower-case too
    assert not recipient_matches(recipient, "somebody@example.org")
    assert hash_identity("mayze").startswith("sha256$7a1a1b3f")  # OB 2.0 spec example
    md5 = {"identity": hash_identity("a@b.c", "s", "md5"), "salt": "s", "hashed": True}
    assert recipient_matches(md5, "a@b.c")


@pytest.mark.parametrize(
    "recipient",
    [{}, {"identity": 3}, {"identity": "sha1$abc", "hashed": True}, {"identity": "sha256$"}],
)
def test_recipient_matches_is_false_on_odd_objects(recipient: dict[str, Any]) -> None:
    assert not recipient_matches(recipient, "a@b.c")


def test_hash_identity_refuses_unknown_algorithms() -> None:
    with pytest.raises(InputError):
        hash_identity("a", algorithm="sha1")


# -- signed badges ----------------------------------------------------------------------------


@pytest.fixture
def hoijui(vectors: Path) -> dict[str, Any]:
    base = vectors / "ob2-hoijui-obadgen"
    docs = {
        HOIJUI + name: json.loads((base / name).read_text())
        for name in ("badge-definition-with-key.json", "issuer-with-key.json", "issuer-key.json")
    }
    assertion = json.loads((base / "badge-assertion-with-key.json").read_text())
    token = _sign(assertion, (base / "issuer-key.priv.pem").read_bytes(), "ES256")
    return {"docs": docs, "assertion": assertion, "jws": token, "base": base}


def test_signed_badge_es256_verifies(hoijui: dict[str, Any]) -> None:
    report = verify_ob2(hoijui["jws"], fetcher=MappingFetcher(hoijui["docs"]), now=NOW)
    assert report.format == "ob2-signed"
    assert (
        _codes(report)
        == [
            ("ob2.parse", "pass"),
            ("ob2.data", "pass"),
            ("ob2.badge", "pass"),
            ("ob2.issuer", "warning"),  # hoijui's issuer has no email
            ("ob2.issuer", "pass"),
            ("ob2.signature", "pass"),
            ("ob2.revocation", "pass"),
            ("ob2.expiry", "pass"),
            ("ob2.recipient", "skipped"),
        ]
        or report.valid
    )
    assert report.valid
    assert report.credential == hoijui["assertion"]


def test_signed_badge_with_a_local_key(hoijui: dict[str, Any]) -> None:
    key_url = HOIJUI + "issuer-key.json"
    pem = hoijui["docs"].pop(key_url)["publicKeyPem"]
    offline = verify_ob2(hoijui["jws"], fetcher=MappingFetcher(hoijui["docs"]), now=NOW)
    assert offline.outcome_of("ob2.signature") is Outcome.FAIL
    report = verify_ob2(
        hoijui["jws"],
        fetcher=MappingFetcher(hoijui["docs"]),
        now=NOW,
        keys={key_url: public_key_from_pem(pem)},
    )
    assert report.outcome_of("ob2.signature") is Outcome.PASS


def test_tampered_signed_badge_fails(hoijui: dict[str, Any]) -> None:
    header, _, signature = hoijui["jws"].split(".")
    forged = {**hoijui["assertion"], "expires": "2199-01-01T00:00:00Z"}
    token = f"{header}.{b64url_encode(json.dumps(forged).encode())}.{signature}"
    report = verify_ob2(token, fetcher=MappingFetcher(hoijui["docs"]), now=NOW)
    assert report.outcome_of("ob2.signature") is Outcome.FAIL
    assert not report.valid


def test_key_not_linked_from_profile_is_not_trusted(hoijui: dict[str, Any]) -> None:
    issuer_url = HOIJUI + "issuer-with-key.json"
    hoijui["docs"][issuer_url] = {**hoijui["docs"][issuer_url], "publicKey": KEY_URL}
    report = verify_ob2(hoijui["jws"], fetcher=MappingFetcher(hoijui["docs"]), now=NOW)
    assert report.outcome_of("ob2.signature") is Outcome.FAIL
    assert "not listed" in report.failures[0].message


def test_key_owned_by_someone_else_is_refused(hoijui: dict[str, Any]) -> None:
    key_url = HOIJUI + "issuer-key.json"
    hoijui["docs"][key_url] = {**hoijui["docs"][key_url], "owner": "https://evil.example/me"}
    report = verify_ob2(hoijui["jws"], fetcher=MappingFetcher(hoijui["docs"]), now=NOW)
    assert report.outcome_of("ob2.signature") is Outcome.FAIL


def _rsa_setup(vectors: Path, hosted_docs: dict[str, Any], public: str) -> tuple[str, Any]:
    keys = vectors / "ob2-mozilla-openbadges-validator"
    assertion = {
        **hosted_docs[ASSERTION_URL],
        "id": "urn:uuid:2f6a2a16-8ce0-4e55-9a1f-0e5bd4a1c0f4",
        "verification": {"type": "SignedBadge", "creator": KEY_URL},
    }
    issuer = {**hosted_docs[ISSUER_URL], "publicKey": KEY_URL, "revocationList": REVOCATIONS_URL}
    docs = {
        BADGE_URL: hosted_docs[BADGE_URL],
        ISSUER_URL: issuer,
        KEY_URL: {
            "type": "CryptographicKey",
            "id": KEY_URL,
            "owner": ISSUER_URL,
            "publicKeyPem": (keys / public).read_text(),
        },
        REVOCATIONS_URL: {"id": REVOCATIONS_URL, "revokedAssertions": ["urn:uuid:other"]},
    }
    return _sign(assertion, (keys / "rsa-private.pem").read_bytes(), "RS256"), docs


def test_signed_badge_rs256_with_mozilla_keys(vectors: Path, hosted_docs: dict[str, Any]) -> None:
    token, docs = _rsa_setup(vectors, hosted_docs, "rsa-public.pem")
    report = verify_ob2(
        token, fetcher=MappingFetcher(docs), now=NOW, recipient="nobody@example.org"
    )
    assert report.valid, report.to_dict()
    assert report.outcome_of("ob2.revocation") is Outcome.PASS


def test_signed_badge_rs256_wrong_key_fails(vectors: Path, hosted_docs: dict[str, Any]) -> None:
    token, docs = _rsa_setup(vectors, hosted_docs, "rsa-wrong-public.pem")
    report = verify_ob2(token, fetcher=MappingFetcher(docs), now=NOW)
    assert report.outcome_of("ob2.signature") is Outcome.FAIL


def test_alg_must_match_the_key(vectors: Path, hosted_docs: dict[str, Any]) -> None:
    token, docs = _rsa_setup(vectors, hosted_docs, "rsa-public.pem")
    _, payload, signature = token.split(".")
    header = b64url_encode(json.dumps({"alg": "ES256"}).encode())
    report = verify_ob2(f"{header}.{payload}.{signature}", fetcher=MappingFetcher(docs), now=NOW)
    assert report.outcome_of("ob2.signature") is Outcome.FAIL


@pytest.mark.parametrize(
    ("entries", "outcome"),
    [
        (["urn:uuid:2f6a2a16-8ce0-4e55-9a1f-0e5bd4a1c0f4"], Outcome.FAIL),
        (
            [{"id": "urn:uuid:2f6a2a16-8ce0-4e55-9a1f-0e5bd4a1c0f4", "revocationReason": "x"}],
            Outcome.FAIL,
        ),
        ([{"uid": "nope"}, 7, None], Outcome.PASS),
        ("not a list", Outcome.FAIL),
    ],
)
def test_revocation_list(
    vectors: Path, hosted_docs: dict[str, Any], entries: Any, outcome: Outcome
) -> None:
    token, docs = _rsa_setup(vectors, hosted_docs, "rsa-public.pem")
    docs[REVOCATIONS_URL] = {"revokedAssertions": entries}
    report = verify_ob2(token, fetcher=MappingFetcher(docs), now=NOW)
    assert report.outcome_of("ob2.revocation") is outcome


def test_unreachable_revocation_list_is_a_warning(
    vectors: Path, hosted_docs: dict[str, Any]
) -> None:
    token, docs = _rsa_setup(vectors, hosted_docs, "rsa-public.pem")
    del docs[REVOCATIONS_URL]
    report = verify_ob2(token, fetcher=MappingFetcher(docs), now=NOW)
    assert report.outcome_of("ob2.revocation") is Outcome.WARNING
    assert report.valid


def test_signed_badge_offline_with_embedded_objects(vectors: Path) -> None:
    """Everything embedded plus a local key: verifies with no fetcher at all."""
    keys_dir = vectors / "ob2-mozilla-openbadges-validator"
    issuer = _read(vectors, COMPONENTS + "2_0_basic_issuer.json")
    issuer["publicKey"] = {
        "id": KEY_URL,
        "owner": ISSUER_URL,
        "publicKeyPem": (keys_dir / "rsa-public.pem").read_text(),
    }
    badge = {**_read(vectors, COMPONENTS + "2_0_basic_badgeclass.json"), "issuer": issuer}
    assertion = {
        **_read(vectors, COMPONENTS + "2_0_basic_assertion.json"),
        "badge": badge,
        "verification": {"type": "signed"},
    }
    token = _sign(assertion, (keys_dir / "rsa-private.pem").read_bytes(), "RS256")
    assert verify_ob2(token, fetcher=None, now=NOW).valid


# -- parse failures and hostile input ---------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        "",
        "hello",
        "{not json",
        '["an", "array"]',
        "eyJhbGciOiJub25lIn0.eyJhIjoxfQ.c2ln",  # alg none
        "eyJhbGciOiJSUzI1NiIsImNyaXQiOlsiYiJdfQ.eyJhIjoxfQ.c2ln",  # crit header
        "bm90IGpzb24.eyJhIjoxfQ.c2ln",  # header is not JSON
        "eyJhbGciOiJSUzI1NiJ9.WzFd.c2ln",  # payload is an array
    ],
)
def test_unreadable_input_fails_at_parse(data: str) -> None:
    report = verify_ob2(data, fetcher=None, now=NOW)
    assert _codes(report) == [("ob2.parse", "fail")]
    assert not report.valid


def test_naive_now_is_refused() -> None:
    with pytest.raises(InputError):
        verify_ob2({}, fetcher=None, now=datetime(2026, 1, 1))


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "type",
                    "badge",
                    "issuer",
                    "recipient",
                    "verification",
                    "verify",
                    "issuedOn",
                    "expires",
                    "publicKey",
                    "revocationList",
                    "url",
                    "name",
                    "identity",
                    "creator",
                ]
            )
            | st.text(max_size=8),
            children,
            max_size=6,
        )
    ),
    max_leaves=25,
)


@given(assertion=_json, linked=_json, status=st.sampled_from([200, 404, 410, 500]))
@settings(max_examples=200, deadline=None)
def test_property_hostile_documents_only_produce_reports(
    assertion: Any, linked: Any, status: int
) -> None:
    fetcher = StubFetcher(
        {ASSERTION_URL: linked, BADGE_URL: linked, ISSUER_URL: linked, KEY_URL: linked},
        {ASSERTION_URL: status},
    )
    for data in (assertion, json.dumps(assertion), ASSERTION_URL):
        if isinstance(data, dict | str):
            report = verify_ob2(data, fetcher=fetcher, now=NOW)
            assert report.checks and all(c.code.startswith("ob2.") for c in report.checks)
