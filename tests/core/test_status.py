"""Bitstring Status List: the value type, the issuer documents and the verifier check.

The DCC fixtures are real, signed status lists published by another implementation; their
expected outcomes come from ``shared/vectors/SOURCES.md``.  The lists' own proofs are checked
by the verifier's ``verify_list`` callback (wired to the Data Integrity verifier elsewhere);
here a stub that returns True stands in for it, and separate tests cover what happens when
the callback says no.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import json
import random
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from insignia.core.errors import InputError, ResolutionError, StatusError
from insignia.core.report import Outcome
from insignia.core.status import (
    MIN_ENTRIES,
    BitstringStatusList,
    allocate_index,
    check_status,
    status_entry,
    status_list_credential,
)

DCC_LIST = (
    "https://digitalcredentials.github.io/vc-test-fixtures/statusLists/didkey-ed25519Signature2020/"
)
VC_CORE_LIST = (
    "https://raw.githubusercontent.com/digitalcredentials/verifier-core/refs/heads/main/"
    "src/test-fixtures/status/e5WK8CbZ1GjycuPombrj"
)
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def _always(_: dict[str, Any]) -> bool:
    return True


def _never(_: dict[str, Any]) -> bool:
    return False


@pytest.fixture(scope="module")
def published(vectors: Path) -> dict[str, dict[str, Any]]:
    """Every DCC status list file, keyed by the URL the credentials use for it."""
    out: dict[str, dict[str, Any]] = {}
    for path in (vectors / "dcc-vc-test-fixtures/statusLists/didkey-ed25519Signature2020").glob(
        "*.json"
    ):
        out[DCC_LIST + path.stem] = json.loads(path.read_text())
    out[VC_CORE_LIST] = json.loads(
        (vectors / "dcc-verifier-core/status/e5WK8CbZ1GjycuPombrj.json").read_text()
    )
    return out


def _fetcher(lists: dict[str, dict[str, Any]]) -> Any:
    def fetch(url: str) -> dict[str, Any]:
        if url not in lists:
            raise ResolutionError(f"404 for {url}", code="resolve.not_found")
        return lists[url]

    return fetch


def _check(credential: dict[str, Any], lists: dict[str, dict[str, Any]], **kw: Any) -> Any:
    kw.setdefault("verify_list", _always)
    kw.setdefault("now", NOW)
    return check_status(credential, fetch_status_list=_fetcher(lists), **kw)


# -- the value type --------------------------------------------------------------------------


def test_new_list_is_all_zero_and_large_enough_for_privacy() -> None:
    bits = BitstringStatusList.create()
    assert len(bits) == MIN_ENTRIES == 131_072
    assert bits.bit_length == 131_072
    assert bits.get(0) == 0 and bits.get(MIN_ENTRIES - 1) == 0


def test_index_zero_is_the_most_significant_bit_of_byte_zero() -> None:
    bits = BitstringStatusList.create()
    bits.set(0)
    bits.set(9)
    raw = bits.to_bytes()
    assert raw[0] == 0b1000_0000 and raw[1] == 0b0100_0000
    bits.clear(0)
    assert bits.to_bytes()[0] == 0 and bits.get(9) == 1


def test_status_size_packs_values_most_significant_first() -> None:
    bits = BitstringStatusList.create(status_size=2)
    assert len(bits) == MIN_ENTRIES
    bits.set(0, 0b10)
    bits.set(1, 0b01)
    bits.set(3, 0b11)
    assert bits.to_bytes()[0] == 0b1001_0011
    assert [bits.get(i) for i in range(5)] == [2, 1, 0, 3, 0]
    with pytest.raises(StatusError) as err:
        bits.set(2, 4)
    assert err.value.code == "status.bad_value"


def test_small_lists_need_an_explicit_floor() -> None:
    with pytest.raises(StatusError) as err:
        BitstringStatusList.create(1000)
    assert err.value.code == "status.too_small"
    assert len(BitstringStatusList.create(16, min_entries=1)) == 16


@pytest.mark.parametrize("index", [-1, MIN_ENTRIES, 10**12])
def test_out_of_range_index(index: int) -> None:
    with pytest.raises(StatusError) as err:
        BitstringStatusList.create().get(index)
    assert err.value.code == "status.index_out_of_range"


def test_encode_decode_round_trip_is_deterministic() -> None:
    bits = BitstringStatusList.create()
    for i in (0, 7, 8, 65_536, MIN_ENTRIES - 1):
        bits.set(i)
    encoded = bits.encode()
    assert encoded.startswith("uH4sI")  # multibase base64url of a GZIP member
    assert encoded == bits.encode()
    assert "=" not in encoded
    again = BitstringStatusList.decode(encoded)
    assert again == bits
    assert [i for i in (0, 1, 7, 8, 9, 65_536, MIN_ENTRIES - 1) if again.get(i)] == [
        0,
        7,
        8,
        65_536,
        MIN_ENTRIES - 1,
    ]


def test_decodes_the_published_dcc_list(published: dict[str, dict[str, Any]]) -> None:
    encoded = published[VC_CORE_LIST]["credentialSubject"]["encodedList"]
    bits = BitstringStatusList.decode(encoded)
    assert len(bits) == 100_000  # smaller than BSL's floor: verifiers still read it
    assert [i for i in range(10) if bits.get(i)] == [2, 6, 8]


@given(
    entries=st.integers(min_value=1, max_value=4096),
    status_size=st.integers(min_value=1, max_value=4),
    data=st.data(),
)
@settings(max_examples=60, deadline=None)
def test_property_round_trip(entries: int, status_size: int, data: st.DataObject) -> None:
    bits = BitstringStatusList.create(entries, status_size=status_size, min_entries=1)
    model: dict[int, int] = {}
    ops = data.draw(
        st.lists(
            st.tuples(st.integers(0, bits.entries - 1), st.integers(0, (1 << status_size) - 1)),
            max_size=40,
        )
    )
    for index, value in ops:
        bits.set(index, value)
        model[index] = value
    decoded = BitstringStatusList.decode(bits.encode(), status_size=status_size)
    for index in range(min(decoded.entries, 300)):
        assert decoded.get(index) == model.get(index, 0)


# -- hostile encodings -------------------------------------------------------------------------


def _u(raw: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_zip_bomb_is_refused_without_expanding_it() -> None:
    bomb = gzip.compress(bytes(64 * 1024 * 1024), mtime=0)  # 64 MiB of zeros, ~64 KB packed
    with pytest.raises(StatusError) as err:
        BitstringStatusList.decode(_u(bomb))
    assert err.value.code == "status.list_too_large"


@pytest.mark.parametrize(
    "encoded",
    [
        "",
        "H4sIAAAAAAAAA-3BMQEAAAwCoGUx6aLbwgvIHwAAAAAAAAAAAAAAwFwBZnztF9QwAAA",  # no 'u'
        "zH4sI",  # base58 prefix
        "u!!!not-base64",
        "uH4sIAAAAAAAAA-I-CHANGED-THISAAwFwBZnztF9QwAAA",  # DCC tampered list
        _u(b"not gzip at all"),
        _u(gzip.compress(b"\xff" * 100)[:-6]),  # truncated
        _u(gzip.compress(b"\xff" * 100) + b"junk"),  # trailing bytes
        _u(gzip.compress(b"")),  # empty list
    ],
)
def test_bad_encodings_raise_status_errors(encoded: str) -> None:
    with pytest.raises(StatusError) as err:
        BitstringStatusList.decode(encoded)
    assert err.value.code in {"status.bad_encoding", "status.empty_list"}


def test_statuslist2021_lists_have_no_multibase_prefix() -> None:
    bits = BitstringStatusList.create()
    bits.set(3)
    plain = bits.encode()[1:]
    assert BitstringStatusList.decode(plain, multibase_prefix=False).get(3) == 1


@given(st.text(max_size=200))
@settings(max_examples=200, deadline=None)
def test_property_decode_never_raises_anything_but_status_error(text: str) -> None:
    with contextlib.suppress(StatusError):
        BitstringStatusList.decode(text)


# -- random allocation -----------------------------------------------------------------------


def test_allocation_is_random_not_sequential() -> None:
    rng = random.Random(7)
    taken: set[int] = set()
    picks = [allocate_index(rng, taken, MIN_ENTRIES) for _ in range(50)]
    taken.update(picks)
    assert picks != sorted(picks)
    assert len(set(picks)) == 50
    assert max(picks) > MIN_ENTRIES // 2


def test_allocation_avoids_taken_indexes_and_fills_the_list() -> None:
    rng = random.Random(1)
    taken: set[int] = set()
    for _ in range(64):
        taken.add(allocate_index(rng, taken, 64))
    assert taken == set(range(64))
    with pytest.raises(StatusError) as err:
        allocate_index(rng, taken, 64)
    assert err.value.code == "status.list_full"


def test_allocation_accepts_a_system_rng() -> None:
    index = allocate_index(secrets.SystemRandom(), range(10), 11)
    assert index == 10


# -- issuer documents ------------------------------------------------------------------------


def test_status_entry_shape() -> None:
    entry = status_entry("https://example.org/status/1", 94_567, "revocation")
    assert entry == {
        "id": "https://example.org/status/1#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": "https://example.org/status/1",
    }


def test_status_entry_with_messages() -> None:
    entry = status_entry(
        "https://example.org/s",
        3,
        "message",
        status_size=2,
        messages=[(0, "pending"), (1, "accepted"), (2, "rejected"), (3, "undefined")],
    )
    assert entry["statusSize"] == 2
    assert entry["statusMessage"][1] == {"status": "0x1", "message": "accepted"}
    with pytest.raises(StatusError):
        status_entry("https://example.org/s", 3, "message", status_size=2)


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("https://e.org/s", -1, "revocation"), "status.bad_index"),
        (("https://e.org/s", 1, "deletion"), "status.bad_purpose"),
        (("not a url", 1, "revocation"), "status.bad_url"),
    ],
)
def test_status_entry_rejects_bad_arguments(args: tuple[Any, ...], code: str) -> None:
    with pytest.raises(StatusError) as err:
        status_entry(*args)
    assert err.value.code == code


def test_status_list_credential_shape() -> None:
    bits = BitstringStatusList.create()
    cred = status_list_credential(
        "https://example.org/status/1",
        "did:web:example.org",
        "revocation",
        bits.encode(),
        datetime(2026, 1, 2, 3, 4, 5, 600, tzinfo=UTC),
        valid_until=datetime(2027, 1, 1, tzinfo=UTC),
        ttl_ms=300_000,
    )
    assert cred["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert cred["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert cred["validFrom"] == "2026-01-02T03:04:05Z"
    assert cred["validUntil"] == "2027-01-01T00:00:00Z"
    assert cred["credentialSubject"] == {
        "id": "https://example.org/status/1#list",
        "type": "BitstringStatusList",
        "statusPurpose": "revocation",
        "encodedList": bits.encode(),
        "ttl": 300_000,
    }
    assert "proof" not in cred


def test_status_list_credential_needs_an_aware_datetime() -> None:
    with pytest.raises(InputError) as err:
        status_list_credential(
            "https://e.org/s", "did:web:e.org", "revocation", "uH4sI", datetime(2026, 1, 1)
        )
    assert err.value.code == "input.naive_datetime"


def test_issue_then_check_round_trip() -> None:
    """What the platform does: allocate, embed the entry, revoke, republish, verify."""
    url = "https://example.org/status/7"
    bits = BitstringStatusList.create()
    rng = random.Random(3)
    index = allocate_index(rng, set(), len(bits))
    credential = {"id": "urn:uuid:1", "credentialStatus": status_entry(url, index, "revocation")}

    def publish() -> dict[str, dict[str, Any]]:
        start = NOW - timedelta(days=1)
        return {
            url: status_list_credential(url, "did:web:e.org", "revocation", bits.encode(), start)
        }

    [before] = _check(credential, publish())
    assert (before.code, before.outcome) == ("status.revocation", Outcome.PASS)
    bits.set(index)
    [after] = _check(credential, publish())
    assert (after.code, after.outcome) == ("status.revocation", Outcome.FAIL)
    assert after.detail["index"] == index


def test_suspension_can_be_lifted() -> None:
    url = "https://example.org/status/s"
    bits = BitstringStatusList.create()
    credential = {"credentialStatus": status_entry(url, 42, "suspension")}
    bits.set(42)
    lists = {url: status_list_credential(url, "did:e", "suspension", bits.encode(), NOW)}
    [check] = _check(credential, lists)
    assert (check.code, check.outcome) == ("status.suspension", Outcome.FAIL)
    bits.clear(42)
    lists = {url: status_list_credential(url, "did:e", "suspension", bits.encode(), NOW)}
    [check] = _check(credential, lists)
    assert (check.code, check.outcome) == ("status.suspension", Outcome.PASS)


# -- checking against the DCC vectors --------------------------------------------------------

_REVOKED = [
    "dcc-verifier-core/credentials/v1Revoked.json",
    "dcc-verifier-core/credentials/v1RevokedAndExpired.json",
    "dcc-verifier-core/credentials/v2Revoked.json",
    "dcc-verifier-core/credentials/v2RevokedAndExpired.json",
    "dcc-vc-test-fixtures/verifiableCredentials/v2/ed25519/didKey/noRegistry-revokedStatus-notExpired.json",
    "dcc-vc-test-fixtures/verifiableCredentials/v2/ed25519/didKey/oidf-revokedStatus-noExpiry.json",
    "dcc-vc-test-fixtures/verifiableCredentials/v2/dataIntegrityProof/didKey/twoOIDF-revoked-notExpired-badSchema.json",
    "dcc-vc-test-fixtures/verifiableCredentials/v1/bothSignatureTypes/didKey/oidf-revokedStatus-expired.json",
    "dcc-vc-test-fixtures/verifiableCredentials/v2/ed25519/didWeb/legacy-revokedStatus-noExpiry.json",
]
_NOT_REVOKED = [
    "dcc-verifier-core/credentials/v1WithValidStatus.json",
    "dcc-verifier-core/credentials/v1ExpiredWithValidStatus.json",
    "dcc-verifier-core/credentials/v2WithValidStatus.json",
    "dcc-verifier-core/credentials/v2EddsaWithValidStatus.json",
    "dcc-verifier-core/credentials/v2DoubleSigWithValidStatus.json",
    "dcc-verifier-core/credentials/v2didWebWithValidStatus.json",
    "dcc-vc-test-fixtures/verifiableCredentials/v2/dataIntegrityProof/didKey/twoOIDF-validStatus-expired.json",
    "dcc-vc-test-fixtures/verifiableCredentials/v1/ed25519/didKey/mixedRegistry-validStatus-noExpiry.json",
]
_BAD_LIST = {
    "legacy-expiredStatus-noExpiry.json": "expired",
    "legacy-missingTypeStatus-noExpiry.json": "not a BitstringStatusListCredential",
    "legacy-notYetValidStatus-noExpiry.json": "not valid before",
    "legacy-tamperedStatus-noExpiry.json": "cannot be read",
}


def _load(vectors: Path, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((vectors / name).read_text())
    return data


@pytest.mark.parametrize("name", _REVOKED)
def test_dcc_revoked_credentials_show_revoked(
    vectors: Path, published: dict[str, dict[str, Any]], name: str
) -> None:
    [check] = _check(_load(vectors, name), published)
    assert (check.code, check.outcome) == ("status.revocation", Outcome.FAIL)
    assert check.message == "The issuer revoked this credential."


@pytest.mark.parametrize("name", _NOT_REVOKED)
def test_dcc_valid_status_credentials_are_not_revoked(
    vectors: Path, published: dict[str, dict[str, Any]], name: str
) -> None:
    [check] = _check(_load(vectors, name), published)
    assert (check.code, check.outcome) == ("status.revocation", Outcome.PASS)


@pytest.mark.parametrize(("name", "reason"), sorted(_BAD_LIST.items()))
def test_dcc_untrustworthy_lists_fail_the_status_check(
    vectors: Path, published: dict[str, dict[str, Any]], name: str, reason: str
) -> None:
    credential = _load(
        vectors, "dcc-vc-test-fixtures/verifiableCredentials/v2/ed25519/didKey/" + name
    )
    [check] = _check(credential, published)
    assert (check.code, check.outcome) == ("status.list", Outcome.FAIL)
    assert reason in check.message


def test_list_whose_proof_fails_is_not_read(
    vectors: Path, published: dict[str, dict[str, Any]]
) -> None:
    credential = _load(vectors, "dcc-verifier-core/credentials/v2Revoked.json")
    [check] = _check(credential, published, verify_list=_never)
    assert (check.code, check.outcome) == ("status.list", Outcome.FAIL)
    assert "proof" in check.message


def test_unchecked_list_proof_is_reported(
    vectors: Path, published: dict[str, dict[str, Any]]
) -> None:
    credential = _load(vectors, "dcc-verifier-core/credentials/v2WithValidStatus.json")
    warning, result = _check(credential, published, verify_list=None)
    assert (warning.code, warning.outcome) == ("status.list", Outcome.WARNING)
    assert result.outcome is Outcome.PASS


def test_unreachable_list_is_a_warning(vectors: Path, published: dict[str, dict[str, Any]]) -> None:
    credential = _load(vectors, "dcc-verifier-core/credentials/v2DoubleSigWithBadStatusUrl.json")
    [check] = _check(credential, published)
    assert (check.code, check.outcome) == ("status.list", Outcome.WARNING)


def test_malformed_statuslist2021_entry_fails(
    vectors: Path, published: dict[str, dict[str, Any]]
) -> None:
    credential = _load(vectors, "dcc-verifier-core/credentials/safeModeBreaker.json")
    [check] = _check(credential, published)
    assert (check.code, check.outcome) == ("status.list", Outcome.FAIL)


def test_no_credential_status_means_no_checks() -> None:
    assert _check({"id": "urn:x"}, {}) == []


def test_naive_now_is_refused() -> None:
    with pytest.raises(InputError):
        check_status({}, fetch_status_list=_fetcher({}), verify_list=None, now=datetime(2026, 1, 1))


# -- targeted negative cases -----------------------------------------------------------------

URL = "https://example.org/status/x"


def _list(purpose: Any = "revocation", **changes: Any) -> dict[str, Any]:
    bits = BitstringStatusList.create()
    bits.set(5)
    cred = status_list_credential(URL, "did:e", "revocation", bits.encode(), NOW - timedelta(1))
    cred["credentialSubject"]["statusPurpose"] = purpose
    cred.update(changes)
    return cred


def _entry(**changes: Any) -> dict[str, Any]:
    entry = status_entry(URL, 5, "revocation")
    entry.update(changes)
    return {"id": "urn:c", "credentialStatus": entry}


@pytest.mark.parametrize(
    ("credential", "listed", "fragment"),
    [
        (_entry(statusPurpose="suspension"), _list(), "not 'suspension'"),
        (_entry(statusListIndex=str(MIN_ENTRIES)), _list(), "outside the status list"),
        (_entry(statusListIndex="-1"), _list(), "malformed"),
        (_entry(statusListIndex="1e3"), _list(), "malformed"),
        (_entry(statusListIndex=True), _list(), "malformed"),
        (_entry(statusListIndex="9" * 40), _list(), "malformed"),
        (_entry(statusSize=0), _list(), "malformed"),
        (_entry(statusListCredential=None), _list(), "malformed"),
        (_entry(), _list(validFrom="yesterday"), "not valid dateTimes"),
        (_entry(), _list(credentialSubject="nope"), "credentialSubject"),
        (_entry(), _list(purpose=None), "not 'revocation'"),
        ({"credentialStatus": ["nope"]}, _list(), "not an object"),
        ({"credentialStatus": [_entry()["credentialStatus"]] * 17}, _list(), "more than"),
    ],
)
def test_bad_entries_and_lists_fail(
    credential: dict[str, Any], listed: dict[str, Any], fragment: str
) -> None:
    checks = _check(credential, {URL: listed})
    assert checks[-1].outcome is Outcome.FAIL
    assert fragment in checks[-1].message


def test_purpose_may_be_an_array_on_the_list() -> None:
    [check] = _check(_entry(), {URL: _list(purpose=["revocation", "suspension"])})
    assert (check.code, check.outcome) == ("status.revocation", Outcome.FAIL)


def test_numeric_index_is_tolerated() -> None:
    [check] = _check(_entry(statusListIndex=5), {URL: _list()})
    assert check.outcome is Outcome.FAIL and check.code == "status.revocation"


def test_list_that_is_not_an_object_fails() -> None:
    def fetch(url: str) -> Any:
        return ["not", "a", "credential"]

    [check] = check_status(_entry(), fetch_status_list=fetch, verify_list=_always, now=NOW)
    assert check.outcome is Outcome.FAIL


def test_verifier_callback_errors_become_failures() -> None:
    def explode(_: dict[str, Any]) -> bool:
        raise StatusError("no key for the list's signer")

    [check] = _check(_entry(), {URL: _list()}, verify_list=explode)
    assert check.outcome is Outcome.FAIL and "no key" in check.message


def test_unknown_status_method_is_a_warning() -> None:
    [check] = _check({"credentialStatus": {"type": "CredentialStatusList2017", "id": URL}}, {})
    assert (check.code, check.outcome) == ("status.list", Outcome.WARNING)


def test_statuslist2021_entry_is_checked() -> None:
    bits = BitstringStatusList.create()
    bits.set(848)
    status_list = {
        "type": ["VerifiableCredential", "StatusList2021Credential"],
        "issuanceDate": "2023-01-01T00:00:00Z",
        "credentialSubject": {
            "type": "StatusList2021",
            "statusPurpose": "revocation",
            "encodedList": bits.encode()[1:],
        },
    }
    credential = {
        "credentialStatus": {
            "id": URL + "#848",
            "type": "StatusList2021Entry",
            "statusPurpose": "revocation",
            "statusListIndex": "848",
            "statusListCredential": URL,
        }
    }
    [check] = _check(credential, {URL: status_list})
    assert (check.code, check.outcome) == ("status.revocation", Outcome.FAIL)


def test_status_message_purpose_reports_the_message() -> None:
    bits = BitstringStatusList.create(status_size=2)
    bits.set(3, 2)
    listed = status_list_credential(URL, "did:e", "message", bits.encode(), NOW)
    entry = status_entry(
        URL,
        3,
        "message",
        status_size=2,
        messages=[(0, "pending"), (1, "accepted"), (2, "rejected"), (3, "other")],
    )
    [check] = _check({"credentialStatus": entry}, {URL: listed})
    assert (check.code, check.outcome) == ("status.message", Outcome.PASS)
    assert check.detail["message"] == "rejected" and check.detail["value"] == 2


# -- 1EdTech Revocation List -----------------------------------------------------------------

RL = "https://example.org/revocations"


def _rl_credential(cid: str | None = "urn:uuid:abc") -> dict[str, Any]:
    cred: dict[str, Any] = {"credentialStatus": {"id": RL, "type": "1EdTechRevocationList"}}
    if cid:
        cred["id"] = cid
    return cred


@pytest.mark.parametrize(
    ("listed", "outcome"),
    [
        ({"revokedCredential": []}, Outcome.PASS),
        ({"revokedCredential": [{"id": "urn:uuid:other"}]}, Outcome.PASS),
        ({"revokedCredential": [{"id": "urn:uuid:abc"}]}, Outcome.FAIL),
        ({"revokedCredential": [{"id": "urn:uuid:abc", "revoked": True}]}, Outcome.FAIL),
        ({"revokedCredential": [{"id": "urn:uuid:abc", "revoked": False}]}, Outcome.PASS),
        ({"revokedCredential": ["urn:uuid:abc"]}, Outcome.FAIL),
        ({"revokedCredential": [None, 3, {"id": 4}]}, Outcome.PASS),
    ],
)
def test_1edtech_revocation_list(listed: dict[str, Any], outcome: Outcome) -> None:
    [check] = _check(_rl_credential(), {RL: listed})
    assert (check.code, check.outcome) == ("status.revocation", outcome)


def test_1edtech_revocation_reason_is_reported() -> None:
    listed = {"revokedCredential": [{"id": "urn:uuid:abc", "revocationReason": "Misconduct"}]}
    [check] = _check(_rl_credential(), {RL: listed})
    assert check.detail["reason"] == "Misconduct"


def test_1edtech_fetch_failure_is_only_a_warning() -> None:
    [check] = _check(_rl_credential(), {})
    assert check.outcome is Outcome.WARNING


def test_1edtech_malformed_list_fails_and_missing_id_warns() -> None:
    [bad] = _check(_rl_credential(), {RL: {"revoked": "everything"}})
    assert (bad.code, bad.outcome) == ("status.list", Outcome.FAIL)
    [anonymous] = _check(_rl_credential(None), {RL: {"revokedCredential": []}})
    assert (anonymous.code, anonymous.outcome) == ("status.revocation", Outcome.WARNING)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(st.text(max_size=25), children, max_size=5)
        ),
        max_leaves=20,
    )
)
@settings(max_examples=200, deadline=None)
def test_property_hostile_status_values_only_produce_checks(value: Any) -> None:
    """Whatever a stranger puts in credentialStatus or serves as a list, we answer with Checks."""
    for credential in ({"credentialStatus": value}, _entry(statusListIndex=value)):
        for listed in (value, _list(purpose=value)):

            def fetch(_url: str, listed: Any = listed) -> Any:
                return listed

            for check in check_status(
                credential, fetch_status_list=fetch, verify_list=_always, now=NOW
            ):
                assert check.code.startswith("status.")
