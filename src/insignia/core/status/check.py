"""Verifier side: is this credential revoked or suspended?

One :class:`~insignia.core.report.Check` comes back per fact we learn, with stable codes:

* ``status.revocation`` / ``status.suspension`` (and ``status.refresh`` / ``status.message``
  for the rarer purposes): the status value itself;
* ``status.list``: anything about the list that stopped us from reading that value.

Three methods are understood: W3C ``BitstringStatusListEntry``, its predecessor
``StatusList2021Entry`` and 1EdTech's ``1EdTechRevocationList`` (OB 3.0 §9.1 step 4).
The engine does no I/O: the caller passes ``fetch_status_list`` (URL → parsed JSON, raising
an :class:`~insignia.core.errors.InsigniaError` on failure) and ``verify_list`` (checks the
list credential's own proof).  A list we could not fetch gives a *warning*: the status is
unknown, and an issuer's outage should not turn every badge it issued invalid.  A list we
did fetch but cannot trust (bad proof, expired, wrong type or purpose, undecodable) *fails*.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from insignia.core.errors import InsigniaError, StatusError
from insignia.core.report import Check, Outcome
from insignia.core.status._time import parse_instant, require_aware
from insignia.core.status.bitstring import MAX_STATUS_SIZE, BitstringStatusList

StatusListFetcher = Callable[[str], dict[str, Any]]
ListVerifier = Callable[[dict[str, Any]], bool]

#: More status entries than this on one credential is not a real credential.
MAX_STATUS_ENTRIES = 16
_MAX_INDEX_DIGITS = 12

_PURPOSE_WORDS = {
    "revocation": ("revoked", "The issuer revoked this credential."),
    "suspension": ("suspended", "The issuer has suspended this credential."),
    "refresh": ("refreshable", "The issuer has published a newer version of this credential."),
}


@dataclass(frozen=True, slots=True)
class _Ctx:
    fetch: StatusListFetcher
    verify: ListVerifier | None
    now: datetime


@dataclass(frozen=True, slots=True)
class _ListMethod:
    """What distinguishes BitstringStatusList from StatusList2021 when reading a list."""

    name: str
    credential_type: str
    subject_type: str
    multibase: bool


_BITSTRING = _ListMethod(
    "BitstringStatusListEntry", "BitstringStatusListCredential", "BitstringStatusList", True
)
_SL2021 = _ListMethod("StatusList2021Entry", "StatusList2021Credential", "StatusList2021", False)


@dataclass(frozen=True, slots=True)
class _Entry:
    purpose: str
    index: int
    list_url: str
    status_size: int
    messages: dict[int, str]


def _types(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [t for t in value if isinstance(t, str)]
    return []


def _fail(
    message: str, detail: Mapping[str, Any] | None = None, *, code: str = "status.list"
) -> Check:
    return Check(code, Outcome.FAIL, message, dict(detail or {}))


def _warn(
    message: str, detail: Mapping[str, Any] | None = None, *, code: str = "status.list"
) -> Check:
    return Check(code, Outcome.WARNING, message, dict(detail or {}))


def check_status(
    credential: Mapping[str, Any],
    *,
    fetch_status_list: StatusListFetcher,
    verify_list: ListVerifier | None,
    now: datetime,
) -> list[Check]:
    """Check every ``credentialStatus`` entry of ``credential``.

    :param verify_list: returns True when the list credential's proof verifies and its
        signer may speak for the issuer.  None skips that check and says so with a
        ``status.list`` warning (for tests and already-trusted lists only).
    :returns: an empty list when the credential has no ``credentialStatus``.
    """
    require_aware(now, "now")
    status = credential.get("credentialStatus")
    if status is None:
        return []
    entries = status if isinstance(status, list) else [status]
    if len(entries) > MAX_STATUS_ENTRIES:
        return [_fail(f"The credential has more than {MAX_STATUS_ENTRIES} status entries.")]
    ctx = _Ctx(fetch_status_list, verify_list, now)
    checks: list[Check] = []
    for entry in entries:
        checks.extend(_check_entry(entry, credential, ctx))
    return checks


def _check_entry(entry: object, credential: Mapping[str, Any], ctx: _Ctx) -> list[Check]:
    if not isinstance(entry, dict):
        return [_fail("A credentialStatus entry is not an object.")]
    types = _types(entry.get("type"))
    if _BITSTRING.name in types:
        return _check_list_entry(entry, _BITSTRING, ctx)
    if _SL2021.name in types:
        return _check_list_entry(entry, _SL2021, ctx)
    if "1EdTechRevocationList" in types:
        return _check_revocation_list(entry, credential, ctx)
    return [_warn(f"The status method {types or entry.get('type')!r} is not supported.")]


# -- Bitstring Status List and StatusList2021 ------------------------------------------------


def _parse_index(value: object) -> int:
    """statusListIndex is a base-10 string; a bare integer is tolerated (seen in the wild)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if (
        isinstance(value, str)
        and value.isascii()
        and value.isdigit()
        and len(value) <= _MAX_INDEX_DIGITS
    ):
        return int(value)
    raise StatusError(f"statusListIndex {value!r} is not a non-negative integer.")


def _parse_messages(value: object) -> dict[int, str]:
    if value is None:
        return {}
    if not isinstance(value, list):
        raise StatusError("statusMessage must be a list.")
    out: dict[int, str] = {}
    for item in value:
        if isinstance(item, dict) and isinstance(item.get("status"), str):
            try:
                out[int(item["status"], 16)] = str(item.get("message", ""))
            except ValueError:
                continue
    return out


def _parse_entry(entry: Mapping[str, Any]) -> _Entry:
    purpose = entry.get("statusPurpose")
    list_url = entry.get("statusListCredential")
    if not isinstance(purpose, str) or not purpose:
        raise StatusError("statusPurpose is missing.")
    if not isinstance(list_url, str) or not list_url:
        raise StatusError("statusListCredential is missing.")
    size = entry.get("statusSize", 1)
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_STATUS_SIZE:
        raise StatusError(f"statusSize {size!r} is not supported.")
    return _Entry(
        purpose,
        _parse_index(entry.get("statusListIndex")),
        list_url,
        size,
        _parse_messages(entry.get("statusMessage")),
    )


def _check_list_entry(entry: Mapping[str, Any], method: _ListMethod, ctx: _Ctx) -> list[Check]:
    try:
        parsed = _parse_entry(entry)
    except StatusError as exc:
        return [_fail(f"The {method.name} is malformed: {exc.message}", {"type": method.name})]
    where = {"purpose": parsed.purpose, "index": parsed.index, "list": parsed.list_url}
    try:
        list_credential: object = ctx.fetch(parsed.list_url)
    except (InsigniaError, OSError) as exc:
        return [_warn(f"The status list could not be fetched ({exc}); status unknown.", where)]
    if not isinstance(list_credential, dict):
        return [_fail("The status list is not a JSON object.", where)]
    checks: list[Check] = []
    problem = _list_problem(list_credential, method, parsed, ctx, checks)
    if problem is not None:
        return [*checks, _fail(problem, where)]
    subject = _subject(list_credential) or {}
    try:
        bits = BitstringStatusList.decode(
            subject.get("encodedList", ""),
            status_size=parsed.status_size,
            multibase_prefix=method.multibase,
        )
        value = bits.get(parsed.index)
    except StatusError as exc:
        return [*checks, _fail(f"The status list cannot be read: {exc.message}", where)]
    checks.append(_status_value_check(parsed, value, where))
    return checks


def _subject(list_credential: Mapping[str, Any]) -> dict[str, Any] | None:
    subject = list_credential.get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]
    return subject if isinstance(subject, dict) else None


def _list_problem(
    list_credential: dict[str, Any],
    method: _ListMethod,
    entry: _Entry,
    ctx: _Ctx,
    checks: list[Check],
) -> str | None:
    """Return why the list cannot be trusted, or None; append a warning if unverified."""
    if method.credential_type not in _types(list_credential.get("type")):
        return f"The status list is not a {method.credential_type}."
    proof_problem = _proof_problem(list_credential, ctx)
    if proof_problem == "":
        checks.append(_warn("The status list's proof was not checked.", {"list": entry.list_url}))
    elif proof_problem is not None:
        return proof_problem
    window_problem = _validity_problem(list_credential, ctx.now)
    if window_problem is not None:
        return window_problem
    subject = _subject(list_credential)
    if subject is None or method.subject_type not in _types(subject.get("type")):
        return f"The status list's credentialSubject is not a {method.subject_type}."
    if not isinstance(subject.get("encodedList"), str):
        return "The status list has no encodedList."
    purposes = _types(subject.get("statusPurpose"))
    if entry.purpose not in purposes:
        return f"The status list is for {purposes or 'no purpose'}, not {entry.purpose!r}."
    return None


def _proof_problem(list_credential: dict[str, Any], ctx: _Ctx) -> str | None:
    """None = verified, "" = not checked, otherwise the reason it failed."""
    if ctx.verify is None:
        return ""
    try:
        ok = ctx.verify(list_credential)
    except InsigniaError as exc:
        return f"The status list's proof does not verify: {exc.message}"
    return None if ok is True else "The status list's proof does not verify."


def _validity_problem(list_credential: Mapping[str, Any], now: datetime) -> str | None:
    start_raw = list_credential.get("validFrom", list_credential.get("issuanceDate"))
    end_raw = list_credential.get("validUntil", list_credential.get("expirationDate"))
    start, end = parse_instant(start_raw), parse_instant(end_raw)
    if (start_raw is not None and start is None) or (end_raw is not None and end is None):
        return "The status list's validity dates are not valid dateTimes."
    if start is not None and now < start:
        return f"The status list is not valid before {start_raw}."
    if end is not None and now >= end:
        return f"The status list expired on {end_raw}."
    return None


def _status_value_check(entry: _Entry, value: int, where: dict[str, Any]) -> Check:
    detail: dict[str, Any] = {**where, "value": value}
    if value in entry.messages:
        detail["message"] = entry.messages[value]
    code = f"status.{entry.purpose}"
    if entry.purpose in _PURPOSE_WORDS:
        word, sentence = _PURPOSE_WORDS[entry.purpose]
        if value == 0:
            return Check(code, Outcome.PASS, f"The credential is not {word}.", detail)
        outcome = Outcome.WARNING if entry.purpose == "refresh" else Outcome.FAIL
        return Check(code, outcome, sentence, detail)
    if entry.purpose == "message":
        text = entry.messages.get(value, f"status value {value}")
        return Check(code, Outcome.PASS, f"The issuer's status message: {text}", detail)
    return _warn(f"The status purpose {entry.purpose!r} is not understood.", detail)


# -- 1EdTech Revocation List ------------------------------------------------------------------


def _check_revocation_list(
    entry: Mapping[str, Any], credential: Mapping[str, Any], ctx: _Ctx
) -> list[Check]:
    list_url = entry.get("id")
    if not isinstance(list_url, str) or not list_url:
        return [_fail("The 1EdTechRevocationList entry has no id (list URL).")]
    where: dict[str, Any] = {"list": list_url}
    credential_id = credential.get("id")
    if not isinstance(credential_id, str) or not credential_id:
        message = "The credential has no id, so the revocation list cannot name it."
        return [_warn(message, where, code="status.revocation")]
    try:
        revocation_list: object = ctx.fetch(list_url)
    except (InsigniaError, OSError) as exc:
        return [_warn(f"The revocation list could not be fetched ({exc}); status unknown.", where)]
    items = revocation_list.get("revokedCredential") if isinstance(revocation_list, dict) else None
    if not isinstance(items, list):
        return [_fail("The revocation list has no revokedCredential array.", where)]
    for item in items:
        reason = _revocation_of(item, credential_id)
        if reason is not None:
            detail = {**where, "reason": reason} if reason else where
            return [_fail("The issuer revoked this credential.", detail, code="status.revocation")]
    return [Check("status.revocation", Outcome.PASS, "The credential is not revoked.", where)]


def _revocation_of(item: object, credential_id: str) -> str | None:
    """Return the reason ("" if none) when ``item`` revokes ``credential_id``, else None.

    Entries are objects ``{id, revoked?, revocationReason?}``; ``revoked: false`` means the
    issuer lists the credential but has not revoked it.  Bare id strings are tolerated.
    """
    if item == credential_id:
        return ""
    if not isinstance(item, dict) or item.get("id") != credential_id:
        return None
    if item.get("revoked", True) is False:
        return None
    reason = item.get("revocationReason")
    return reason if isinstance(reason, str) else ""
